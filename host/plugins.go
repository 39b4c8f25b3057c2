package host

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/host/runtime"
)

// loadPlugins loads every *.wasm file in the tenant's plugin folder. A module
// that fails to load is logged with the reason and skipped.
func (h *Host) loadPlugins(ctx context.Context, t *tenant) []*runtime.Plugin {
	entries, err := os.ReadDir(t.cfg.PluginDir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			t.logger.Warn("plugin folder does not exist; the tenant has no plugins", "plugin_dir", t.cfg.PluginDir)
		} else {
			t.logger.Error("reading plugin folder failed", "plugin_dir", t.cfg.PluginDir, "err", err)
		}
		return nil
	}

	var plugins []*runtime.Plugin
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".wasm") {
			continue
		}
		path := filepath.Join(t.cfg.PluginDir, e.Name())
		p, err := h.loadPlugin(ctx, t, path)
		if err != nil {
			h.metrics.PluginLoads.WithLabelValues(t.id, "error").Inc()
			t.logger.Error("plugin rejected", "file", path, "err", err)
			continue
		}
		name := p.Manifest().Name
		if i := slices.IndexFunc(plugins, func(q *runtime.Plugin) bool { return q.Manifest().Name == name }); i >= 0 {
			h.metrics.PluginLoads.WithLabelValues(t.id, "error").Inc()
			t.logger.Error("plugin rejected: another file already has its name", "file", path, "plugin", name, "other_file", plugins[i].Source())
			p.Close(ctx)
			continue
		}
		h.metrics.PluginLoads.WithLabelValues(t.id, "ok").Inc()
		m := p.Manifest()
		t.logger.Info("plugin loaded", "plugin", m.Name, "version", m.Version, "events", m.Events,
			"file", path, "sha256", p.Hash()[:12])
		plugins = append(plugins, p)
	}
	return plugins
}

func (h *Host) loadPlugin(ctx context.Context, t *tenant, path string) (*runtime.Plugin, error) {
	wasm, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return h.engine.Load(ctx, wasm, runtime.LoadOptions{
		Source: path,
		Logger: t.logger,
		Limits: runtime.Limits{
			Deadline:    t.cfg.Deadline,
			MemoryBytes: t.cfg.MemoryLimit,
			Instances:   t.cfg.Instances,
		},
		Settings: func(m abi.Manifest) (runtime.Limits, json.RawMessage) {
			pc, ok := t.cfg.Plugins[m.Name]
			if !ok {
				return runtime.Limits{}, nil
			}
			return runtime.Limits{Deadline: pc.Deadline}, pc.Config
		},
	})
}
