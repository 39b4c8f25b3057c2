package host_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host"
	"github.com/bubblehost/bubblehost/host/signature"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// Distinctive values that must never show up in a log line, an error, the
// metrics or an HTTP response.
const (
	leakSecretOld  = "leak-secret-old-Hq3v"
	leakSecretNew  = "leak-secret-new-Wm8c"
	leakToken      = "leak-token-Rb2x"
	leakTokenNew   = "leak-token-new-Js5p"
	leakAdminToken = "leak-admin-token-Ty6n"
)

var leakValues = []string{leakSecretOld, leakSecretNew, leakToken, leakTokenNew, leakAdminToken}

// failingAPI is a platform API that fails the first GET /bot/me and the
// first send to channel 5 with 500, always rejects sends to channel 6
// with 401, and accepts either bot token otherwise.
type failingAPI struct {
	*httptest.Server
	mu    sync.Mutex
	calls map[string]int
}

func newFailingAPI(t *testing.T) *failingAPI {
	t.Helper()
	f := &failingAPI{calls: map[string]int{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *failingAPI) serve(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	f.mu.Lock()
	f.calls[r.URL.Path]++
	n := f.calls[r.URL.Path]
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	auth := r.Header.Get("Authorization")
	switch {
	case auth != "Bearer "+leakToken && auth != "Bearer "+leakTokenNew:
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":{"code":"UNAUTHORIZED","message":"invalid token"}}`)
	case n == 1 && (r.URL.Path == "/bot/me" || r.URL.Path == "/channels/5/messages"):
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"error":{"code":"INTERNAL","message":"temporary failure"}}`)
	case r.URL.Path == "/channels/6/messages":
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":{"code":"UNAUTHORIZED","message":"the bot may not write here"}}`)
	case r.URL.Path == "/bot/me":
		fmt.Fprintf(w, `{"id":42,"name":"leak-bot","botUser":{"id":%d,"name":"leak-bot"}}`, botUserID)
	default:
		fmt.Fprintf(w, `{"id":%d,"channelId":5,"content":"x","author":{"id":%d}}`, 800000+n, botUserID)
	}
}

// leakRecorder collects everything the session shows to the outside.
type leakRecorder struct {
	mu      sync.Mutex
	outputs []string // error strings and HTTP response bodies, labelled
}

func (r *leakRecorder) add(label, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outputs = append(r.outputs, label+": "+text)
}

func (r *leakRecorder) addErr(label string, err error) {
	if err != nil {
		r.add(label, err.Error())
	}
}

// request sends one request, records its status line and body, and returns
// the status.
func (r *leakRecorder) request(t *testing.T, label, method, url string, header http.Header, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r.add(label, resp.Status+" "+fmt.Sprint(resp.Header)+" "+string(b))
	return resp.StatusCode
}

// leakForms returns value and the encodings a careless log line could
// carry it in.
func leakForms(value string) []string {
	return []string{
		value,
		hex.EncodeToString([]byte(value)),
		base64.StdEncoding.EncodeToString([]byte(value)),
		base64.RawURLEncoding.EncodeToString([]byte(value)),
	}
}

