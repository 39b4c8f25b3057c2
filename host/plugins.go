package host

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/host/runtime"
)

// pluginFile is one *.wasm file of a tenant's plugin folder and what became
// of it. A file whose newest version failed to load keeps serving its
// previous version, if it had one.
type pluginFile struct {
	name     string // file name in the folder
	path     string
	hash     string // of the version last tried
	plugin   *runtime.Plugin
	err      error // why the version last tried was rejected
	loadedAt time.Time
	// shadowedBy is the file whose plugin of the same name serves in place
	// of this file's, which was then closed. This file is loaded again when
	// that one changes or goes.
	shadowedBy string
}

// folderFile is a module file read from a plugin folder. err, when set,
// says why the file is not a complete module.
type folderFile struct {
	name, path, hash string
	data             []byte
	err              error
}

// scanFolder reads every *.wasm file of dir.
func scanFolder(dir string) ([]folderFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []folderFile
	for _, e := range entries {
		name := e.Name()
		if !isModuleName(name) {
			continue
		}
		path := filepath.Join(dir, name)
		info, err := os.Stat(path) // follows symlinks, as a ConfigMap mount has
		if err != nil || info.IsDir() {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		files = append(files, folderFile{name: name, path: path, hash: hex.EncodeToString(sum[:]), data: data})
	}
	return files, nil
}

// isModuleName reports whether a file name is a plugin module: *.wasm, not
// hidden. Editors' temporary and backup files do not match.
func isModuleName(name string) bool {
	return strings.HasSuffix(name, ".wasm") && !strings.HasPrefix(name, ".")
}

// reloadPlugins scans the plugin folder and applies it. With force, every
// module is loaded again, as when its limits or configuration changed.
func (t *tenant) reloadPlugins(ctx context.Context, force bool) {
	dir := t.config().PluginDir
	files, err := scanFolder(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			t.logger.Warn("plugin folder does not exist; the tenant has no plugins", "plugin_dir", dir)
		} else {
			t.logger.Error("reading plugin folder failed; keeping the plugins loaded", "plugin_dir", dir, "err", err)
			return
		}
	}
	t.applyFolder(ctx, files, force)
}

// applyFolder makes the tenant's plugins match files: new modules are
// loaded, changed ones replace their previous version, removed ones are
// unloaded. A module that fails to load is reported and, if it replaced a
// working version, that version keeps serving. Events see the old set or
// the new set, never a mix, and the old versions are closed once the events
// running on them are done.
func (t *tenant) applyFolder(ctx context.Context, files []folderFile, force bool) {
	st := &t.plugins
	st.mu.Lock()
	defer st.mu.Unlock()
	// A watch stopped for a new folder or for the tenant's stop can still
	// hand over a snapshot it took before, which may no longer describe the
	// tenant's folder, so it is dropped. Both stops cancel the watch's ctx
	// before the next apply takes this lock.
	if ctx.Err() != nil {
		return
	}

	h := t.host
	hashes := make(map[string]string, len(files))
	for _, f := range files {
		hashes[f.name] = f.hash
	}
	seen := map[string]bool{}
	for _, f := range files {
		seen[f.name] = true
		cur := st.files[f.name]
		if cur != nil && cur.hash == f.hash && !force && !st.shadowLifted(cur, hashes) {
			continue // unchanged, whether it loaded or not
		}
		var p *runtime.Plugin
		err := f.err
		if err == nil {
			p, err = t.load(ctx, f)
		}
		if err != nil {
			h.metrics.PluginLoads.WithLabelValues(t.id, "error").Inc()
			if cur != nil && cur.plugin != nil && cur.hash != f.hash {
				t.logger.Error("plugin rejected; the previous version keeps serving", "file", f.path, "err", err,
					"plugin", cur.plugin.Manifest().Name, "version", cur.plugin.Manifest().Version)
				cur.hash, cur.err = f.hash, err
				continue
			}
			t.logger.Error("plugin rejected", "file", f.path, "err", err)
			if cur != nil && cur.plugin != nil {
				// A forced reload failed: keep what runs.
				//
				// NOTE: the version kept runs with the limits and plugin
				// configuration it was loaded with, so a Reload that changes
				// them does not reach a plugin whose file fails to load, such
				// as one whose newest version was rejected. Keeping the
				// serving version's bytes would let it load again with the
				// new settings.
				continue
			}
			st.files[f.name] = &pluginFile{name: f.name, path: f.path, hash: f.hash, err: err}
			continue
		}
		h.metrics.PluginLoads.WithLabelValues(t.id, "ok").Inc()
		m := p.Manifest()
		t.logger.Info("plugin loaded", "plugin", m.Name, "version", m.Version, "events", m.Events,
			"file", f.path, "sha256", f.hash[:12])
		st.files[f.name] = &pluginFile{name: f.name, path: f.path, hash: f.hash, plugin: p, loadedAt: time.Now()}
	}
	for name, pf := range st.files {
		if !seen[name] {
			if pf.plugin != nil {
				t.logger.Info("plugin unloaded; its file is gone", "plugin", pf.plugin.Manifest().Name, "file", pf.path)
			}
			delete(st.files, name)
		}
	}

	// One plugin per name: the first file in name order wins.
	names := make([]string, 0, len(st.files))
	for name := range st.files {
		names = append(names, name)
	}
	slices.Sort(names)
	var active, shadowed []*runtime.Plugin
	owner := map[string]*pluginFile{}
	for _, name := range names {
		pf := st.files[name]
		if pf.plugin == nil {
			continue
		}
		pname := pf.plugin.Manifest().Name
		if first, dup := owner[pname]; dup {
			err := errors.New("another file of this tenant already provides a plugin named " + pname + ": " + first.path)
			t.logger.Error("plugin rejected", "file", pf.path, "plugin", pname, "err", err)
			shadowed = append(shadowed, pf.plugin)
			pf.plugin, pf.err, pf.shadowedBy = nil, err, first.name
			continue
		}
		owner[pname] = pf
		active = append(active, pf.plugin)
	}

	// A shadowed plugin may have served until now, so it is closed, as
	// every plugin of the previous set, only once its events are done.
	previous := t.dispatch.SetPlugins(active)
	for _, p := range previous {
		if !slices.Contains(active, p) {
			p.Close(ctx)
		}
	}
	for _, p := range shadowed {
		if !slices.Contains(previous, p) {
			p.Close(ctx)
		}
	}
}

