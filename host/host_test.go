package host_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bubblehost/bubblehost/host"
	"github.com/bubblehost/bubblehost/host/signature"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

const (
	testSecret = "e2e-secret-7f3a"
	testToken  = "e2e-token-91bc"
	botUserID  = 4242
)

// apiRequest is one request the fake platform API served.
type apiRequest struct {
	Method, Path, Authorization, ContentType string
	Body                                     string
}

// fakeAPI is a stand-in for the platform's HTTP API: it answers message
// sends with a message object and GET /bot/me with the bot's account, and
// records every request.
type fakeAPI struct {
	*httptest.Server
	mu     sync.Mutex
	reqs   []apiRequest
	nextID int64
}

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{nextID: 900001}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.reqs = append(f.reqs, apiRequest{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(body)})
	id := f.nextID
	f.nextID++
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":{"code":"UNAUTHORIZED","message":"invalid token"}}`)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/bot/me":
		fmt.Fprintf(w, `{"id":42,"name":"demo-bot","botUser":{"id":%d,"name":"demo-bot"}}`, botUserID)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages"):
		var in struct {
			Content string `json:"content"`
		}
		json.Unmarshal(body, &in)
		parts := strings.Split(r.URL.Path, "/")
		ch, _ := strconv.ParseInt(parts[len(parts)-2], 10, 64)
		fmt.Fprintf(w, `{"id":%d,"channelId":%d,"content":%q,"author":{"id":%d,"name":"demo-bot"}}`, id, ch, in.Content, botUserID)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"code":"NOT_FOUND","message":"no such endpoint"}}`)
	}
}

// messages returns the message sends served so far.
func (f *fakeAPI) messages() []apiRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiRequest
	for _, r := range f.reqs {
		if strings.HasSuffix(r.Path, "/messages") {
			out = append(out, r)
		}
	}
	return out
}

// contents returns the content of each message sent, in order.
func (f *fakeAPI) contents() []string {
	var out []string
	for _, r := range f.messages() {
		var in struct {
			Content string `json:"content"`
		}
		json.Unmarshal([]byte(r.Body), &in)
		out = append(out, in.Content)
	}
	return out
}

type testHost struct {
	*host.Host
	url  string
	api  *fakeAPI
	logs *logBuffer
}

type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startHost builds the given plugins, starts a host with one tenant "demo"
// whose API is a fake, and serves it on loopback.
func startHost(t *testing.T, plugins []string, edit func(*host.Config)) *testHost {
	t.Helper()
	api := newFakeAPI(t)
	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	if err := os.MkdirAll(pluginDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range plugins {
		wasm, err := os.ReadFile(wasmtest.Build(t, p))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pluginDir, filepath.Base(p)+".wasm"), wasm, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	cfg := host.Config{
		DataDir:  dir,
		CacheDir: wasmtest.CacheDir(t),
		Tenants: map[string]host.TenantConfig{
			"demo": {
				Secrets:   []string{testSecret},
				Token:     testToken,
				APIBase:   api.URL,
				PluginDir: pluginDir,
				BotUserID: botUserID,
				Deadline:  500 * time.Millisecond,
			},
		},
	}
	if edit != nil {
		edit(&cfg)
	}
	logs := &logBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, err := host.New(cfg, logger)
	if err != nil {
		t.Fatalf("host.New: %v", err)
	}
	if err := h.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		h.Shutdown(ctx)
	})
	return &testHost{Host: h, url: srv.URL, api: api, logs: logs}
}

// event returns the MESSAGE_CREATE sample with the given fields of data
// replaced, compact and in the sample's key order.
func event(t *testing.T, edits map[string]any) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/MESSAGE_CREATE.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	for k, v := range edits {
		ev.Data[k] = v
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post delivers body as the platform would and returns the status.
func (th *testHost) post(t *testing.T, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, th.url+"/webhook/demo", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Bubble-Event", "MESSAGE_CREATE")
	req.Header.Set("X-Bubble-Signature", signature.Sign([]byte(testSecret), body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("posting webhook: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func (th *testHost) mustPost(t *testing.T, body []byte) {
	t.Helper()
	if status := th.post(t, body); status != http.StatusOK {
		t.Fatalf("webhook answered %d, want 200", status)
	}
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPingEndToEnd(t *testing.T) {
	th := startHost(t, []string{"../examples/ping"}, nil)

	th.mustPost(t, event(t, map[string]any{"content": "!ping"}))
	waitFor(t, "the reply", func() bool { return len(th.api.messages()) == 1 })

	want := apiRequest{
		Method:        "POST",
		Path:          "/channels/5/messages",
		Authorization: "Bearer " + testToken,
		ContentType:   "application/json",
		Body:          `{"content":"pong","msgType":0}`,
	}
	if have := th.api.messages()[0]; have != want {
		t.Errorf("API request:\nhave %+v\nwant %+v", have, want)
	}
}

func TestNonPingIsNotAnswered(t *testing.T) {
	th := startHost(t, []string{"../examples/ping", "internal/testplugins/probe"}, nil)

	th.mustPost(t, event(t, map[string]any{"content": "hello", "id": 1}))
	th.mustPost(t, event(t, map[string]any{"content": "!echo marker", "id": 2}))
	waitFor(t, "the marker", func() bool { return len(th.api.messages()) == 1 })
	if have := th.api.contents(); have[0] != "marker" {
		t.Errorf("messages = %q, want only the marker", have)
	}
}

func TestLoopingPluginStoppedAtDeadline(t *testing.T) {
	th := startHost(t, []string{"internal/testplugins/probe"}, nil)

	th.mustPost(t, event(t, map[string]any{"content": "!loop", "id": 1}))
	th.mustPost(t, event(t, map[string]any{"content": "!echo after the loop", "id": 2}))
	waitFor(t, "the reply after the loop", func() bool { return len(th.api.messages()) == 1 })

	if have := th.api.contents()[0]; have != "after the loop" {
		t.Errorf("reply = %q, want %q", have, "after the loop")
	}
	timeouts := testutil.ToFloat64(th.Metrics().PluginCalls.WithLabelValues("demo", "probe", "timeout"))
	if timeouts != 1 {
		t.Errorf("plugin_calls_total{outcome=timeout} = %v, want 1", timeouts)
	}
	if !strings.Contains(th.logs.String(), `"msg":"plugin call stopped"`) {
		t.Errorf("no log line for the call stopped at its deadline; log:\n%s", th.logs.String())
	}
}

func TestRepeatedDeliveryRunsOnce(t *testing.T) {
	th := startHost(t, []string{"../examples/ping"}, nil)
	body := event(t, map[string]any{"content": "!ping"})

	// The first attempt and a retry race each other, then two late retries.
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { th.mustPost(t, body) })
	}
	wg.Wait()
	th.mustPost(t, body)
	th.mustPost(t, body)

	// An edit of the same message is a new event.
	edited := event(t, map[string]any{"content": "!ping", "timestamp": "2025-12-31T12:00:01Z"})
	th.mustPost(t, edited)

	waitFor(t, "two replies", func() bool { return len(th.api.messages()) >= 2 })
	time.Sleep(200 * time.Millisecond) // room for a wrong third reply to show
	if have := len(th.api.messages()); have != 2 {
		t.Errorf("replies = %d, want 2 (one per distinct event)", have)
	}
	dups := testutil.ToFloat64(th.Metrics().EventsReceived.WithLabelValues("demo", "MESSAGE_CREATE", "duplicate"))
	if dups != 3 {
		t.Errorf("events_received_total{outcome=duplicate} = %v, want 3", dups)
	}
}

func TestOwnMessagesAreIgnored(t *testing.T) {
	th := startHost(t, []string{"../examples/ping", "internal/testplugins/probe"}, nil)

	// Written by the bot's user.
	th.mustPost(t, event(t, map[string]any{"content": "!ping", "id": 10, "author": map[string]any{"id": botUserID, "name": "demo-bot"}}))

	// The platform echoes the message the bot just sent, with an author
	// that does not say it is the bot.
	th.mustPost(t, event(t, map[string]any{"content": "!echo first", "id": 11}))
	waitFor(t, "the first reply", func() bool {
		return testutil.ToFloat64(th.Metrics().APIRequests.WithLabelValues("demo", "channel_messages", "200")) == 1
	})
	th.mustPost(t, event(t, map[string]any{"content": "!ping", "id": 900001, "author": map[string]any{"id": 1, "name": "alice"}}))

	th.mustPost(t, event(t, map[string]any{"content": "!echo marker", "id": 12}))
	waitFor(t, "the marker", func() bool { return len(th.api.messages()) == 2 })
	if have := th.api.contents(); have[0] != "first" || have[1] != "marker" {
		t.Errorf("messages = %q, want [first marker]", have)
	}
	own := testutil.ToFloat64(th.Metrics().EventsProcessed.WithLabelValues("demo", "MESSAGE_CREATE", "own"))
	if own != 2 {
		t.Errorf("events_processed_total{outcome=own} = %v, want 2", own)
	}
}

func TestAnswerDoesNotWaitForPlugins(t *testing.T) {
	th := startHost(t, []string{"internal/testplugins/probe"}, func(c *host.Config) {
		tc := c.Tenants["demo"]
		tc.Deadline = 5 * time.Second
		c.Tenants["demo"] = tc
	})

	th.mustPost(t, event(t, map[string]any{"content": "!spin 1000"}))
	if have := len(th.api.messages()); have != 0 {
		t.Fatalf("the reply was sent before the webhook was answered")
	}
	waitFor(t, "the reply", func() bool { return len(th.api.messages()) == 1 })
}

func TestBadModuleDoesNotStopTheHost(t *testing.T) {
	th := startHost(t, []string{"../examples/ping"}, func(c *host.Config) {
		dir := c.Tenants["demo"].PluginDir
		if err := os.WriteFile(filepath.Join(dir, "broken.wasm"), []byte("not a module"), 0o644); err != nil {
			t.Fatal(err)
		}
	})

	th.mustPost(t, event(t, map[string]any{"content": "!ping"}))
	waitFor(t, "the reply", func() bool { return len(th.api.messages()) == 1 })
	logs := th.logs.String()
	if !strings.Contains(logs, `"msg":"plugin rejected"`) || !strings.Contains(logs, "broken.wasm") {
		t.Errorf("no error line naming broken.wasm; log:\n%s", logs)
	}
}

func TestDryRunLogsReplies(t *testing.T) {
	th := startHost(t, []string{"../examples/ping"}, func(c *host.Config) {
		tc := c.Tenants["demo"]
		tc.Token = ""
		c.Tenants["demo"] = tc
	})

	th.mustPost(t, event(t, map[string]any{"content": "!ping"}))
	waitFor(t, "the dry-run line", func() bool {
		return strings.Contains(th.logs.String(), `"msg":"dry run: no token set, message not sent"`)
	})
	if !strings.Contains(th.logs.String(), `"content":"pong"`) {
		t.Errorf("dry-run line lacks the content; log:\n%s", th.logs.String())
	}
	if have := len(th.api.messages()); have != 0 {
		t.Errorf("a dry run sent %d requests", have)
	}
}

func TestShutdownFinishesAcceptedEvents(t *testing.T) {
	th := startHost(t, []string{"internal/testplugins/probe"}, nil)

	for i := range 5 {
		th.mustPost(t, event(t, map[string]any{"content": fmt.Sprintf("!echo %d", i), "id": 100 + i}))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := th.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if have := th.api.contents(); len(have) != 5 {
		t.Errorf("replies after shutdown = %q, want all 5", have)
	}
	if status := th.post(t, event(t, map[string]any{"content": "!echo late", "id": 200})); status != http.StatusServiceUnavailable {
		t.Errorf("webhook after shutdown answered %d, want 503", status)
	}
}

func TestWaitForGuestSlotLeavesTheWholeDeadline(t *testing.T) {
	th := startHost(t, []string{"internal/testplugins/probe"}, func(cfg *host.Config) {
		cfg.GuestSlots = 2 // one slot a tenant
		tc := cfg.Tenants["demo"]
		tc.Deadline = time.Second
		cfg.Tenants["demo"] = tc
	})

	// The second call waits 0.8 s for the tenant's slot, then runs for
	// 0.5 s: longer than the deadline in all, but not on its own.
	th.mustPost(t, event(t, map[string]any{"content": "!spin 800", "id": 1, "channelId": 11}))
	th.mustPost(t, event(t, map[string]any{"content": "!spin 500", "id": 2, "channelId": 12}))
	waitFor(t, "both replies", func() bool { return len(th.api.messages()) == 2 })

	if timeouts := testutil.ToFloat64(th.Metrics().PluginCalls.WithLabelValues("demo", "probe", "timeout")); timeouts != 0 {
		t.Errorf("plugin_calls_total{outcome=timeout} = %v, want 0", timeouts)
	}
}

func TestLoopingPluginLeavesItsSiblingASlot(t *testing.T) {
	th := startHost(t, []string{"internal/testplugins/probe", "../examples/autoreply"}, func(cfg *host.Config) {
		cfg.GuestSlots = 3 // two slots a tenant
		tc := cfg.Tenants["demo"]
		tc.Deadline = time.Second
		tc.Plugins = map[string]host.PluginConfig{
			"autoreply": {Deadline: 300 * time.Millisecond, Config: json.RawMessage(`{"rules":[{"match":"!loop","reply":"seen"}]}`)},
		}
		cfg.Tenants["demo"] = tc
	})

	// Every event makes probe loop until its deadline and autoreply reply.
	const events = 4
	for i := range events {
		th.mustPost(t, event(t, map[string]any{"content": "!loop", "id": 10 + i, "channelId": 20 + i}))
	}
	waitFor(t, "autoreply's replies", func() bool { return len(th.api.messages()) == events })

	calls := th.Metrics().PluginCalls
	if rejected := testutil.ToFloat64(calls.WithLabelValues("demo", "autoreply", "rejected")); rejected != 0 {
		t.Errorf("autoreply calls rejected for want of a guest slot: %v, want 0", rejected)
	}
}