func TestSecretsStayOutOfOutput(t *testing.T) {
	api := newFailingAPI(t)
	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	if err := os.MkdirAll(pluginDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"../examples/ping", "internal/testplugins/probe"} {
		wasm, err := os.ReadFile(wasmtest.Build(t, p))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pluginDir, filepath.Base(p)+".wasm"), wasm, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	tenant := host.TenantConfig{
		Secrets:   []string{leakSecretOld, leakSecretNew},
		Token:     leakToken,
		APIBase:   api.URL,
		PluginDir: pluginDir,
		Deadline:  5 * time.Second,
	}
	cfg := host.Config{
		DataDir:  dir,
		CacheDir: wasmtest.CacheDir(t),
		Tenants:  map[string]host.TenantConfig{"leak": tenant},
	}
	logs := &logBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rec := &leakRecorder{}

	// An invalid configuration that carries every secret is rejected by
	// New and by Reload.
	invalid := cfg
	invalid.Tenants = map[string]host.TenantConfig{
		"leak": {Secrets: []string{leakSecretOld, ""}, Token: leakToken, APIBase: "ftp://x", Signature: "sometimes"},
		"BAD":  {Secrets: []string{leakSecretNew}, Token: leakTokenNew, Deadline: -1},
	}
	_, err := host.New(invalid, logger)
	if err == nil {
		t.Fatal("host.New accepted an invalid configuration")
	}
	rec.addErr("host.New", err)

	h, err := host.New(cfg, logger)
	if err != nil {
		t.Fatalf("host.New: %v", err)
	}
	if err := h.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(srv.Close)

	// The admin API reloads a configuration with a rotated token and one
	// secret, then fails a reload of the invalid configuration.
	rotated := cfg
	rotatedTenant := tenant
	rotatedTenant.Secrets, rotatedTenant.Token = []string{leakSecretNew}, leakTokenNew
	rotated.Tenants = map[string]host.TenantConfig{"leak": rotatedTenant}
	next := []host.Config{rotated, invalid}
	level := new(slog.LevelVar)
	level.Set(slog.LevelDebug)
	admin := httptest.NewServer(h.AdminHandler(host.AdminOptions{
		Token: leakAdminToken,
		Reload: func(ctx context.Context) error {
			c := next[0]
			next = next[1:]
			err := h.Reload(ctx, c)
			rec.addErr("Reload", err)
			return err
		},
		LogLevel: level,
	}))
	t.Cleanup(admin.Close)

	// Webhooks: signed with each secret, signed wrongly, unsigned, with a
	// malformed signature, and for an unknown tenant.
	webhook := func(label, tenantID, content string, id int, sign func([]byte) string) int {
		t.Helper()
		body := event(t, map[string]any{"content": content, "id": id, "channelId": 5})
		if strings.HasPrefix(content, "!echo 6") {
			body = event(t, map[string]any{"content": content, "id": id, "channelId": 6})
		}
		header := http.Header{"Content-Type": {"application/json"}, "X-Bubble-Event": {"MESSAGE_CREATE"}}
		if sign != nil {
			header.Set("X-Bubble-Signature", sign(body))
		}
		return rec.request(t, label, http.MethodPost, srv.URL+"/webhook/"+tenantID, header, body)
	}
	signWith := func(secret string) func([]byte) string {
		return func(b []byte) string { return signature.Sign([]byte(secret), b) }
	}
	webhooks := []struct {
		label, tenant, content string
		sign                   func([]byte) string
		want                   int
	}{
		{"new secret", "leak", "!echo 5 first", signWith(leakSecretNew), http.StatusOK},
		{"old secret", "leak", "!ping", signWith(leakSecretOld), http.StatusOK},
		{"rejected channel", "leak", "!echo 6 denied", signWith(leakSecretNew), http.StatusOK},
		{"failing plugin", "leak", "!fail", signWith(leakSecretNew), http.StatusOK},
		{"plugin output", "leak", "!print", signWith(leakSecretNew), http.StatusOK},
		{"wrong secret", "leak", "!echo wrong", signWith("not-" + leakSecretNew), http.StatusUnauthorized},
		{"secret as signature", "leak", "!echo raw", func([]byte) string { return leakSecretNew }, http.StatusUnauthorized},
		{"unsigned", "leak", "!echo unsigned", nil, http.StatusUnauthorized},
		{"malformed", "leak", "!echo malformed", func([]byte) string { return "sha256=zz" }, http.StatusUnauthorized},
		{"unknown tenant", "nobody", "!echo nobody", signWith(leakSecretNew), http.StatusNotFound},
	}
	for i, w := range webhooks {
		if have := webhook("webhook "+w.label, w.tenant, w.content, 100+i, w.sign); have != w.want {
			t.Errorf("webhook %s: have status %d, want %d", w.label, have, w.want)
		}
	}
	waitFor(t, "the failed send to channel 6", func() bool {
		return strings.Contains(logs.String(), `"msg":"action failed"`)
	})
	waitFor(t, "the retried send to channel 5", func() bool {
		api.mu.Lock()
		defer api.mu.Unlock()
		return api.calls["/channels/5/messages"] >= 3 // 500, then the retry, then pong
	})

	// The admin API, with wrong tokens and the right one.
	adminCall := func(label, method, path, token, body string) int {
		t.Helper()
		header := http.Header{}
		if token != "" {
			header.Set("Authorization", "Bearer "+token)
		}
		return rec.request(t, "admin "+label, method, admin.URL+path, header, []byte(body))
	}
	adminCalls := []struct {
		label, method, path, token, body string
		want                             int
	}{
		{"no token", http.MethodGet, "/v1/tenants", "", "", http.StatusUnauthorized},
		{"bot token", http.MethodGet, "/v1/tenants", leakToken, "", http.StatusUnauthorized},
		{"secret as token", http.MethodGet, "/v1/tenants", leakSecretNew, "", http.StatusUnauthorized},
		{"tenants", http.MethodGet, "/v1/tenants", leakAdminToken, "", http.StatusOK},
		{"tenant", http.MethodGet, "/v1/tenants/leak", leakAdminToken, "", http.StatusOK},
		{"pause", http.MethodPost, "/v1/tenants/leak/plugins/ping/pause", leakAdminToken, "", http.StatusOK},
		{"resume", http.MethodPost, "/v1/tenants/leak/plugins/ping/resume", leakAdminToken, "", http.StatusOK},
		{"reload rotated", http.MethodPost, "/v1/reload", leakAdminToken, "", http.StatusOK},
		{"reload invalid", http.MethodPost, "/v1/reload", leakAdminToken, "", http.StatusUnprocessableEntity},
		{"level invalid", http.MethodPut, "/v1/log/level", leakAdminToken, `{"level":"verbose"}`, http.StatusBadRequest},
		{"level debug", http.MethodPut, "/v1/log/level", leakAdminToken, `{"level":"debug"}`, http.StatusOK},
		{"tenants after reload", http.MethodGet, "/v1/tenants", leakAdminToken, "", http.StatusOK},
	}
	for _, c := range adminCalls {
		if have := adminCall(c.label, c.method, c.path, c.token, c.body); have != c.want {
			t.Errorf("admin %s: have status %d, want %d", c.label, have, c.want)
		}
	}

	// The old secret no longer verifies after the reload, but the new one does.
	if have := webhook("webhook old secret after rotation", "leak", "!echo old", 200, signWith(leakSecretOld)); have != http.StatusUnauthorized {
		t.Errorf("old secret after rotation: have status %d, want 401", have)
	}
	if have := webhook("webhook new token", "leak", "!echo 5 second", 201, signWith(leakSecretNew)); have != http.StatusOK {
		t.Errorf("new secret after rotation: have status %d, want 200", have)
	}

	// A call still running when the shutdown gives up, so its error and
	// the abandon line are part of the output.
	if have := webhook("webhook slow", "leak", "!spin 3000", 202, signWith(leakSecretNew)); have != http.StatusOK {
		t.Errorf("slow webhook: have status %d, want 200", have)
	}
	time.Sleep(100 * time.Millisecond) // lets the dispatcher start the call
	rec.request(t, "metrics", http.MethodGet, srv.URL+"/metrics", http.Header{}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	rec.addErr("Shutdown", h.Shutdown(ctx))

	// The session did run through the paths that handle secrets.
	logText := logs.String()
	for _, message := range []string{
		"rejected webhook with a bad signature; further rejections are logged at most every 10s",
		"rejected admin request without a valid token; further rejections are logged at most every 10s",
		"retrying api request",
		"action failed",
		"plugin call failed",
		"configuration reloaded",
		"configuration reload rejected; the running configuration stays",
		"stop timed out; abandoning accepted events",
	} {
		if !strings.Contains(logText, `"msg":"`+message+`"`) {
			t.Errorf("the session logged no %q line, so it did not cover that path", message)
		}
	}

	output := logText + "\n" + strings.Join(rec.outputs, "\n")
	for _, value := range leakValues {
		for _, form := range leakForms(value) {
			if i := strings.Index(output, form); i >= 0 {
				start, end := max(0, i-200), min(len(output), i+len(form)+50)
				t.Errorf("output contains %q (a form of %q):\n...%s...", form, value, output[start:end])
			}
		}
	}
}