// shadowLifted reports whether pf was rejected for a plugin name that
// another file provides, and that file is now gone or changed, as hashes
// (file name to hash of the folder's files) shows.
func (st *pluginState) shadowLifted(pf *pluginFile, hashes map[string]string) bool {
	if pf.shadowedBy == "" {
		return false
	}
	owner := st.files[pf.shadowedBy]
	return owner == nil || hashes[pf.shadowedBy] != owner.hash
}

// load compiles one module with the tenant's limits and the operator's
// settings for the plugin it turns out to be.
func (t *tenant) load(ctx context.Context, f folderFile) (*runtime.Plugin, error) {
	tc := t.config()
	return t.host.engine.Load(ctx, f.data, runtime.LoadOptions{
		Source: f.path,
		Logger: t.logger,
		Limits: runtime.Limits{
			Deadline:       tc.Deadline,
			MemoryBytes:    tc.MemoryLimit,
			Instances:      tc.Instances,
			ActionsPerCall: tc.ActionsPerEvent,
			LogBytes:       tc.LogBytes,
			RequestBytes:   tc.RequestBytes,
		},
		Settings: func(m abi.Manifest) (runtime.Limits, json.RawMessage) {
			pc, ok := tc.Plugins[m.Name]
			if !ok {
				return runtime.Limits{}, nil
			}
			return runtime.Limits{
				Deadline:       pc.Deadline,
				MemoryBytes:    pc.MemoryLimit,
				Instances:      pc.Instances,
				ActionsPerCall: pc.ActionsPerEvent,
				LogBytes:       pc.LogBytes,
				RequestBytes:   pc.RequestBytes,
			}, pc.Config
		},
	})
}

// closePlugins unloads every plugin of the tenant.
func (t *tenant) closePlugins() {
	t.stopWatch()
	st := &t.plugins
	st.mu.Lock()
	defer st.mu.Unlock()
	t.dispatch.SetPlugins(nil)
	for _, pf := range st.files {
		if pf.plugin != nil {
			pf.plugin.Close(context.Background())
		}
	}
	clear(st.files)
}

func decodeJSON(b []byte, v any) error { return json.Unmarshal(b, v) }
