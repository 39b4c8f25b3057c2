// Package watch follows a plugin folder and reports the complete *.wasm
// modules in it, so that the host can reload plugins without a restart.
//
// A Watcher watches the folder (never single files, whose watches are lost
// when a tool replaces them) and turns each burst of changes into at most one
// Snapshot: it waits until the folder has been quiet for Config.Settle, reads
// the files that may have changed, and sends a Snapshot on Changes when a
// file was added, removed or its SHA-256 changed. A file counts when its
// name ends in ".wasm" and does not start with a dot, and when it is, or
// links to, a regular file.
//
// # Incomplete files
//
// A file is incomplete when its size or modification time changes while it
// is read, or when a check of its header and section sizes finds that it is
// not a whole WebAssembly module. An incomplete file is read again after
// another Settle, and the rest of its burst is held back until then. Once
// it has stayed the same and incomplete for Config.Retries further reads, it
// is reported anyway, with File.Err saying why, so that the host can reject
// it with that reason.
//
// # Missing folder
//
// A missing plugin folder holds no plugins: the snapshot after the next quiet
// period is empty, and a folder created again at the same path is watched
// and reported as new files. So `rm -rf` followed by a re-creation ends in the
// new contents, and a folder that stays away unloads every plugin. A folder
// that cannot be read for another reason, such as missing permission, keeps
// the last view until it can be read again.
//
// # Symbolic links
//
// The configured path may be a symbolic link. The watcher also watches the
// folder that contains the configured path, and resolves the path again
// when its entry there changes, so a link re-pointed to another folder
// (atomically by rename, or by remove and create) is followed. Files may be
// links too, as in a
// Kubernetes ConfigMap volume, where "x.wasm" links to "..data/x.wasm" and an
// update renames a new "..data" link into place: any event on a name starting
// with ".." makes the next scan read every file again.
//
// Events can be lost: the kernel drops them when its queue overflows, and
// network file systems send few or none. The watcher rescans the folder and
// compares content hashes at once after an overflow, and every
// Config.Rescan.
//
// NOTE: when the folder that contains the configured path is itself removed
// and created again, nothing watches it in between, so the new plugin
// folder is found by the next periodic rescan.
package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Defaults for Config fields left at their zero value.
const (
	DefaultSettle      = 300 * time.Millisecond
	DefaultRescan      = 30 * time.Second
	DefaultRetries     = 5
	DefaultMaxFileSize = 64 << 20
)

// maxBurstSettles bounds how long a burst of events can postpone a scan, in
// multiples of Config.Settle, so that a file rewritten without pause does not
// hide the other files' changes forever.
const maxBurstSettles = 10

// Config configures a Watcher.
type Config struct {
	// Dir is the plugin folder. It may be a symbolic link to a folder, and it
	// may be missing. The package documentation describes both cases.
	Dir string

	// Settle is the quiet time after the last event in the folder before its
	// files are read. Default: DefaultSettle. A shorter time reacts sooner
	// but reads a file that a slow writer has paused in more often. A burst
	// of events postpones a scan by at most 10 times Settle.
	Settle time.Duration

	// Rescan is the interval of full rescans, which read every file and
	// compare content hashes to catch changes whose events were lost.
	// Default: DefaultRescan. A negative value turns periodic rescans off.
	// Each rescan reads every file, so its cost grows with the folder's size.
	Rescan time.Duration

	// Retries is how many more times a file that stays incomplete is read,
	// one Settle apart, before it is reported with File.Err set. A read that
	// finds the file changed since the last one starts the count again, up
	// to 4 × (Retries + 1) reads in all. Default: DefaultRetries.
	Retries int

	// MaxFileSize is the largest file, in bytes, that is read into memory.
	// A larger file is not read, and after its retries it is reported with
	// File.Err set and no Data. Default: DefaultMaxFileSize.
	MaxFileSize int64

	// Logger receives the watcher's messages: Debug for each event, Warn
	// for lost events and files that never became complete, Error for a
	// folder that cannot be watched or read. Nil discards them.
	Logger *slog.Logger
}

