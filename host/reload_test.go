package host_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/bubblehost/bubblehost/host"
	"github.com/bubblehost/bubblehost/host/bubbletest"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// reloadSettle is the plugin folders' quiet time in these tests: short, so
// that the tests run quickly, and long enough for a burst of writes with
// pauses of a few milliseconds to count as one change.
const reloadSettle = 50 * time.Millisecond

// reloadSecret signs the webhooks of every tenant of a reloadHost.
const reloadSecret = "reload-secret-4e1b"

// modules holds the bytes of the test plugins, built once per test binary.
type modules struct {
	hello1, hello2, helloBroken, probe, notPlugin []byte
}

func buildModules(tb testing.TB) modules {
	tb.Helper()
	read := func(dir string) []byte {
		b, err := os.ReadFile(wasmtest.Build(tb, dir))
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	return modules{
		hello1:      read("internal/testplugins/hello1"),
		hello2:      read("internal/testplugins/hello2"),
		helloBroken: read("internal/testplugins/hellobroken"),
		probe:       read("internal/testplugins/probe"),
		notPlugin:   read("runtime/testdata/notaplugin"),
	}
}

// reloadHost is a running host whose tenants each talk to their own bot on
// one fake platform, with a plugin folder per tenant.
type reloadHost struct {
	*host.Host
	platform *bubbletest.Platform
	url      string // the host's base URL
	logs     *logBuffer
	cfg      host.Config // as given to Start
	later    map[string]host.TenantConfig
	// stop shuts the host and its server down. It runs once, at the
	// latest in the test's cleanup.
	stop     func()
	channels atomic.Int64
}

// reloadOptions configures startReloadHost.
type reloadOptions struct {
	// tenants are the tenant ids. Default: "demo".
	tenants []string
	// later are tenants that a test adds with Reload. Each gets a bot and
	// a plugin folder, and reloadHost.later holds its configuration.
	later []string
	// files maps each tenant's module file names to their bytes. A tenant
	// with no entry starts with an empty plugin folder.
	files map[string]map[string][]byte
	// setup, when set, fills or replaces a tenant's plugin folder before
	// the host starts.
	setup func(t testing.TB, tenant, dir string)
	// edit, when set, changes the configuration before the host starts.
	edit func(cfg *host.Config)
	// infoLogs leaves out Debug lines, which are logged by default.
	infoLogs bool
}

// botToken returns the API token of a tenant's bot.
func botToken(tenant string) string { return "reload-token-" + tenant }

// startReloadHost starts a fake platform with one bot per tenant, fills each
// tenant's plugin folder and starts a host that follows the folders with a
// settle time of reloadSettle.
func startReloadHost(t testing.TB, opts reloadOptions) *reloadHost {
	t.Helper()
	if len(opts.tenants) == 0 {
		opts.tenants = []string{"demo"}
	}
	all := append(slices.Clone(opts.tenants), opts.later...)
	var bots []bubbletest.Bot
	for i, id := range all {
		bots = append(bots, bubbletest.Bot{Token: botToken(id), ID: int64(100 + i), UserID: int64(5000 + i), Name: id + "-bot"})
	}
	platform := bubbletest.NewPlatform(bubbletest.Options{Bots: bots, Rate: rate.Inf})
	t.Cleanup(platform.Close)

	dir := t.TempDir()
	cfg := host.Config{
		DataDir:      dir,
		CacheDir:     wasmtest.CacheDir(t),
		PluginSettle: reloadSettle,
		Tenants:      map[string]host.TenantConfig{},
	}
	later := map[string]host.TenantConfig{}
	for _, id := range all {
		pluginDir := filepath.Join(dir, "plugins-"+id)
		if err := os.MkdirAll(pluginDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range opts.files[id] {
			writeFile(t, filepath.Join(pluginDir, name), data)
		}
		if opts.setup != nil {
			opts.setup(t, id, pluginDir)
		}
		tc := host.TenantConfig{
			Secrets:   []string{reloadSecret},
			Token:     botToken(id),
			APIBase:   platform.APIBase(),
			PluginDir: pluginDir,
			Deadline:  2 * time.Second,
		}
		if slices.Contains(opts.later, id) {
			later[id] = tc
		} else {
			cfg.Tenants[id] = tc
		}
	}
	if opts.edit != nil {
		opts.edit(&cfg)
	}

	level := slog.LevelDebug
	if opts.infoLogs {
		level = slog.LevelInfo
	}
	logs := &logBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: level}))
	h, err := host.New(cfg, logger)
	if err != nil {
		t.Fatalf("host.New: %v", err)
	}
	if err := h.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	srv := httptest.NewServer(h.Handler())
	rh := &reloadHost{Host: h, platform: platform, url: srv.URL, logs: logs, cfg: cfg, later: later}
	rh.stop = sync.OnceFunc(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	t.Cleanup(rh.stop)
	rh.channels.Store(1000)
	return rh
}

