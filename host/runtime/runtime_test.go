package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/host/runtime"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// recorder collects the actions a plugin asks for.
type recorder struct {
	mu   sync.Mutex
	reqs []abi.ActionRequest
}

func (r *recorder) action(ctx context.Context, req abi.ActionRequest) ([]byte, error) {
	if req.Type != abi.ActionReply && req.Type != abi.ActionSendMessage {
		return nil, &runtime.ActionError{Code: abi.ErrUnknownAction, Message: "unknown action type " + req.Type}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
	return []byte(`{"status":"queued"}`), nil
}

func (r *recorder) all() []abi.ActionRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]abi.ActionRequest(nil), r.reqs...)
}

// logBuffer is a concurrency-safe sink for a JSON slog handler.
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

func newEngine(t *testing.T) *runtime.Engine {
	t.Helper()
	e, err := runtime.NewEngine(context.Background(), runtime.EngineConfig{CacheDir: wasmtest.CacheDir(t)})
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	t.Cleanup(func() { e.Close(context.Background()) })
	return e
}

func load(t testing.TB, e *runtime.Engine, dir string, opts runtime.LoadOptions) *runtime.Plugin {
	t.Helper()
	wasm, err := os.ReadFile(wasmtest.Build(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.Load(context.Background(), wasm, opts)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	return p
}

// message returns the MESSAGE_CREATE sample with its content replaced.
func message(t testing.TB, content string) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/MESSAGE_CREATE.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	ev["data"].(map[string]any)["content"] = content
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPingRepliesPong(t *testing.T) {
	e := newEngine(t)
	p := load(t, e, "../../examples/ping", runtime.LoadOptions{})

	m := p.Manifest()
	if m.Name != "ping" || m.Version != "1.0.0" || len(m.Events) != 1 || m.Events[0] != "MESSAGE_CREATE" {
		t.Errorf("manifest = %+v, want ping 1.0.0 [MESSAGE_CREATE]", m)
	}
	if !p.Handles("MESSAGE_CREATE") || p.Handles("GUILD_CREATE") {
		t.Errorf("Handles: want MESSAGE_CREATE only")
	}

	var rec recorder
	if err := p.Handle(context.Background(), runtime.Call{Event: message(t, "!ping"), Actions: rec.action}); err != nil {
		t.Fatalf("Handle(!ping): %v", err)
	}
	want := []abi.ActionRequest{{Type: abi.ActionReply, Content: "pong"}}
	if have := rec.all(); len(have) != 1 || have[0] != want[0] {
		t.Errorf("actions = %+v, want %+v", have, want)
	}

	if err := p.Handle(context.Background(), runtime.Call{Event: message(t, "hello"), Actions: rec.action}); err != nil {
		t.Fatalf("Handle(hello): %v", err)
	}
	if have := rec.all(); len(have) != 1 {
		t.Errorf("after a non-ping message: %d actions, want still 1", len(have))
	}
}

func TestCallOutcomes(t *testing.T) {
	e := newEngine(t)
	var logs logBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p := load(t, e, "../internal/testplugins/probe", runtime.LoadOptions{
		Logger: logger,
		Limits: runtime.Limits{Deadline: 300 * time.Millisecond, Instances: 2},
	})

	tests := []struct {
		name    string
		content string
		outcome runtime.Outcome
		errText string // part of the error, when there is one
	}{
		{"echo", "!echo hi", runtime.OutcomeOK, ""},
		{"loop stopped at deadline", "!loop", runtime.OutcomeTimeout, "deadline of 300ms"},
		{"returned error", "!fail", runtime.OutcomeFailed, "status 1"},
		{"panic recovered by the SDK", "!panic", runtime.OutcomeFailed, "status 1"},
		{"bad pointer traps", "!badptr", runtime.OutcomeTrap, "msg_ptr=2147483632"},
		{"unknown action fails", "!unknown", runtime.OutcomeFailed, "status 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			err := p.Handle(context.Background(), runtime.Call{Event: message(t, tt.content), Actions: rec.action})
			if have := runtime.OutcomeOf(err); have != tt.outcome {
				t.Fatalf("outcome = %s (err %v), want %s", have, err, tt.outcome)
			}
			if tt.errText != "" && (err == nil || !strings.Contains(err.Error(), tt.errText)) {
				t.Errorf("error = %v, want it to contain %q", err, tt.errText)
			}

			// Whatever happened, the plugin still answers.
			rec = recorder{}
			if err := p.Handle(context.Background(), runtime.Call{Event: message(t, "!echo still here"), Actions: rec.action}); err != nil {
				t.Fatalf("call after %s: %v", tt.name, err)
			}
			if have := rec.all(); len(have) != 1 || have[0].Content != "still here" {
				t.Errorf("call after %s: actions = %+v, want one reply %q", tt.name, have, "still here")
			}
		})
	}

	out := logs.String()
	for _, want := range []string{`probe failed on purpose`, `probe panicked on purpose`, `unknown action type no_such_action`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s; log:\n%s", want, out)
		}
	}
}

