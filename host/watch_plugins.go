package host

import (
	"context"
	"time"

	"github.com/bubblehost/bubblehost/host/watch"
)

// watchPlugins follows the tenant's plugin folder until ctx ends: a module
// added, replaced or removed there is loaded, swapped or unloaded.
//
// NOTE: each watched folder uses one inotify instance, and Linux allows 128
// per user by default (fs.inotify.max_user_instances). Past that the folder
// is only rescanned every PluginRescan. A single watcher shared by every
// tenant would lift the limit.
func (t *tenant) watchPlugins(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	t.plugins.mu.Lock()
	if t.plugins.stop != nil {
		t.plugins.stop()
	}
	t.plugins.stop = cancel
	t.plugins.mu.Unlock()

	h := t.host
	dir := t.config().PluginDir
	w, err := watch.New(watch.Config{
		Dir:    dir,
		Settle: h.cfg.PluginSettle,
		Rescan: h.cfg.PluginRescan,
		Logger: t.logger.With("component", "watch"),
	})
	if err != nil {
		t.logger.Warn("cannot watch the plugin folder; rescanning it periodically instead",
			"plugin_dir", dir, "every", h.cfg.PluginRescan, "err", err)
		go t.pollPlugins(ctx, h.cfg.PluginRescan)
		return
	}

	// The watcher's first view may already differ from the scan at start.
	t.applyFolder(ctx, snapshotFiles(w.Snapshot()), false)
	go func() {
		if err := w.Run(ctx); err != nil {
			t.logger.Error("watching the plugin folder failed", "plugin_dir", dir, "err", err)
		}
	}()
	go func() {
		for snap := range w.Changes() {
			t.logger.Info("plugin folder changed", "added", snap.Added, "changed", snap.Changed, "removed", snap.Removed)
			t.applyFolder(ctx, snapshotFiles(snap), false)
		}
	}()
}

// pollPlugins rescans the plugin folder every interval until ctx ends. The
// caller reads the interval from the host's configuration, which Reload
// replaces under a lock this goroutine does not hold.
func (t *tenant) pollPlugins(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			t.reloadPlugins(ctx, false)
		case <-ctx.Done():
			return
		}
	}
}

func snapshotFiles(snap watch.Snapshot) []folderFile {
	files := make([]folderFile, 0, len(snap.Files))
	for name, f := range snap.Files {
		files = append(files, folderFile{name: name, path: f.Path, hash: f.SHA256, data: f.Data, err: f.Err})
	}
	return files
}

// restartWatch follows a new plugin folder after a configuration change.
func (t *tenant) restartWatch() {
	t.plugins.mu.Lock()
	running := t.plugins.stop != nil
	t.plugins.mu.Unlock()
	if running && t.workCtx != nil {
		t.watchPlugins(t.workCtx)
	}
}

func (t *tenant) stopWatch() {
	t.plugins.mu.Lock()
	stop := t.plugins.stop
	t.plugins.stop = nil
	t.plugins.mu.Unlock()
	if stop != nil {
		stop()
	}
}