// pluginDir returns a tenant's plugin folder.
func (rh *reloadHost) pluginDir(tenant string) string {
	if tc, ok := rh.later[tenant]; ok {
		return tc.PluginDir
	}
	return rh.cfg.Tenants[tenant].PluginDir
}

// config returns a copy of the configuration the host started with, for a
// test to change and pass to Reload.
func (rh *reloadHost) config() host.Config {
	cfg := rh.cfg
	cfg.Tenants = maps.Clone(cfg.Tenants)
	return cfg
}

// sender returns a webhook sender for a tenant that signs with secret and
// does not retry, so that a rejected delivery shows its status at once.
func (rh *reloadHost) sender(tenant, secret string) bubbletest.WebhookSender {
	return bubbletest.WebhookSender{URL: rh.url + "/webhook/" + tenant, Secret: secret, Schedule: []time.Duration{}}
}

// deliver sends an event to a tenant, signed with reloadSecret, and fails
// the test unless the host responds 200.
func (rh *reloadHost) deliver(t testing.TB, tenant string, body []byte) {
	t.Helper()
	if _, err := rh.sender(tenant, reloadSecret).Deliver(context.Background(), body); err != nil {
		t.Fatalf("delivering an event to %s: %v", tenant, err)
	}
}

// newChannel returns a channel id that no earlier call returned, so that
// the messages in it are the replies to one test step.
func (rh *reloadHost) newChannel() int64 { return rh.channels.Add(1) }

// askMarker is the probe's reply that closes every ask.
const askMarker = "end of ask"

// ask sends content to a tenant in a new channel, followed by "!echo end of
// ask" for the probe plugin, and returns the replies that arrived before the
// probe's. Events of one channel run in order and the sender sends one
// tenant's replies in the order they were queued, so once the probe's reply
// is in, every reply to content is too.
func (rh *reloadHost) ask(t *testing.T, tenant, content string) []string {
	t.Helper()
	channel := rh.newChannel()
	rh.deliver(t, tenant, bubbletest.MessageCreate(channel, 1, content))
	rh.deliver(t, tenant, bubbletest.MessageCreate(channel, 1, "!echo "+askMarker))

	var replies []string
	waitUntil(t, 30*time.Second, "the probe's reply closing the ask", func() bool {
		replies = replies[:0]
		for _, m := range rh.platform.Messages(channel) {
			if m.Content == askMarker {
				return true
			}
			replies = append(replies, m.Content)
		}
		return false
	})
	return replies
}

// wantReply sends a tenant "!hello" and checks that exactly the reply want
// comes back, or none when want is empty.
func (rh *reloadHost) wantReply(t *testing.T, tenant, want string) {
	t.Helper()
	replies := rh.ask(t, tenant, "!hello")
	switch {
	case want == "" && len(replies) != 0:
		t.Errorf("tenant %s replied %q to !hello, want no reply", tenant, replies)
	case want != "" && (len(replies) != 1 || replies[0] != want):
		t.Errorf("tenant %s replied %q to !hello, want exactly [%q]", tenant, replies, want)
	}
}

// pluginStatus returns the status of a tenant's module file, and false
// when the tenant has no such file.
func (rh *reloadHost) pluginStatus(t testing.TB, tenant, file string) (host.PluginStatus, bool) {
	t.Helper()
	for _, ts := range rh.Status() {
		if ts.ID != tenant {
			continue
		}
		for _, ps := range ts.Plugins {
			if filepath.Base(ps.File) == file {
				return ps, true
			}
		}
	}
	return host.PluginStatus{}, false
}

// waitVersion waits until a tenant's module file serves version with status
// "ok".
func (rh *reloadHost) waitVersion(t testing.TB, tenant, file, version string) {
	t.Helper()
	waitUntil(t, 30*time.Second, fmt.Sprintf("%s of tenant %s to serve version %s", file, tenant, version), func() bool {
		ps, ok := rh.pluginStatus(t, tenant, file)
		return ok && ps.Version == version && ps.Status == "ok"
	})
}

// waitStatus waits until a tenant's module file has the status want.
func (rh *reloadHost) waitStatus(t testing.TB, tenant, file, want string) host.PluginStatus {
	t.Helper()
	var ps host.PluginStatus
	waitUntil(t, 30*time.Second, fmt.Sprintf("%s of tenant %s to have status %q", file, tenant, want), func() bool {
		var ok bool
		ps, ok = rh.pluginStatus(t, tenant, file)
		return ok && ps.Status == want
	})
	return ps
}

// waitGone waits until a tenant's status no longer lists a module file.
func (rh *reloadHost) waitGone(t testing.TB, tenant, file string) {
	t.Helper()
	waitUntil(t, 30*time.Second, fmt.Sprintf("%s to leave the status of tenant %s", file, tenant), func() bool {
		_, ok := rh.pluginStatus(t, tenant, file)
		return !ok
	})
}

// quiet waits long enough for the watcher to have read the folder after a
// change and for the host to have applied what it found.
func quiet() { time.Sleep(6 * reloadSettle) }

