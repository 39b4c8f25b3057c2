package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// folderState is the watcher's record of where the plugin folder is.
type folderState struct {
	parent dirWatch // the folder that holds the configured path
	target dirWatch // the folder the configured path resolves to
	// resolved is the folder the configured path resolved to at the last
	// look, or "" while it is missing. It is read even when its watch
	// could not be set.
	resolved string

	missing    bool            // the folder was missing at the last scan
	unreadable bool            // the folder could not be read at the last scan
	failing    map[string]bool // folders whose watch could not be set
}

// dirWatch is one folder watch and the identity of the folder it is on.
type dirWatch struct {
	path string      // the folder watched, or "" for none
	info os.FileInfo // the folder's metadata when the watch was set
}

// errNotFolder marks a configured path that exists but is not a folder.
var errNotFolder = fmt.Errorf("not a folder: %w", syscall.ENOTDIR)

// watchFolder resolves the configured path and keeps both watches on the
// folders now there: the parent, to see the configured path itself change,
// and the folder it resolves to. It returns the resolved folder, or an error
// when there is none.
func (w *Watcher) watchFolder() (string, error) {
	if info, err := os.Stat(w.parent); err == nil && info.IsDir() && w.parent != w.dir {
		w.watchDir(&w.folder.parent, w.parent, info)
	} else if err != nil {
		w.logWatchFailure(w.parent, err)
	}

	resolved, info, err := resolveFolder(w.dir)
	if err != nil {
		w.unwatchDir(&w.folder.target)
		w.folder.resolved = ""
		return "", err
	}
	w.folder.resolved = resolved
	if resolved == w.folder.parent.path {
		// A link to its own parent, whose watch already reports its changes.
		w.unwatchDir(&w.folder.target)
		return resolved, nil
	}
	w.watchDir(&w.folder.target, resolved, info)
	return resolved, nil
}

// resolveFolder follows the links in path and returns the folder it names.
func resolveFolder(path string) (string, os.FileInfo, error) {
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", nil, err
	}
	info, err := os.Stat(resolved)
	if err != nil {
		return "", nil, err
	}
	if !info.IsDir() {
		return "", nil, &fs.PathError{Op: "watch", Path: resolved, Err: errNotFolder}
	}
	return resolved, info, nil
}

// watchDir moves dw to the folder now at path, unless it is already on that
// same folder. Comparing identities, not only paths, catches a folder that
// was removed and created again at the same path, whose old watch the
// kernel has dropped. A failure is logged once per path, and the next call
// tries again.
func (w *Watcher) watchDir(dw *dirWatch, path string, info os.FileInfo) {
	if dw.path == path && dw.info != nil && os.SameFile(dw.info, info) {
		return
	}
	w.unwatchDir(dw)
	if err := w.fsw.Add(path); err != nil {
		w.logWatchFailure(path, err)
		return
	}
	if w.folder.failing[path] {
		delete(w.folder.failing, path)
		w.logger.Info("watching folder again", "path", path)
	}
	dw.path, dw.info = path, info
}

// unwatchDir removes dw's watch, if any.
func (w *Watcher) unwatchDir(dw *dirWatch) {
	if dw.path == "" {
		return
	}
	// The kernel drops the watch of a removed folder by itself, and removing
	// it again fails with an error that means nothing here.
	_ = w.fsw.Remove(dw.path)
	dw.path, dw.info = "", nil
}

// forgetWatch records that the kernel dropped the watch on path, because
// the folder was removed or moved away.
func (w *Watcher) forgetWatch(path string) {
	for _, dw := range []*dirWatch{&w.folder.parent, &w.folder.target} {
		if dw.path == path {
			dw.path, dw.info = "", nil
		}
	}
}

// logWatchFailure logs a folder that cannot be watched, once until it can.
func (w *Watcher) logWatchFailure(path string, err error) {
	if w.folder.failing[path] {
		return
	}
	w.folder.failing[path] = true
	w.logger.Error("cannot watch folder; its changes are seen only by periodic rescans", "path", path, "err", err)
}

// isMissing reports whether err means that there is no plugin folder.
func isMissing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