// withDefaults returns cfg with every zero field set to its default.
func (cfg Config) withDefaults() Config {
	if cfg.Settle == 0 {
		cfg.Settle = DefaultSettle
	}
	if cfg.Rescan == 0 {
		cfg.Rescan = DefaultRescan
	}
	if cfg.Retries == 0 {
		cfg.Retries = DefaultRetries
	}
	if cfg.MaxFileSize == 0 {
		cfg.MaxFileSize = DefaultMaxFileSize
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// validate reports every invalid field of cfg at once.
func (cfg Config) validate() error {
	var errs []error
	if cfg.Dir == "" {
		errs = append(errs, errors.New("dir is empty; set it to the plugin folder"))
	}
	if cfg.Settle < 0 {
		errs = append(errs, fmt.Errorf("settle %v is negative", cfg.Settle))
	}
	if cfg.Retries < 0 {
		errs = append(errs, fmt.Errorf("retries %d is negative", cfg.Retries))
	}
	if cfg.MaxFileSize < 0 {
		errs = append(errs, fmt.Errorf("max file size %d is negative", cfg.MaxFileSize))
	}
	return errors.Join(errs...)
}

// File is one plugin module as it was read.
type File struct {
	// Path is the file's path under Config.Dir as configured, with links
	// left unresolved.
	Path    string
	Size    int64
	ModTime time.Time
	// SHA256 is the lower-case hex SHA-256 of Data, or empty when Data is
	// nil.
	SHA256 string
	// Data is the file's content. Snapshots share it, so it must not be
	// modified.
	Data []byte
	// Err is the reason a file was reported before it became a complete
	// module, after Config.Retries further reads. Data then holds the last
	// bytes read, if any. Err is nil for a complete module.
	Err error
}

// Snapshot is the view of the plugin folder after a quiet period.
type Snapshot struct {
	// Files maps each counted file's name to its content.
	Files map[string]File
	// Added, Changed and Removed list file names, sorted, compared with the
	// previous snapshot sent on Changes (the initial snapshot for the first
	// one). Changed means the SHA-256 or Err differs.
	Added, Changed, Removed []string
}

// Watcher follows one plugin folder. Create it with New, start it with Run,
// and read Changes.
type Watcher struct {
	cfg    Config
	logger *slog.Logger
	fsw    *fsnotify.Watcher

	// The configured folder as an absolute path, its parent and its name.
	dir, parent, base string

	// State owned by the goroutine that calls New and then Run.
	folder     folderState
	cache      map[string]entry    // the last read of each counted file
	pending    map[string]*attempt // files read while incomplete
	reread     map[string]bool     // names events touched since the last scan
	rereadAll  bool                // read every file at the next scan
	delivered  map[string]File     // the view last sent on Changes
	outgoing   *Snapshot           // the snapshot waiting for a receiver
	nextView   map[string]File     // the view outgoing was made from
	timer      *time.Timer         // the next scan
	timerArmed bool
	burstStart time.Time

	changes chan Snapshot

	mu      sync.Mutex
	view    map[string]File // the latest complete view, for Snapshot
	started bool
	closed  bool
	quit    chan struct{} // closed by Close
	done    chan struct{} // closed when Run has returned
}

// New watches cfg.Dir and scans it once, so that Snapshot returns the
// folder's contents at once. It returns an error when cfg is invalid or the
// operating system's watcher cannot be created. A missing folder is no
// error: the view is empty until the folder appears.
//
// NOTE: on Linux each Watcher holds one inotify instance, and the per-user
// limit fs.inotify.max_user_instances (128 by the kernel's default) caps how
// many watchers, across all processes of the user, can exist at once.
func New(cfg Config) (*Watcher, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("invalid watch config: %w", err)
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("resolving plugin folder %s: %w", cfg.Dir, err)
	}

	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("creating file system watcher: %w", err)
	}

	w := &Watcher{
		cfg:     cfg,
		logger:  cfg.Logger.With("plugin_dir", cfg.Dir),
		fsw:     fsw,
		dir:     dir,
		parent:  filepath.Dir(dir),
		base:    filepath.Base(dir),
		folder:  folderState{failing: map[string]bool{}},
		cache:   map[string]entry{},
		pending: map[string]*attempt{},
		reread:  map[string]bool{},
		timer:   time.NewTimer(time.Hour),
		changes: make(chan Snapshot),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	w.timer.Stop()

	// Watches are set before the first read, so no change after it is lost.
	// Files still incomplete now are left out of the initial view, and Run
	// reads them again after Settle.
	w.rereadAll = true
	if w.scan() {
		w.armRetry()
	}
	w.delivered = w.setView()
	w.logger.Info("watching plugin folder", "files", len(w.delivered))
	return w, nil
}

// Changes returns the channel of snapshots. Only the latest undelivered
// snapshot is kept: a slow receiver gets one snapshot that sums up every
// change since the one it received before. The channel is closed when Run
// returns, or by Close when Run was never called.
func (w *Watcher) Changes() <-chan Snapshot {
	return w.changes
}

// Snapshot returns the latest complete view of the folder. Its Added lists
// every file, as if compared with an empty folder. It may be newer than the
// last snapshot received from Changes.
func (w *Watcher) Snapshot() Snapshot {
	w.mu.Lock()
	files := maps.Clone(w.view)
	w.mu.Unlock()

	return Snapshot{Files: files, Added: slices.Sorted(maps.Keys(files))}
}

// Run follows the folder until ctx is done or Close is called, then
// releases the operating system's watcher and closes Changes. It returns
// nil when stopped that way, and an error when the watcher is already
// running or closed.
func (w *Watcher) Run(ctx context.Context) error {
	w.mu.Lock()
	switch {
	case w.closed:
		w.mu.Unlock()
		return errors.New("watch: Run called after Close")
	case w.started:
		w.mu.Unlock()
		return errors.New("watch: Run called twice")
	}
	w.started = true
	w.mu.Unlock()

	defer close(w.done)
	defer w.release()

	var rescan <-chan time.Time
	if w.cfg.Rescan > 0 {
		ticker := time.NewTicker(w.cfg.Rescan)
		defer ticker.Stop()
		rescan = ticker.C
	}

	for {
		// A nil channel blocks, so the send case is off while nothing waits.
		var out chan<- Snapshot
		var next Snapshot
		if w.outgoing != nil {
			out = w.changes
			next = *w.outgoing
		}

		select {
		case <-ctx.Done():
			return nil
		case <-w.quit:
			return nil
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return nil
			}
			w.handleEvent(ev)
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return nil
			}
			w.handleError(err)
		case <-w.timer.C:
			w.timerArmed = false
			w.scanAndPublish()
		case <-rescan:
			w.rereadAll = true
			if !w.timerArmed {
				w.scanAndPublish()
			}
		case out <- next:
			w.delivered = w.nextView
			w.outgoing = nil
		}
	}
}