// waitUntil polls cond every 10 ms until it holds, and fails the test when
// timeout passes first.
func waitUntil(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// logRecord is one JSON log line.
type logRecord map[string]any

// records returns every log line written so far, in order.
func (rh *reloadHost) records(t testing.TB) []logRecord {
	t.Helper()
	var out []logRecord
	sc := bufio.NewScanner(strings.NewReader(rh.logs.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r logRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, sc.Text())
		}
		out = append(out, r)
	}
	return out
}

// countLogs returns how many log lines have the message msg, or start with
// it when msg ends in "*", and name file in their "file" attribute: the
// same path, or the same base name when file has no folder. An empty file
// matches every line.
func (rh *reloadHost) countLogs(t testing.TB, msg, file string) int {
	t.Helper()
	n := 0
	for _, r := range rh.records(t) {
		m, _ := r["msg"].(string)
		if prefix, ok := strings.CutSuffix(msg, "*"); ok && !strings.HasPrefix(m, prefix) || !ok && m != msg {
			continue
		}
		if f, _ := r["file"].(string); file != "" && f != file && filepath.Base(f) != file {
			continue
		}
		n++
	}
	return n
}

// writeFile writes data to path in one call, creating or truncating it.
func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// replaceFile writes data to a hidden temporary file next to path and
// renames it over path, as deployment tools do.
func replaceFile(t testing.TB, path string, data []byte) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	writeFile(t, tmp, data)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// helloAndProbe returns the files of a tenant that runs hello at version 1
// and the probe.
func helloAndProbe(mods modules) map[string][]byte {
	return map[string][]byte{"hello.wasm": mods.hello1, "probe.wasm": mods.probe}
}

func TestPluginLifecycle(t *testing.T) {
	mods := buildModules(t)
	rh := startReloadHost(t, reloadOptions{files: map[string]map[string][]byte{
		"demo": {"probe.wasm": mods.probe},
	}})
	dir := rh.pluginDir("demo")
	rh.wantReply(t, "demo", "")

	// A new module dropped in is loaded.
	writeFile(t, filepath.Join(dir, "hello.wasm"), mods.hello1)
	rh.waitVersion(t, "demo", "hello.wasm", "1")
	rh.wantReply(t, "demo", "hello v1")
	ps, _ := rh.pluginStatus(t, "demo", "hello.wasm")
	if ps.Name != "hello" || ps.LastError != "" || ps.LoadedAt.IsZero() {
		t.Errorf("status after the drop-in = %+v, want plugin hello, no error, a load time", ps)
	}

	// A changed module replies as its new version.
	replaceFile(t, filepath.Join(dir, "hello.wasm"), mods.hello2)
	rh.waitVersion(t, "demo", "hello.wasm", "2")
	rh.wantReply(t, "demo", "hello v2")

	// A removed module stops replying and leaves the status.
	if err := os.Remove(filepath.Join(dir, "hello.wasm")); err != nil {
		t.Fatal(err)
	}
	rh.waitGone(t, "demo", "hello.wasm")
	rh.wantReply(t, "demo", "")
	if n := rh.countLogs(t, "plugin unloaded; its file is gone", "hello.wasm"); n != 1 {
		t.Errorf("%d \"plugin unloaded\" lines for hello.wasm, want 1", n)
	}
	if n := rh.countLogs(t, "plugin loaded", "hello.wasm"); n != 2 {
		t.Errorf("%d \"plugin loaded\" lines for hello.wasm, want 2 (v1, then v2)", n)
	}
}

// configMapFolder lays out a plugin folder as a Kubernetes ConfigMap volume
// does: each module is a link "x.wasm" to "..data/x.wasm", and "..data"
// links to a timestamped folder that holds the files.
type configMapFolder struct {
	dir     string
	current string // the timestamped folder "..data" links to
	updates int
}

// update writes files into a new timestamped folder and swaps "..data" to
// it as the kubelet does: a new link "..data_tmp" renamed over "..data",
// then the old folder removed. The first update also creates the modules'
// links.
func (c *configMapFolder) update(t testing.TB, files map[string][]byte) {
	t.Helper()
	c.updates++
	stamp := fmt.Sprintf("..2026_01_01_00_00_%02d.000000001", c.updates)
	if err := os.Mkdir(filepath.Join(c.dir, stamp), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		writeFile(t, filepath.Join(c.dir, stamp, name), data)
	}
	if err := os.Symlink(stamp, filepath.Join(c.dir, "..data_tmp")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(c.dir, "..data_tmp"), filepath.Join(c.dir, "..data")); err != nil {
		t.Fatal(err)
	}
	if c.current == "" {
		for name := range files {
			if err := os.Symlink(filepath.Join("..data", name), filepath.Join(c.dir, name)); err != nil {
				t.Fatal(err)
			}
		}
	} else if err := os.RemoveAll(filepath.Join(c.dir, c.current)); err != nil {
		t.Fatal(err)
	}
	c.current = stamp
}

