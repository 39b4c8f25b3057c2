package host_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bubblehost/bubblehost/host"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

const adminToken = "admin-token-5d1e"

// adminServer is an admin API served on loopback for one test host.
type adminServer struct {
	url     string
	level   *slog.LevelVar
	reloads atomic.Int32
	// reloadErr, when set, is returned by the Reload callback.
	reloadErr atomic.Pointer[error]
}

func startAdmin(t *testing.T, th *testHost) *adminServer {
	t.Helper()
	a := &adminServer{level: new(slog.LevelVar)}
	handler := th.AdminHandler(host.AdminOptions{
		Token: adminToken,
		Reload: func(ctx context.Context) error {
			a.reloads.Add(1)
			if err := a.reloadErr.Load(); err != nil {
				return *err
			}
			return nil
		},
		LogLevel: a.level,
	})
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	a.url = srv.URL
	return a
}

// adminResponse is one response of the admin API.
type adminResponse struct {
	status int
	header http.Header
	body   string
}

// field returns the value of the top-level member name of a JSON object
// body, or nil.
func (r adminResponse) field(name string) any {
	var v map[string]any
	json.Unmarshal([]byte(r.body), &v)
	return v[name]
}

// do sends one request with the given Authorization header value, none
// when authorization is empty.
func (a *adminServer) do(t *testing.T, method, path, authorization, body string) adminResponse {
	t.Helper()
	req, err := http.NewRequest(method, a.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return adminResponse{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// call sends one request with the right token.
func (a *adminServer) call(t *testing.T, method, path, body string) adminResponse {
	t.Helper()
	return a.do(t, method, path, "Bearer "+adminToken, body)
}

func TestAdminAuthentication(t *testing.T) {
	th := startHost(t, nil, nil)
	a := startAdmin(t, th)

	tests := []struct {
		name          string
		authorization string
		want          int
	}{
		{"no header", "", http.StatusUnauthorized},
		{"right token", "Bearer " + adminToken, http.StatusOK},
		{"lower-case scheme", "bearer " + adminToken, http.StatusOK},
		{"wrong token", "Bearer admin-token-5d1f", http.StatusUnauthorized},
		{"token prefix", "Bearer " + adminToken[:5], http.StatusUnauthorized},
		{"token with suffix", "Bearer " + adminToken + "x", http.StatusUnauthorized},
		{"basic scheme", "Basic " + adminToken, http.StatusUnauthorized},
		{"token alone", adminToken, http.StatusUnauthorized},
		{"empty bearer", "Bearer ", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := a.do(t, http.MethodGet, "/v1/tenants", tt.authorization, "")
			if resp.status != tt.want {
				t.Fatalf("status: have %d, want %d; body %s", resp.status, tt.want, resp.body)
			}
			if tt.want != http.StatusUnauthorized {
				return
			}
			if have := resp.field("error"); have != "unauthorized" {
				t.Errorf("error code: have %v, want unauthorized", have)
			}
			if have := resp.header.Get("WWW-Authenticate"); !strings.HasPrefix(have, "Bearer") {
				t.Errorf("WWW-Authenticate: have %q, want a Bearer challenge", have)
			}
		})
	}

	// Unknown routes need the token too, so they reveal nothing.
	if resp := a.do(t, http.MethodGet, "/v1/nothing", "", ""); resp.status != http.StatusUnauthorized {
		t.Errorf("unknown route without a token: have status %d, want 401", resp.status)
	}
	if strings.Contains(th.logs.String(), adminToken[:12]) {
		t.Errorf("log contains the admin token:\n%s", th.logs.String())
	}
}

func TestAdminWithoutTokenRejectsAll(t *testing.T) {
	th := startHost(t, nil, nil)
	srv := httptest.NewServer(th.AdminHandler(host.AdminOptions{}))
	t.Cleanup(srv.Close)
	a := &adminServer{url: srv.URL}

	for _, authorization := range []string{"", "Bearer", "Bearer ", "Bearer x"} {
		if resp := a.do(t, http.MethodGet, "/v1/tenants", authorization, ""); resp.status != http.StatusUnauthorized {
			t.Errorf("Authorization %q: have status %d, want 401", authorization, resp.status)
		}
	}
}

func TestAdminTenants(t *testing.T) {
	th := startHost(t, []string{"../examples/ping", "internal/testplugins/probe"}, nil)
	a := startAdmin(t, th)

	resp := a.call(t, http.MethodGet, "/v1/tenants", "")
	if resp.status != http.StatusOK {
		t.Fatalf("GET /v1/tenants: have status %d, want 200; body %s", resp.status, resp.body)
	}
	if have := resp.header.Get("Content-Type"); have != "application/json" {
		t.Errorf("Content-Type: have %q, want application/json", have)
	}
	var list struct {
		Tenants []host.TenantStatus `json:"tenants"`
	}
	if err := json.Unmarshal([]byte(resp.body), &list); err != nil {
		t.Fatalf("decoding %s: %v", resp.body, err)
	}
	if len(list.Tenants) != 1 || list.Tenants[0].ID != "demo" {
		t.Fatalf("tenants: have %+v, want one tenant demo", list.Tenants)
	}
	demo := list.Tenants[0]
	if demo.Signature != "required" || demo.DryRun {
		t.Errorf("demo: have signature %q, dry run %v; want required, false", demo.Signature, demo.DryRun)
	}
	var names []string
	for _, p := range demo.Plugins {
		names = append(names, p.Name+"="+p.Status)
	}
	if have := strings.Join(names, ","); have != "ping=ok,probe=ok" {
		t.Errorf("plugins: have %s, want ping=ok,probe=ok", have)
	}

	one := a.call(t, http.MethodGet, "/v1/tenants/demo", "")
	if one.status != http.StatusOK || one.field("id") != "demo" {
		t.Errorf("GET /v1/tenants/demo: have status %d, body %s; want 200 with id demo", one.status, one.body)
	}
}

func TestAdminErrors(t *testing.T) {
	th := startHost(t, []string{"../examples/ping"}, nil)
	a := startAdmin(t, th)

	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantCode                 string
	}{
		{"unknown tenant", http.MethodGet, "/v1/tenants/nope", "", http.StatusNotFound, "unknown_tenant"},
		{"unknown route", http.MethodGet, "/v1/nothing", "", http.StatusNotFound, "not_found"},
		{"root", http.MethodGet, "/", "", http.StatusNotFound, "not_found"},
		{"list with POST", http.MethodPost, "/v1/tenants", "", http.StatusMethodNotAllowed, "method_not_allowed"},
		{"reload with GET", http.MethodGet, "/v1/reload", "", http.StatusMethodNotAllowed, "method_not_allowed"},
		{"pause with GET", http.MethodGet, "/v1/tenants/demo/plugins/ping/pause", "", http.StatusMethodNotAllowed, "method_not_allowed"},
		{"pause unknown tenant", http.MethodPost, "/v1/tenants/nope/plugins/ping/pause", "", http.StatusNotFound, "unknown_tenant"},
		{"pause unknown plugin", http.MethodPost, "/v1/tenants/demo/plugins/pong/pause", "", http.StatusNotFound, "unknown_plugin"},
		{"resume unknown plugin", http.MethodPost, "/v1/tenants/demo/plugins/pong/resume", "", http.StatusNotFound, "unknown_plugin"},
		{"level not JSON", http.MethodPut, "/v1/log/level", "debug", http.StatusBadRequest, "invalid_request"},
		{"level unknown name", http.MethodPut, "/v1/log/level", `{"level":"verbose"}`, http.StatusBadRequest, "invalid_request"},
		{"level unknown field", http.MethodPut, "/v1/log/level", `{"lvl":"debug"}`, http.StatusBadRequest, "invalid_request"},
		{"level body too large", http.MethodPut, "/v1/log/level", `{"level":"` + strings.Repeat("x", 8<<10) + `"}`, http.StatusRequestEntityTooLarge, "body_too_large"},
		{"level with POST", http.MethodPost, "/v1/log/level", `{"level":"debug"}`, http.StatusMethodNotAllowed, "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := a.call(t, tt.method, tt.path, tt.body)
			if resp.status != tt.wantStatus {
				t.Errorf("status: have %d, want %d; body %s", resp.status, tt.wantStatus, resp.body)
			}
			if have := resp.field("error"); have != tt.wantCode {
				t.Errorf("error code: have %v, want %s", have, tt.wantCode)
			}
			if message, _ := resp.field("message").(string); message == "" {
				t.Errorf("error has no message: %s", resp.body)
			}
		})
	}

	if have := a.call(t, http.MethodPost, "/v1/tenants", "").header.Get("Allow"); have != "GET" {
		t.Errorf("Allow of /v1/tenants: have %q, want GET", have)
	}
	if have := a.call(t, http.MethodDelete, "/v1/log/level", "").header.Get("Allow"); have != "GET, PUT" {
		t.Errorf("Allow of /v1/log/level: have %q, want GET, PUT", have)
	}
	if have := a.level.Level(); have != slog.LevelInfo {
		t.Errorf("log level after rejected changes: have %v, want INFO", have)
	}
}

