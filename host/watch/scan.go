package watch

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// maxReadsPerRetry bounds the reads of a file that is incomplete and still
// changing, as a multiple of Config.Retries + 1, so that a file rewritten
// forever is reported too.
const maxReadsPerRetry = 4

// entry is the last read of a file and the metadata it was read at.
type entry struct {
	file File
	info os.FileInfo // nil when the file's metadata could not be read
}

// attempt counts the reads of a file that found it incomplete.
type attempt struct {
	info  os.FileInfo // the metadata at the last read
	reads int         // reads that found the file incomplete
	stuck int         // reads in a row that found the same metadata
}

// isPluginName reports whether a file of this name counts as a plugin.
// Hidden files are left out because editors and copy tools keep their
// temporary files there.
func isPluginName(name string) bool {
	return strings.HasSuffix(name, ".wasm") && !strings.HasPrefix(name, ".")
}

// scanAndPublish scans the folder and publishes the new view, unless a file
// is still incomplete: then the burst is held back and read again after
// Settle.
func (w *Watcher) scanAndPublish() {
	if w.scan() {
		w.armRetry()
		return
	}
	w.publish()
}

// scan lists the folder and reads into w.cache each counted file that may
// have changed: those that events named, those whose metadata differs from
// their last read, and all of them when rereadAll is set. It returns true
// when a file was incomplete and must be read again.
func (w *Watcher) scan() (incomplete bool) {
	reread, all := w.reread, w.rereadAll
	w.reread, w.rereadAll = map[string]bool{}, false

	dir, names, ok := w.listFolder()
	if !ok {
		return false
	}

	seen := make(map[string]bool, len(names))
	for _, name := range names {
		path := filepath.Join(dir, name)
		info, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since the listing, or a link to nothing
		}
		if err == nil && !info.Mode().IsRegular() {
			continue
		}
		seen[name] = true

		cached, isCached := w.cache[name]
		_, isPending := w.pending[name]
		if isCached && !isPending && !all && !reread[name] && sameMetadata(cached.info, info) {
			continue
		}

		file, readInfo, problem := w.readFile(path, name, err)
		if problem == nil {
			w.cache[name] = entry{file: file, info: readInfo}
			delete(w.pending, name)
			continue
		}

		// A file already reported as incomplete that reads the same again
		// is not retried, so that rescans do not hold back every burst.
		if isCached && cached.file.Err != nil && !isPending &&
			sameMetadata(cached.info, info) && cached.file.Err.Error() == problem.Error() {
			continue
		}
		if w.retry(name, info, problem) {
			incomplete = true
			continue
		}
		file.Err = problem
		w.cache[name] = entry{file: file, info: info}
	}

	for name := range w.cache {
		if !seen[name] {
			delete(w.cache, name)
		}
	}
	for name := range w.pending {
		if !seen[name] {
			delete(w.pending, name)
		}
	}
	return incomplete
}