func TestPluginFolderChanges(t *testing.T) {
	mods := buildModules(t)
	var configMap configMapFolder

	tests := []struct {
		name string
		// setup, when set, lays out the folder in place of plain files of
		// hello v1 and the probe.
		setup func(t testing.TB, dir string)
		// change acts on the folder of a host serving hello v1.
		change func(t *testing.T, dir string)
		// want is the reply to !hello after the change, wantLoads the
		// number of "plugin loaded" lines for hello.wasm the change causes.
		want      string
		wantLoads int
	}{
		{
			name: "cp over the old file",
			change: func(t *testing.T, dir string) {
				// cp truncates the file and writes into it, so a reader can
				// see it empty or half-written.
				f, err := os.OpenFile(filepath.Join(dir, "hello.wasm"), os.O_WRONLY|os.O_TRUNC, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				for chunk := range slices.Chunk(mods.hello2, 64<<10) {
					if _, err := f.Write(chunk); err != nil {
						t.Fatal(err)
					}
				}
			},
			want:      "hello v2",
			wantLoads: 1,
		},
		{
			name: "mv of a temporary file over the old one",
			change: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "hello.wasm.tmp"), mods.hello2)
				if err := os.Rename(filepath.Join(dir, "hello.wasm.tmp"), filepath.Join(dir, "hello.wasm")); err != nil {
					t.Fatal(err)
				}
			},
			want:      "hello v2",
			wantLoads: 1,
		},
		{
			name: "editor temporary and backup files",
			change: func(t *testing.T, dir string) {
				for _, name := range []string{".hello.wasm.swp", "hello.wasm~", "hello.wasm.tmp"} {
					writeFile(t, filepath.Join(dir, name), mods.hello2)
				}
				quiet()
			},
			want:      "hello v1",
			wantLoads: 0,
		},
		{
			name: "touch without a change",
			change: func(t *testing.T, dir string) {
				later := time.Now().Add(time.Minute)
				if err := os.Chtimes(filepath.Join(dir, "hello.wasm"), later, later); err != nil {
					t.Fatal(err)
				}
				quiet()
			},
			want:      "hello v1",
			wantLoads: 0,
		},
		{
			name: "ConfigMap swap of ..data",
			setup: func(t testing.TB, dir string) {
				configMap = configMapFolder{dir: dir}
				configMap.update(t, helloAndProbe(mods))
			},
			change: func(t *testing.T, dir string) {
				configMap.update(t, map[string][]byte{"hello.wasm": mods.hello2, "probe.wasm": mods.probe})
			},
			want:      "hello v2",
			wantLoads: 1,
		},
		{
			name: "folder deleted and created again",
			change: func(t *testing.T, dir string) {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				if err := os.Mkdir(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Join(dir, "probe.wasm"), mods.probe)
				writeFile(t, filepath.Join(dir, "hello.wasm"), mods.hello2)
			},
			want:      "hello v2",
			wantLoads: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := reloadOptions{files: map[string]map[string][]byte{"demo": helloAndProbe(mods)}}
			if tt.setup != nil {
				opts.files = nil
				opts.setup = func(t testing.TB, _, dir string) { tt.setup(t, dir) }
			}
			rh := startReloadHost(t, opts)
			rh.wantReply(t, "demo", "hello v1")
			loadsBefore := rh.countLogs(t, "plugin loaded", "hello.wasm")

			tt.change(t, rh.pluginDir("demo"))
			if tt.want == "hello v2" {
				rh.waitVersion(t, "demo", "hello.wasm", "2")
			}
			rh.wantReply(t, "demo", tt.want)
			quiet() // room for a wrong second load to show
			if n := rh.countLogs(t, "plugin loaded", "hello.wasm") - loadsBefore; n != tt.wantLoads {
				t.Errorf("the change caused %d \"plugin loaded\" lines for hello.wasm, want %d", n, tt.wantLoads)
			}
			if n := rh.countLogs(t, "plugin rejected*", ""); n != 0 {
				t.Errorf("%d \"plugin rejected\" lines, want none", n)
			}
			if tt.wantLoads == 0 {
				if n := rh.countLogs(t, "plugin folder changed", ""); n != 0 {
					t.Errorf("%d \"plugin folder changed\" lines, want none", n)
				}
			}
		})
	}
}