func TestAdminPauseAndResume(t *testing.T) {
	th := startHost(t, []string{"../examples/ping", "internal/testplugins/probe"}, nil)
	a := startAdmin(t, th)

	paused := a.call(t, http.MethodPost, "/v1/tenants/demo/plugins/ping/pause", "")
	if paused.status != http.StatusOK || paused.field("status") != "paused" {
		t.Fatalf("pause: have status %d, body %s; want 200 with status paused", paused.status, paused.body)
	}

	// The probe's reply marks that the ping event before it was processed.
	th.mustPost(t, event(t, map[string]any{"content": "!ping", "id": 1}))
	th.mustPost(t, event(t, map[string]any{"content": "!echo marker", "id": 2}))
	waitFor(t, "the marker", func() bool { return len(th.api.messages()) == 1 })
	if have := th.api.contents(); have[0] != "marker" {
		t.Errorf("replies while ping is paused: have %q, want only the marker", have)
	}
	if have := testutil.ToFloat64(th.Metrics().PluginCalls.WithLabelValues("demo", "ping", "paused")); have != 2 {
		t.Errorf("plugin_calls_total{plugin=ping,outcome=paused}: have %v, want 2", have)
	}

	resumed := a.call(t, http.MethodPost, "/v1/tenants/demo/plugins/ping/resume", "")
	if resumed.status != http.StatusOK || resumed.field("status") != "ok" {
		t.Fatalf("resume: have status %d, body %s; want 200 with status ok", resumed.status, resumed.body)
	}
	th.mustPost(t, event(t, map[string]any{"content": "!ping", "id": 3}))
	waitFor(t, "the pong", func() bool { return len(th.api.messages()) == 2 })
	if have := th.api.contents(); have[1] != "pong" {
		t.Errorf("replies after resume: have %q, want pong second", have)
	}
}