func TestGuestOutputIsLogged(t *testing.T) {
	e := newEngine(t)
	var logs logBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil)).With("tenant", "t1")
	p := load(t, e, "../internal/testplugins/probe", runtime.LoadOptions{})

	if err := p.Handle(context.Background(), runtime.Call{Event: message(t, "!print"), Logger: logger}); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	out := logs.String()
	for _, want := range []string{
		`"msg":"probe to stdout","tenant":"t1","plugin":"probe","stream":"stdout"`,
		`"level":"WARN","msg":"probe to stderr","tenant":"t1","plugin":"probe","stream":"stderr"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s; log:\n%s", want, out)
		}
	}
}

func TestActionsPerCallLimit(t *testing.T) {
	e := newEngine(t)
	var logs logBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	p := load(t, e, "../internal/testplugins/probe", runtime.LoadOptions{Limits: runtime.Limits{ActionsPerCall: 3}})

	var rec recorder
	var hits []string
	call := runtime.Call{Event: message(t, "!actions 5"), Actions: rec.action, Logger: logger,
		LimitHit: func(limit string) { hits = append(hits, limit) }}
	if err := p.Handle(context.Background(), call); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if have := len(rec.all()); have != 3 {
		t.Errorf("actions carried out = %d, want 3", have)
	}
	if !slices.Equal(hits, []string{runtime.LimitActions}) {
		t.Errorf("limits reported: %q, want %s once", hits, runtime.LimitActions)
	}
	if !strings.Contains(logs.String(), `failed=2`) {
		t.Errorf("the plugin did not see 2 failed actions; log:\n%s", logs.String())
	}
}

func TestPluginConfig(t *testing.T) {
	e := newEngine(t)
	p := load(t, e, "../internal/testplugins/probe", runtime.LoadOptions{
		Settings: func(m abi.Manifest) (runtime.Limits, json.RawMessage) {
			if m.Name != "probe" {
				t.Errorf("Settings got manifest %q, want probe", m.Name)
			}
			return runtime.Limits{}, json.RawMessage(`{"greeting":"你好"}`)
		},
	})
	var rec recorder
	if err := p.Handle(context.Background(), runtime.Call{Event: message(t, "!config"), Actions: rec.action}); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if have := rec.all(); len(have) != 1 || have[0].Content != `{"greeting":"你好"}` {
		t.Errorf("actions = %+v, want a reply with the configuration", have)
	}
}

func TestConcurrentCallsShareThePool(t *testing.T) {
	e := newEngine(t)
	p := load(t, e, "../internal/testplugins/probe", runtime.LoadOptions{Limits: runtime.Limits{Instances: 2, Deadline: 5 * time.Second}})

	var wg sync.WaitGroup
	var rec recorder
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			errs <- p.Handle(context.Background(), runtime.Call{Event: message(t, "!spin 20"), Actions: rec.action})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Handle: %v", err)
		}
	}
	if have := len(rec.all()); have != 8 {
		t.Errorf("replies = %d, want 8", have)
	}
}

func TestLoadRejects(t *testing.T) {
	e := newEngine(t)
	ping, err := os.ReadFile(wasmtest.Build(t, "../../examples/ping"))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := os.ReadFile(wasmtest.Build(t, "testdata/notaplugin"))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		wasm []byte
		opts runtime.LoadOptions
		want string
	}{
		{"not wasm", []byte("hello, world"), runtime.LoadOptions{}, "compiling module"},
		{"truncated", ping[:len(ping)/2], runtime.LoadOptions{}, "compiling module"},
		{"no ABI marker", plain, runtime.LoadOptions{}, "does not export bubble_abi_v1"},
		{"memory over limit", ping, runtime.LoadOptions{Limits: runtime.Limits{MemoryBytes: 64 << 10}}, "over the limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := e.Load(context.Background(), tt.wasm, tt.opts)
			if err == nil {
				p.Close(context.Background())
				t.Fatalf("Load succeeded, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestClosedPluginRejectsCalls(t *testing.T) {
	e := newEngine(t)
	p := load(t, e, "../../examples/ping", runtime.LoadOptions{})
	p.Close(context.Background())

	err := p.Handle(context.Background(), runtime.Call{Event: message(t, "!ping")})
	if !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("Handle after Close = %v, want ErrClosed", err)
	}
}

func loadBench(b *testing.B, e *runtime.Engine, dir string) *runtime.Plugin {
	return load(b, e, dir, runtime.LoadOptions{})
}

func benchMessage(b *testing.B, content string) []byte { return message(b, content) }

func TestCallCancelledWhileWaitingIsAborted(t *testing.T) {
	e := newEngine(t)
	p := load(t, e, "../internal/testplugins/probe", runtime.LoadOptions{Limits: runtime.Limits{Instances: 1, Deadline: 5 * time.Second}})

	// The only instance is busy, so the next call waits for it.
	busy := make(chan error, 1)
	go func() { busy <- p.Handle(context.Background(), runtime.Call{Event: message(t, "!spin 300")}) }()
	time.Sleep(50 * time.Millisecond)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	err := p.Handle(ctx, runtime.Call{Event: message(t, "!echo hi")})
	if have := runtime.OutcomeOf(err); have != runtime.OutcomeAborted {
		t.Errorf("a call cancelled while waiting for an instance ended as %s (%v), want %s", have, err, runtime.OutcomeAborted)
	}
	<-busy
}

func TestWaitForInstanceLeavesTheWholeDeadline(t *testing.T) {
	e := newEngine(t)
	p := load(t, e, "../internal/testplugins/probe", runtime.LoadOptions{Limits: runtime.Limits{Instances: 1, Deadline: time.Second}})

	// The second call waits 0.6 s for the only instance, then runs for
	// 0.6 s: longer than the deadline in all, but not on its own.
	var rec recorder
	call := runtime.Call{Event: message(t, "!spin 600"), Actions: rec.action}
	first := make(chan error, 1)
	go func() { first <- p.Handle(context.Background(), call) }()
	time.Sleep(20 * time.Millisecond)
	if err := p.Handle(context.Background(), call); err != nil {
		t.Errorf("the waiting call: %v, want it to finish", err)
	}
	if err := <-first; err != nil {
		t.Errorf("the first call: %v, want it to finish", err)
	}
}