func TestInvalidVersionKeepsOldServing(t *testing.T) {
	mods := buildModules(t)
	tests := []struct {
		name string
		data []byte
		// wantErr is part of the reason the log line and the status give.
		wantErr string
	}{
		{"not WebAssembly", []byte("#!/bin/sh\necho this is not a module\n"), "missing the WebAssembly magic number"},
		{"Go program that is not a plugin", mods.notPlugin, "does not export bubble_abi_v1"},
		{"module that fails to instantiate", mods.helloBroken, "running _initialize"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rh := startReloadHost(t, reloadOptions{files: map[string]map[string][]byte{"demo": helloAndProbe(mods)}})
			path := filepath.Join(rh.pluginDir("demo"), "hello.wasm")

			replaceFile(t, path, tt.data)
			ps := rh.waitStatus(t, "demo", "hello.wasm", "stale")
			rh.wantReply(t, "demo", "hello v1")

			if ps.Version != "1" || !strings.Contains(ps.LastError, tt.wantErr) {
				t.Errorf("status = version %q, last error %q; want version 1 and an error containing %q",
					ps.Version, ps.LastError, tt.wantErr)
			}
			var rejected []logRecord
			for _, r := range rh.records(t) {
				if r["msg"] == "plugin rejected; the previous version keeps serving" {
					rejected = append(rejected, r)
				}
			}
			if len(rejected) != 1 {
				t.Fatalf("%d \"plugin rejected; the previous version keeps serving\" lines, want 1", len(rejected))
			}
			r := rejected[0]
			if r["level"] != "ERROR" || r["file"] != path || !strings.Contains(fmt.Sprint(r["err"]), tt.wantErr) || r["version"] != "1" {
				t.Errorf("rejection line = %v; want level ERROR, file %s, an err containing %q, version 1", r, path, tt.wantErr)
			}

			// A good version after the bad one serves and clears the error.
			replaceFile(t, path, mods.hello2)
			rh.waitVersion(t, "demo", "hello.wasm", "2")
			rh.wantReply(t, "demo", "hello v2")
			if ps, _ := rh.pluginStatus(t, "demo", "hello.wasm"); ps.LastError != "" {
				t.Errorf("last error after a good version = %q, want none", ps.LastError)
			}
		})
	}
}