// Close stops Run and releases the operating system's watcher. It waits
// for Run to return, and may be called more than once.
func (w *Watcher) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	started := w.started
	close(w.quit)
	w.mu.Unlock()

	if started {
		<-w.done
		return nil
	}
	w.release()
	return nil
}

// release closes the operating system's watcher and the Changes channel.
func (w *Watcher) release() {
	w.timer.Stop()
	if err := w.fsw.Close(); err != nil {
		w.logger.Error("closing file system watcher failed", "err", err)
	}
	close(w.changes)
}

// handleEvent records what an event may have changed and schedules a scan.
func (w *Watcher) handleEvent(ev fsnotify.Event) {
	name := filepath.Base(ev.Name)
	inFolder := w.folder.resolved != "" && filepath.Dir(ev.Name) == w.folder.resolved
	removedOrMoved := ev.Has(fsnotify.Remove | fsnotify.Rename)

	switch {
	case ev.Name == w.dir:
		// The configured path itself was created, removed or re-pointed.
		// Watching the new folder at once lets files written into it next
		// raise their own events.
		if removedOrMoved {
			w.forgetWatch(ev.Name)
		}
		w.rereadAll = true
		w.watchFolder()
	case ev.Name == w.folder.resolved || ev.Name == w.folder.parent.path:
		// A watched folder was removed or moved away, and the kernel dropped
		// its watch.
		if removedOrMoved {
			w.forgetWatch(ev.Name)
		}
		w.rereadAll = true
	case inFolder && isPluginName(name):
		w.reread[name] = true
	case inFolder && strings.HasPrefix(name, ".."):
		// A Kubernetes volume swaps its "..data" link. The files' own entries
		// do not change, so only reading them all is sure to see new content.
		w.rereadAll = true
	case inFolder && !strings.HasPrefix(name, "."):
		// Another entry, such as a link that plugin files point through: the
		// scan compares each file's metadata with its last read.
	default:
		// A hidden file, such as an editor's swap file, or an entry next to
		// the configured folder.
		return
	}

	w.logger.Debug("file system event", "event", ev.Op.String(), "file", ev.Name)
	w.arm()
}

// handleError rescans at once after lost events and logs other errors.
func (w *Watcher) handleError(err error) {
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		w.logger.Warn("file system events were lost; rescanning the plugin folder", "err", err)
		w.rereadAll = true
		w.timer.Stop()
		w.timerArmed = false
		w.scanAndPublish()
		return
	}
	w.logger.Error("file system watcher failed", "err", err)
}

// arm schedules a scan Settle after now, but no later than maxBurstSettles
// times Settle after the first event of the burst.
func (w *Watcher) arm() {
	now := time.Now()
	if !w.timerArmed {
		w.burstStart = now
		w.timerArmed = true
	}
	delay := w.cfg.Settle
	if latest := w.burstStart.Add(maxBurstSettles * w.cfg.Settle); now.Add(delay).After(latest) {
		delay = latest.Sub(now)
	}
	w.timer.Reset(delay)
}

// armRetry schedules a scan Settle from now to read incomplete files again.
func (w *Watcher) armRetry() {
	w.burstStart = time.Now()
	w.timerArmed = true
	w.timer.Reset(w.cfg.Settle)
}
