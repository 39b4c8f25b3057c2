package host

import (
	"slices"
	"strings"
	"time"
)

// TenantStatus describes one tenant for operators.
type TenantStatus struct {
	ID        string         `json:"id"`
	Signature string         `json:"signature"`
	DryRun    bool           `json:"dryRun"`
	PluginDir string         `json:"pluginDir"`
	Queued    int            `json:"queued"`
	Plugins   []PluginStatus `json:"plugins"`
}

// PluginStatus describes one module file of a tenant and the plugin it
// provides.
type PluginStatus struct {
	File    string   `json:"file"`
	Name    string   `json:"name,omitempty"`
	Version string   `json:"version,omitempty"`
	Events  []string `json:"events,omitempty"`
	// SHA256 is the hash of the version serving, or of the rejected file
	// when none serves.
	SHA256 string `json:"sha256"`
	// Status is "ok", "paused" (by its breaker or an operator), "error"
	// (nothing serves) or "stale" (a newer file was rejected and the
	// previous version serves).
	Status    string    `json:"status"`
	LastError string    `json:"lastError,omitempty"`
	LoadedAt  time.Time `json:"loadedAt,omitzero"`
	// PausedUntil is when a paused plugin is tried again; zero when an
	// operator paused it.
	PausedUntil time.Time `json:"pausedUntil,omitzero"`
}

// Status returns every tenant's state, sorted by id.
func (h *Host) Status() []TenantStatus {
	tenants := *h.tenants.Load()
	out := make([]TenantStatus, 0, len(tenants))
	for id, t := range tenants {
		tc := t.config()
		ts := TenantStatus{
			ID:        id,
			Signature: string(tc.Signature),
			DryRun:    tc.Token == "",
			PluginDir: tc.PluginDir,
			Queued:    h.queue.Len(id),
			Plugins:   t.pluginStatus(),
		}
		out = append(out, ts)
	}
	slices.SortFunc(out, func(a, b TenantStatus) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func (t *tenant) pluginStatus() []PluginStatus {
	st := &t.plugins
	st.mu.Lock()
	defer st.mu.Unlock()

	out := make([]PluginStatus, 0, len(st.files))
	for _, pf := range st.files {
		ps := PluginStatus{File: pf.path, SHA256: pf.hash, Status: "ok", LoadedAt: pf.loadedAt}
		if pf.err != nil {
			ps.LastError = pf.err.Error()
		}
		switch {
		case pf.plugin == nil:
			ps.Status = "error"
		default:
			m := pf.plugin.Manifest()
			ps.Name, ps.Version, ps.Events = m.Name, m.Version, m.Events
			ps.SHA256 = pf.plugin.Hash()
			if pf.err != nil {
				ps.Status = "stale"
			}
			if bs := t.dispatch.PluginState(m.Name); bs.Paused {
				ps.Status = "paused"
				ps.PausedUntil = bs.Until
			}
		}
		out = append(out, ps)
	}
	slices.SortFunc(out, func(a, b PluginStatus) int { return strings.Compare(a.File, b.File) })
	return out
}

// PausePlugin stops calls of a tenant's plugin until ResumePlugin. It
// reports false when the tenant is unknown.
func (h *Host) PausePlugin(tenant, plugin string) bool {
	t, ok := (*h.tenants.Load())[tenant]
	if ok {
		t.dispatch.PausePlugin(plugin)
		t.logger.Info("plugin paused by an operator", "plugin", plugin)
	}
	return ok
}

// ResumePlugin lets a paused plugin run again. It reports false when the
// tenant is unknown.
func (h *Host) ResumePlugin(tenant, plugin string) bool {
	t, ok := (*h.tenants.Load())[tenant]
	if ok {
		t.dispatch.ResumePlugin(plugin)
		t.logger.Info("plugin resumed by an operator", "plugin", plugin)
	}
	return ok
}

// ReloadPlugins rescans every tenant's plugin folder now, as the periodic
// rescan would.
func (h *Host) ReloadPlugins() {
	for _, t := range *h.tenants.Load() {
		t.reloadPlugins(h.workCtx, false)
	}
}