func TestAdminReload(t *testing.T) {
	th := startHost(t, []string{"../examples/ping"}, nil)
	a := startAdmin(t, th)

	// A module dropped into the folder is loaded by the reload's rescan.
	wasm, err := os.ReadFile(wasmtest.Build(t, "internal/testplugins/probe"))
	if err != nil {
		t.Fatal(err)
	}
	dir := th.Status()[0].PluginDir
	if err := os.WriteFile(filepath.Join(dir, "probe.wasm"), wasm, 0o644); err != nil {
		t.Fatal(err)
	}

	resp := a.call(t, http.MethodPost, "/v1/reload", "")
	if resp.status != http.StatusOK || resp.field("status") != "reloaded" {
		t.Fatalf("reload: have status %d, body %s; want 200 with status reloaded", resp.status, resp.body)
	}
	if have := a.reloads.Load(); have != 1 {
		t.Errorf("Reload callback calls: have %d, want 1", have)
	}
	if have := len(th.Status()[0].Plugins); have != 2 {
		t.Errorf("plugins after reload: have %d, want 2 (ping and the new probe)", have)
	}

	failure := errors.New("tenants.demo.secrets: signature is required but no secret is set")
	a.reloadErr.Store(&failure)
	resp = a.call(t, http.MethodPost, "/v1/reload", "")
	if resp.status != http.StatusUnprocessableEntity || resp.field("error") != "reload_failed" {
		t.Errorf("failed reload: have status %d, body %s; want 422 reload_failed", resp.status, resp.body)
	}
	if message, _ := resp.field("message").(string); !strings.Contains(message, "tenants.demo.secrets") {
		t.Errorf("failed reload message: have %q, want the configuration error", message)
	}
	if logLines(th.logs.String(), "configuration reload rejected; the running configuration stays") == nil {
		t.Errorf("no log line for the rejected reload; log:\n%s", th.logs.String())
	}
}

func TestAdminLogLevel(t *testing.T) {
	th := startHost(t, nil, nil)
	a := startAdmin(t, th)

	if resp := a.call(t, http.MethodGet, "/v1/log/level", ""); resp.field("level") != "info" {
		t.Errorf("GET level: have %s, want info", resp.body)
	}
	tests := []struct{ body, want string }{
		{`{"level":"debug"}`, "debug"},
		{`{"level":"WARN"}`, "warn"},
		{`{"level":" error "}`, "error"},
		{`{"level":"info"}`, "info"},
	}
	for _, tt := range tests {
		resp := a.call(t, http.MethodPut, "/v1/log/level", tt.body)
		if resp.status != http.StatusOK || resp.field("level") != tt.want {
			t.Errorf("PUT %s: have status %d, body %s; want 200 with level %s", tt.body, resp.status, resp.body, tt.want)
		}
		if have := a.call(t, http.MethodGet, "/v1/log/level", "").field("level"); have != tt.want {
			t.Errorf("GET after PUT %s: have %v, want %s", tt.body, have, tt.want)
		}
	}
	if have := a.level.Level(); have != slog.LevelInfo {
		t.Errorf("LevelVar after the last PUT: have %v, want INFO", have)
	}
	if have := len(logLines(th.logs.String(), "log level changed through the admin API")); have != len(tests) {
		t.Errorf("level change log lines: have %d, want %d", have, len(tests))
	}
}

func TestAdminLogLevelNotConfigured(t *testing.T) {
	th := startHost(t, nil, nil)
	srv := httptest.NewServer(th.AdminHandler(host.AdminOptions{Token: adminToken}))
	t.Cleanup(srv.Close)
	a := &adminServer{url: srv.URL}

	for _, method := range []string{http.MethodGet, http.MethodPut} {
		resp := a.call(t, method, "/v1/log/level", `{"level":"debug"}`)
		if resp.status != http.StatusNotImplemented || resp.field("error") != "not_configured" {
			t.Errorf("%s without a LevelVar: have status %d, body %s; want 501 not_configured", method, resp.status, resp.body)
		}
	}
}
