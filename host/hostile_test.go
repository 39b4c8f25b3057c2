package host_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bubblehost/bubblehost/host"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// TestHostileModulesInARunningHost drops modules that cannot load, and
// modules that misbehave on every call, into the plugin folder of a
// running host next to examples/ping. Each rejected file and each failed
// call is counted and logged, and ping still replies to every event.
func TestHostileModulesInARunningHost(t *testing.T) {
	var pluginDir string
	th := startHost(t, []string{"../examples/ping"}, func(cfg *host.Config) {
		cfg.PluginSettle = 20 * time.Millisecond
		tc := cfg.Tenants["demo"]
		pluginDir = tc.PluginDir
		tc.Token = "" // a dry run: the flood of actions is logged, not sent
		tc.Deadline = 2 * time.Second
		tc.Plugins = map[string]host.PluginConfig{
			"loop": {Deadline: 200 * time.Millisecond}, // keeps the test short
		}
		cfg.Tenants["demo"] = tc
		// A slot for every plugin's call at once, so that no call waits
		// for one; host/sched tests the waits.
		cfg.GuestSlots = 16
	})

	// Files that must be rejected at load.
	wasm := func(name string) []byte {
		return wasmtest.WAT(t, filepath.Join("runtime", "testdata", "hostile", name+".wat"))
	}
	unknownImport := filepath.Join(t.TempDir(), "unknown_import.wat")
	os.WriteFile(unknownImport, []byte(`(module
  (import "bubble" "format_disk" (func))
  (memory (export "memory") 1)
  (func (export "bubble_abi_v1")))`), 0o644)
	unknown := wasmtest.WAT(t, unknownImport)
	loop := wasm("loop")
	rejected := map[string][]byte{
		"not-wasm.wasm":       []byte("#!/bin/sh\nrm -rf /\n"),
		"truncated.wasm":      loop[:len(loop)/2],
		"empty.wasm":          {},
		"unknown-import.wasm": unknown,
	}
	// Modules that load, then fail or run into a limit on every call, and
	// the outcome each call must have.
	misbehaving := map[string]struct {
		plugin   string
		outcomes []string
	}{
		"loop": {"loop", []string{"timeout"}},
		// Deep recursion traps when the stack runs out, or times out first
		// on a machine busy enough.
		"recursion":       {"recursion", []string{"trap", "timeout"}},
		"unreachable":     {"unreachable", []string{"trap"}},
		"grow_past_limit": {"grow-past", []string{"trap"}},
		"proc_exit":       {"proc-exit", []string{"trap"}},
		"stdout_flood":    {"stdout-flood", []string{"ok"}},
		"actions_flood":   {"actions-flood", []string{"ok"}},
	}
	for name, b := range rejected {
		if err := os.WriteFile(filepath.Join(pluginDir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for file := range misbehaving {
		if err := os.WriteFile(filepath.Join(pluginDir, file+".wasm"), wasm(file), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	loads := th.Metrics().PluginLoads
	waitFor(t, "the folder to load", func() bool {
		return testutil.ToFloat64(loads.WithLabelValues("demo", "ok")) == float64(1+len(misbehaving)) &&
			testutil.ToFloat64(loads.WithLabelValues("demo", "error")) == float64(len(rejected))
	})
	records := th.logRecords(t)
	for name := range rejected {
		if n := countRecords(records, "plugin rejected", "file", filepath.Join(pluginDir, name)); n != 1 {
			t.Errorf("%s: %d log lines say it was rejected, want 1", name, n)
		}
	}

	const events = 3
	for i := range events {
		th.mustPost(t, event(t, map[string]any{"content": "!ping", "id": 100 + i}))
		waitFor(t, "ping's reply", func() bool {
			return countRecords(th.logRecords(t), "dry run: no token set, message not sent", "content", "pong") == i+1
		})
	}

	calls := th.Metrics().PluginCalls
	limits := th.Metrics().PluginLimits
	waitFor(t, "every plugin call to end", func() bool {
		for _, m := range misbehaving {
			if endedCalls(th.Host, "demo", m.plugin) < events {
				return false
			}
		}
		return true
	})
	records = th.logRecords(t)
	for file, m := range misbehaving {
		var have float64
		for _, outcome := range m.outcomes {
			have += testutil.ToFloat64(calls.WithLabelValues("demo", m.plugin, outcome))
		}
		if have != events {
			t.Errorf("%s: %v calls ended as %q, want %d; the calls:\n%s", file, have, m.outcomes, events,
				metricLines(scrape(t, th.url), m.plugin))
		}
		if m.outcomes[0] == "ok" {
			continue
		}
		if n := countRecords(records, "plugin call stopped", "plugin", m.plugin); n != events {
			t.Errorf("%s: %d log lines say a call was stopped, want %d", file, n, events)
		}
	}
	for plugin, limit := range map[string]string{"stdout-flood": "log_bytes", "actions-flood": "actions_per_event"} {
		if have := testutil.ToFloat64(limits.WithLabelValues("demo", plugin, limit)); have != events {
			t.Errorf("%s: plugin_limit_hits_total{limit=%q} = %v, want %d", plugin, limit, have, events)
		}
	}
	if have := testutil.ToFloat64(calls.WithLabelValues("demo", "ping", "ok")); have != events {
		t.Errorf("ping: plugin_calls_total{outcome=\"ok\"} = %v, want %d", have, events)
	}
}

// logRecords returns the host's log so far, one map per JSON line.
func (th *testHost) logRecords(t *testing.T) []map[string]any {
	t.Helper()
	var records []map[string]any
	for line := range strings.Lines(th.logs.String()) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, line)
		}
		records = append(records, rec)
	}
	return records
}

// countRecords counts the records with message msg whose attribute key
// has the value want.
func countRecords(records []map[string]any, msg, key, want string) int {
	n := 0
	for _, rec := range records {
		if rec["msg"] == msg && rec[key] == want {
			n++
		}
	}
	return n
}

// metricLines returns the lines of a /metrics text about plugin's calls.
func metricLines(text, plugin string) string {
	var b strings.Builder
	for line := range strings.Lines(text) {
		if strings.HasPrefix(line, "bubblehost_plugin_calls_total{") && strings.Contains(line, `plugin="`+plugin+`"`) {
			b.WriteString(line)
		}
	}
	return b.String()
}

// endedCalls counts the calls of plugin in tenant that have ended or were
// skipped, whatever their outcome.
func endedCalls(h *host.Host, tenant, plugin string) (n float64) {
	for _, outcome := range []string{"ok", "failed", "timeout", "trap", "rejected", "paused", "aborted"} {
		n += testutil.ToFloat64(h.Metrics().PluginCalls.WithLabelValues(tenant, plugin, outcome))
	}
	return n
}