func TestSlowCopyLoadsOnce(t *testing.T) {
	mods := buildModules(t)
	rh := startReloadHost(t, reloadOptions{files: map[string]map[string][]byte{"demo": helloAndProbe(mods)}})
	path := filepath.Join(rh.pluginDir("demo"), "hello.wasm")
	rh.wantReply(t, "demo", "hello v1")
	loadsBefore := rh.countLogs(t, "plugin loaded", "hello.wasm")

	// Version 2 padded to 16 MiB, copied over version 1 in 16 writes. The
	// pauses between writes are shorter than the settle time except one,
	// halfway, which is three times as long: the watcher reads the file
	// then and must find it incomplete.
	big := withCustomSection(mods.hello2, "padding", 16<<20-len(mods.hello2))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	chunkSize := len(big)/16 + 1
	i := 0
	for chunk := range slices.Chunk(big, chunkSize) {
		if _, err := f.Write(chunk); err != nil {
			t.Fatal(err)
		}
		pause := reloadSettle / 3
		if i == 8 {
			pause = 3 * reloadSettle
		}
		time.Sleep(pause)
		i++
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	rh.waitVersion(t, "demo", "hello.wasm", "2")
	rh.wantReply(t, "demo", "hello v2")
	quiet()
	if n := rh.countLogs(t, "plugin loaded", "hello.wasm") - loadsBefore; n != 1 {
		t.Errorf("the copy caused %d \"plugin loaded\" lines for hello.wasm, want 1", n)
	}
	if n := rh.countLogs(t, "plugin rejected*", ""); n != 0 {
		t.Errorf("%d \"plugin rejected\" lines, want none", n)
	}
	if n := rh.countLogs(t, "plugin file is not ready; reading it again after the quiet time", ""); n == 0 {
		t.Errorf("the watcher never found the file incomplete, so the long pause did not test a read mid-copy")
	}
	if ps, _ := rh.pluginStatus(t, "demo", "hello.wasm"); ps.SHA256 != sha256Hex(big) {
		t.Errorf("serving sha256 %s, want the whole file's %s", ps.SHA256, sha256Hex(big))
	}
}

// withCustomSection returns wasm with a custom section of the given name
// appended, padded with zero bytes so that it adds size bytes in all.
// Custom sections do not change what a module does.
func withCustomSection(wasm []byte, name string, size int) []byte {
	header := 1 + 5 + 1 + len(name) // id, size as a 5-byte LEB128, name length, name
	body := size - header
	out := slices.Clip(wasm)
	out = append(out, 0)
	out = appendPaddedLEB128(out, uint32(1+len(name)+body))
	out = append(out, byte(len(name)))
	out = append(out, name...)
	return append(out, make([]byte, body)...)
}

// appendPaddedLEB128 appends v as an unsigned LEB128 number of exactly 5
// bytes, which the format allows for a section size.
func appendPaddedLEB128(b []byte, v uint32) []byte {
	for range 4 {
		b = append(b, byte(v&0x7f)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestRescanCatchesMissedChange(t *testing.T) {
	mods := buildModules(t)
	tests := []struct {
		name   string
		rescan time.Duration
		// wait is how long the test waits for version 2, want whether it
		// comes.
		wait time.Duration
		want bool
	}{
		// The control case shows that the watcher misses the write.
		{"watcher alone misses it", 0, 20 * reloadSettle, false},
		{"short rescan catches it", 250 * time.Millisecond, 30 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// hello.wasm in the plugin folder is a hard link to a file in
			// another folder. inotify reports a write to the folder the
			// writer opened the file through, so a write through the other
			// link raises no event in the plugin folder.
			elsewhere := filepath.Join(t.TempDir(), "hello.wasm")
			writeFile(t, elsewhere, mods.hello1)
			rh := startReloadHost(t, reloadOptions{
				files: map[string]map[string][]byte{"demo": {"probe.wasm": mods.probe}},
				setup: func(t testing.TB, _, dir string) {
					if err := os.Link(elsewhere, filepath.Join(dir, "hello.wasm")); err != nil {
						t.Fatal(err)
					}
				},
				edit: func(cfg *host.Config) { cfg.PluginRescan = tt.rescan },
			})
			rh.wantReply(t, "demo", "hello v1")

			writeFile(t, elsewhere, mods.hello2)
			deadline := time.Now().Add(tt.wait)
			for time.Now().Before(deadline) {
				if ps, _ := rh.pluginStatus(t, "demo", "hello.wasm"); ps.Version == "2" {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			ps, _ := rh.pluginStatus(t, "demo", "hello.wasm")
			if have := ps.Version == "2"; have != tt.want {
				t.Fatalf("version 2 loaded within %v: %v, want %v", tt.wait, have, tt.want)
			}
			if tt.want {
				rh.wantReply(t, "demo", "hello v2")
			} else {
				rh.wantReply(t, "demo", "hello v1")
			}
		})
	}
}

func TestSharedModuleCompiledOnce(t *testing.T) {
	mods := buildModules(t)
	rh := startReloadHost(t, reloadOptions{
		tenants: []string{"alpha", "beta"},
		files:   map[string]map[string][]byte{"alpha": helloAndProbe(mods), "beta": helloAndProbe(mods)},
	})
	wantCompiled := func(want int, when string) {
		t.Helper()
		if n := rh.CompiledModules(); n != want {
			t.Errorf("compiled modules %s = %d, want %d", when, n, want)
		}
	}
	wantCompiled(2, "with hello and probe in two tenants")
	rh.wantReply(t, "alpha", "hello v1")
	rh.wantReply(t, "beta", "hello v1")

	// Removing the module from alpha leaves beta's copy serving.
	if err := os.Remove(filepath.Join(rh.pluginDir("alpha"), "hello.wasm")); err != nil {
		t.Fatal(err)
	}
	rh.waitGone(t, "alpha", "hello.wasm")
	wantCompiled(2, "after the removal from alpha")
	rh.wantReply(t, "alpha", "")
	rh.wantReply(t, "beta", "hello v1")

	// A configuration change loads each of beta's modules again, from the
	// compiled module it already holds.
	betaHello := filepath.Join(rh.pluginDir("beta"), "hello.wasm")
	loadsBefore := rh.countLogs(t, "plugin loaded", betaHello)
	cfg := rh.config()
	beta := cfg.Tenants["beta"]
	beta.Deadline = 3 * time.Second
	cfg.Tenants["beta"] = beta
	if err := rh.Reload(context.Background(), cfg); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if n := rh.countLogs(t, "plugin loaded", betaHello) - loadsBefore; n != 1 {
		t.Errorf("the reload caused %d \"plugin loaded\" lines for beta's hello.wasm, want 1", n)
	}
	wantCompiled(2, "after beta's reload")
	rh.wantReply(t, "beta", "hello v1")

	// The module added back to alpha shares beta's compiled module again,
	// and beta's removal then leaves alpha's copy serving.
	writeFile(t, filepath.Join(rh.pluginDir("alpha"), "hello.wasm"), mods.hello1)
	rh.waitVersion(t, "alpha", "hello.wasm", "1")
	wantCompiled(2, "with the module back in alpha")
	if err := os.Remove(betaHello); err != nil {
		t.Fatal(err)
	}
	rh.waitGone(t, "beta", "hello.wasm")
	rh.wantReply(t, "alpha", "hello v1")
	rh.wantReply(t, "beta", "")
	wantCompiled(2, "after the removal from beta")
}

func TestConfigReload(t *testing.T) {
	const newSecret = "reload-secret-new-9d7c"
	mods := buildModules(t)
	rh := startReloadHost(t, reloadOptions{
		later: []string{"second"},
		files: map[string]map[string][]byte{
			"demo":   helloAndProbe(mods),
			"second": {"hello.wasm": mods.hello2, "probe.wasm": mods.probe},
		},
		edit: func(cfg *host.Config) {
			tc := cfg.Tenants["demo"]
			tc.Plugins = map[string]host.PluginConfig{"probe": {Config: json.RawMessage(`{"greeting":"one"}`)}}
			cfg.Tenants["demo"] = tc
		},
	})
	wantConfig := func(want string) {
		t.Helper()
		if replies := rh.ask(t, "demo", "!config"); len(replies) != 1 || replies[0] != want {
			t.Errorf("!config replies = %q, want [%q]", replies, want)
		}
	}
	// deliverStatus delivers an event signed with secret, once, and returns
	// the response status.
	deliverStatus := func(tenant, secret string) int {
		t.Helper()
		res, _ := rh.sender(tenant, secret).Deliver(context.Background(), bubbletest.MessageCreate(rh.newChannel(), 1, "!echo signed"))
		return res.Attempts[0].Status
	}
	wantConfig(`{"greeting":"one"}`)

	// A slow event is running when the first reload starts.
	spinChannel := rh.newChannel()
	rh.deliver(t, "demo", bubbletest.MessageCreate(spinChannel, 1, "!spin 500"))
	waitUntil(t, 10*time.Second, "the dispatcher to take the slow event", func() bool { return rh.Status()[0].Queued == 0 })
	time.Sleep(50 * time.Millisecond)
	if n := len(rh.platform.Messages(spinChannel)); n != 0 {
		t.Fatalf("the slow event finished before the reload; the test needs it in flight")
	}

	// Reload: add tenant second, add a new secret to demo, change the
	// probe's configuration.
	cfg := rh.config()
	cfg.Tenants["second"] = rh.later["second"]
	demo := cfg.Tenants["demo"]
	demo.Secrets = []string{reloadSecret, newSecret}
	demo.Plugins = map[string]host.PluginConfig{"probe": {Config: json.RawMessage(`{"greeting":"two"}`)}}
	cfg.Tenants["demo"] = demo
	if err := rh.Reload(context.Background(), cfg); err != nil {
		t.Fatalf("Reload: %v", err)
	}

	msgs := waitMessages(t, rh.platform, spinChannel, 1)
	wantConfig(`{"greeting":"two"}`)
	rh.wantReply(t, "second", "hello v2")
	if status := deliverStatus("demo", reloadSecret); status != http.StatusOK {
		t.Errorf("old secret during the rotation got status %d, want 200", status)
	}
	if status := deliverStatus("demo", newSecret); status != http.StatusOK {
		t.Errorf("new secret during the rotation got status %d, want 200", status)
	}

	// Reload: drop the old secret and remove tenant second.
	cfg = rh.config()
	demo.Secrets = []string{newSecret}
	cfg.Tenants["demo"] = demo
	if err := rh.Reload(context.Background(), cfg); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if status := deliverStatus("demo", reloadSecret); status != http.StatusUnauthorized {
		t.Errorf("old secret after the rotation got status %d, want 401", status)
	}
	if status := deliverStatus("demo", newSecret); status != http.StatusOK {
		t.Errorf("new secret after the rotation got status %d, want 200", status)
	}
	if status := deliverStatus("second", reloadSecret); status != http.StatusNotFound {
		t.Errorf("removed tenant got status %d, want 404", status)
	}
	for _, ts := range rh.Status() {
		if ts.ID == "second" {
			t.Errorf("Status lists the removed tenant second")
		}
	}

	// The slow event replied exactly once, across both reloads.
	time.Sleep(100 * time.Millisecond)
	if msgs = rh.platform.Messages(spinChannel); len(msgs) != 1 || msgs[0].Content != "done" {
		t.Errorf("slow event replies = %+v, want one \"done\"", msgs)
	}
}

func TestReloadSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the soak takes about half a minute")
	}
	const (
		swaps         = 300
		eventInterval = 250 * time.Millisecond // under the host's 5 replies a second per bot
		channels      = 4
		firstChannel  = 200
	)
	mods := buildModules(t)
	versions := [][]byte{mods.hello1, mods.hello2}

	// Each swap normally compiles the version it loads, because the one it
	// replaced was released. Under the race detector a compile of hello
	// takes about half a second on 2 cores, so there two more tenants keep
	// both versions compiled and a swap costs an instantiation. The
	// reference counts still go up and down on every swap.
	opts := reloadOptions{
		files:    map[string]map[string][]byte{"demo": {"hello.wasm": mods.hello1}},
		infoLogs: true,
		edit:     func(cfg *host.Config) { cfg.PluginSettle = 10 * time.Millisecond },
	}
	opts.tenants = []string{"demo"}
	if raceEnabled {
		opts.tenants = append(opts.tenants, "keep1", "keep2")
		opts.files["keep1"] = map[string][]byte{"hello.wasm": mods.hello1}
		opts.files["keep2"] = map[string][]byte{"hello.wasm": mods.hello2}
	}
	rh := startReloadHost(t, opts)
	path := filepath.Join(rh.pluginDir("demo"), "hello.wasm")
	sender := rh.sender("demo", reloadSecret)
	sender.Schedule = nil // the platform's retries

	// Warm up: every instance the steady state uses exists before the
	// first measurement.
	for i := range channels {
		rh.deliver(t, "demo", bubbletest.MessageCreate(firstChannel+int64(i), 1, fmt.Sprintf("!hello warm-up %d", i)))
	}
	for i := range channels {
		waitMessages(t, rh.platform, firstChannel+int64(i), 1)
	}
	heapBefore, goroutinesBefore := heapInUse(), goroutines()
	compiledBefore := rh.CompiledModules()

	// A steady stream of events, each with its own number.
	stop := make(chan struct{})
	streamDone := make(chan int)
	go func() {
		sent := 0
		tick := time.NewTicker(eventInterval)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				streamDone <- sent
				return
			case <-tick.C:
			}
			body := bubbletest.MessageCreate(firstChannel+int64(sent%channels), 1, fmt.Sprintf("!hello %d", sent))
			if _, err := sender.Deliver(context.Background(), body); err != nil {
				t.Errorf("delivering event %d: %v", sent, err)
			}
			sent++
		}
	}()

	start := time.Now()
	loadsBefore := rh.countLogs(t, "plugin loaded", path)
	for i := range swaps {
		next := (i + 1) % 2
		replaceFile(t, path, versions[next])
		rh.waitVersion(t, "demo", "hello.wasm", strconv.Itoa(next+1))
	}
	swapTime := time.Since(start)
	close(stop)
	sent := <-streamDone

	// Every event got exactly one reply, from either version.
	perChannel := make([]int, channels)
	for i := range sent {
		perChannel[i%channels]++
	}
	replies := map[int]int{}
	for c := range channels {
		for _, m := range waitMessages(t, rh.platform, firstChannel+int64(c), 1+perChannel[c])[1:] {
			var version, n int
			if _, err := fmt.Sscanf(m.Content, "hello v%d %d", &version, &n); err != nil || version < 1 || version > 2 {
				t.Errorf("unexpected reply %q in channel %d", m.Content, firstChannel+c)
				continue
			}
			replies[n]++
		}
	}
	time.Sleep(200 * time.Millisecond) // room for a wrong second reply to show
	for c := range channels {
		if have, want := len(rh.platform.Messages(firstChannel+int64(c))), 1+perChannel[c]; have != want {
			t.Errorf("channel %d has %d messages, want %d", firstChannel+c, have, want)
		}
	}
	for n := range sent {
		if replies[n] != 1 {
			t.Errorf("event %d got %d replies, want 1", n, replies[n])
		}
	}
	if loads := rh.countLogs(t, "plugin loaded", path) - loadsBefore; loads != swaps {
		t.Errorf("%d \"plugin loaded\" lines for %s, want %d", loads, path, swaps)
	}

	// Memory and goroutines are back near where they started, and the
	// replaced versions were released.
	heapAfter, goroutinesAfter := heapInUse(), goroutines()
	t.Logf("%d swaps in %v (%v each), %d events, each replied once", swaps, swapTime.Round(time.Millisecond),
		(swapTime / swaps).Round(time.Millisecond), sent)
	t.Logf("heap in use: %.1f MiB before, %.1f MiB after; goroutines: %d before, %d after; compiled modules: %d before, %d after",
		mib(heapBefore), mib(heapAfter), goroutinesBefore, goroutinesAfter, compiledBefore, rh.CompiledModules())
	if heapAfter > heapBefore+32<<20 {
		t.Errorf("heap in use grew by %.1f MiB over the soak, more than the 32 MiB allowed", mib(heapAfter-heapBefore))
	}
	if goroutinesAfter > goroutinesBefore+10 {
		t.Errorf("goroutines grew from %d to %d over the soak", goroutinesBefore, goroutinesAfter)
	}
	if compiledAfter := rh.CompiledModules(); compiledAfter != compiledBefore {
		t.Errorf("compiled modules = %d after the soak, want %d as before", compiledAfter, compiledBefore)
	}
	if raceEnabled {
		cfg := rh.config()
		delete(cfg.Tenants, "keep1")
		delete(cfg.Tenants, "keep2")
		if err := rh.Reload(context.Background(), cfg); err != nil {
			t.Fatalf("Reload: %v", err)
		}
	}
	waitUntil(t, 10*time.Second, "one compiled module, the version serving", func() bool { return rh.CompiledModules() == 1 })
}

// heapInUse returns the bytes of live heap objects after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// goroutines returns the number of goroutines once those that are ending
// have had a moment to do so.
func goroutines() int {
	time.Sleep(100 * time.Millisecond)
	return runtime.NumGoroutine()
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func TestDuplicateNameServesWhenOwnerRemoved(t *testing.T) {
	mods := buildModules(t)
	rh := startReloadHost(t, reloadOptions{files: map[string]map[string][]byte{"demo": helloAndProbe(mods)}})
	dir := rh.pluginDir("demo")

	// A second file with a plugin of the same name is rejected while the
	// first serves: the first file in name order wins.
	writeFile(t, filepath.Join(dir, "zhello.wasm"), mods.hello2)
	ps := rh.waitStatus(t, "demo", "zhello.wasm", "error")
	if !strings.Contains(ps.LastError, "already provides a plugin named hello") {
		t.Errorf("zhello.wasm last error = %q, want it to name the duplicate plugin", ps.LastError)
	}
	rh.wantReply(t, "demo", "hello v1")

	// Once the first file is gone, the second one serves.
	if err := os.Remove(filepath.Join(dir, "hello.wasm")); err != nil {
		t.Fatal(err)
	}
	rh.waitGone(t, "demo", "hello.wasm")
	rh.waitVersion(t, "demo", "zhello.wasm", "2")
	rh.wantReply(t, "demo", "hello v2")
}