// listFolder resolves the folder and returns it with the names of the files
// in it that count. A missing folder has no files. ok is false when the
// folder exists but cannot be read, and the view is to stay as it is.
func (w *Watcher) listFolder() (dir string, names []string, ok bool) {
	dir, err := w.watchFolder()
	var entries []os.DirEntry
	if err == nil {
		entries, err = os.ReadDir(dir)
	}

	switch {
	case isMissing(err):
		if !w.folder.missing {
			w.folder.missing = true
			w.logger.Warn("plugin folder is missing; reporting no plugins", "err", err)
		}
		return "", nil, true
	case err != nil:
		if !w.folder.unreadable {
			w.folder.unreadable = true
			w.logger.Error("reading plugin folder failed; keeping the last view", "err", err)
		}
		return "", nil, false
	}

	if w.folder.missing || w.folder.unreadable {
		w.folder.missing, w.folder.unreadable = false, false
		w.logger.Info("plugin folder is readable again", "path", dir)
	}
	for _, e := range entries {
		if isPluginName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	return dir, names, true
}

// readFile reads one file, hashes it and checks that it is a whole module.
// statErr is the error of the caller's os.Stat of path, if any. It returns
// the file, the metadata the content was read at, and the reason the file
// is not ready, if any.
func (w *Watcher) readFile(path, name string, statErr error) (File, os.FileInfo, error) {
	file := File{Path: filepath.Join(w.cfg.Dir, name)}
	if statErr != nil {
		return file, nil, statErr
	}

	f, err := os.Open(path)
	if err != nil {
		return file, nil, err
	}
	defer f.Close()

	before, err := f.Stat()
	if err != nil {
		return file, nil, err
	}
	file.Size, file.ModTime = before.Size(), before.ModTime()
	if before.Size() > w.cfg.MaxFileSize {
		return file, before, fmt.Errorf("file is %d bytes, over the limit of %d bytes", before.Size(), w.cfg.MaxFileSize)
	}

	// One byte over the limit shows a file that grew past it while read.
	data, err := io.ReadAll(io.LimitReader(f, w.cfg.MaxFileSize+1))
	if err != nil {
		return file, before, fmt.Errorf("reading: %w", err)
	}
	after, err := f.Stat()
	if err != nil {
		return file, before, err
	}
	if int64(len(data)) != after.Size() || after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
		return file, after, fmt.Errorf("file changed while it was read: %d bytes modified at %s, then %d bytes modified at %s",
			before.Size(), before.ModTime().Format(timeFormat), after.Size(), after.ModTime().Format(timeFormat))
	}

	sum := sha256.Sum256(data)
	file.Data, file.SHA256 = data, hex.EncodeToString(sum[:])
	if err := checkModule(data); err != nil {
		return file, after, fmt.Errorf("not a complete WebAssembly module: %w", err)
	}
	return file, after, nil
}

// timeFormat shows modification times to the nanosecond in messages.
const timeFormat = "15:04:05.000000000"

// retry records that the file name was read while incomplete and returns
// true when it is to be read again after Settle. It returns false once the
// file has read the same Retries more times, or has been read too often
// while it kept changing.
func (w *Watcher) retry(name string, info os.FileInfo, problem error) bool {
	a := w.pending[name]
	if a == nil {
		a = &attempt{}
		w.pending[name] = a
	}
	if a.reads > 0 && sameMetadata(a.info, info) {
		a.stuck++
	} else {
		a.stuck = 0
	}
	a.reads++
	a.info = info

	maxReads := maxReadsPerRetry * (w.cfg.Retries + 1)
	if a.stuck < w.cfg.Retries && a.reads < maxReads {
		w.logger.Debug("plugin file is not ready; reading it again after the quiet time", "file", name, "err", problem)
		return true
	}

	delete(w.pending, name)
	w.logger.Warn("plugin file never became a complete module; reporting it anyway",
		"file", name, "reads", a.reads, "err", problem)
	return false
}

// sameMetadata reports whether a and b describe the same file at the same
// size and modification time. Two nil values are the same: a file whose
// metadata still cannot be read.
func sameMetadata(a, b os.FileInfo) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// publish makes the cache the current view and, when that differs from the
// view last sent on Changes, the next snapshot to send.
func (w *Watcher) publish() {
	view := w.setView()
	snap := compare(w.delivered, view)
	if len(snap.Added)+len(snap.Changed)+len(snap.Removed) == 0 {
		w.outgoing, w.nextView = nil, nil
		return
	}
	snap.Files = maps.Clone(view)
	w.outgoing, w.nextView = &snap, view
	w.logger.Debug("plugin folder changed", "added", snap.Added, "changed", snap.Changed, "removed", snap.Removed)
}

// setView makes the cache the view that Snapshot returns, and returns it.
func (w *Watcher) setView() map[string]File {
	view := make(map[string]File, len(w.cache))
	for name, e := range w.cache {
		view[name] = e.file
	}
	w.mu.Lock()
	w.view = view
	w.mu.Unlock()
	return view
}

// compare returns the names added, changed and removed from old to cur.
func compare(old, cur map[string]File) Snapshot {
	var snap Snapshot
	for name, f := range cur {
		prev, ok := old[name]
		switch {
		case !ok:
			snap.Added = append(snap.Added, name)
		case prev.SHA256 != f.SHA256 || errorText(prev.Err) != errorText(f.Err):
			snap.Changed = append(snap.Changed, name)
		}
	}
	for name := range old {
		if _, ok := cur[name]; !ok {
			snap.Removed = append(snap.Removed, name)
		}
	}
	slices.Sort(snap.Added)
	slices.Sort(snap.Changed)
	slices.Sort(snap.Removed)
	return snap
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
