package runtime_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/host/runtime"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// The hostile suite loads modules that attack the host, each next to the
// ping example in the same Engine. After every case the ping plugin must
// still reply "pong" to "!ping", because whatever one module does, the
// host keeps serving the others.

// hostileEnv is an Engine with the ping example loaded.
type hostileEnv struct {
	engine *runtime.Engine
	ping   *runtime.Plugin
}

func newHostileEnv(t *testing.T) *hostileEnv {
	t.Helper()
	e := newEngine(t)
	return &hostileEnv{engine: e, ping: load(t, e, "../../examples/ping", runtime.LoadOptions{})}
}

func (env *hostileEnv) pingBytes(t *testing.T) []byte {
	t.Helper()
	wasm, err := os.ReadFile(wasmtest.Build(t, "../../examples/ping"))
	if err != nil {
		t.Fatal(err)
	}
	return wasm
}

// pingStillAnswers checks that the ping plugin replies "pong" to "!ping".
func (env *hostileEnv) pingStillAnswers(t *testing.T) {
	t.Helper()
	var rec recorder
	if err := env.ping.Handle(context.Background(), runtime.Call{Event: message(t, "!ping"), Actions: rec.action}); err != nil {
		t.Fatalf("ping after the hostile module: %v", err)
	}
	want := abi.ActionRequest{Type: abi.ActionReply, Content: "pong"}
	if have := rec.all(); len(have) != 1 || have[0] != want {
		t.Errorf("ping after the hostile module: actions = %+v, want [%+v]", have, want)
	}
}

// callCase is one hostile call, made of a module, the event it gets and
// the expected result.
type callCase struct {
	name    string
	wasm    func(t *testing.T) []byte
	event   []byte
	limits  runtime.Limits // Instances is always 1; a zero Deadline means 2 s
	outcome runtime.Outcome
	errText string // part of the error, when the call fails
	logLine string // exactly one log line of the call contains it
	check   func(t *testing.T, res callResult)
	// next is the event of the call that must succeed afterwards; nil
	// means an empty event, on which every WAT module returns 0.
	next []byte
}

type callResult struct {
	err     error
	elapsed time.Duration
	actions int64
	records []map[string]any // the call's log, one JSON object per line
	limits  []string         // the limits the call reported hitting
}

// fixture assembles testdata/hostile/name.wat.
func fixture(name string) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		t.Helper()
		return wasmtest.WAT(t, filepath.Join("testdata", "hostile", name+".wat"))
	}
}

// runCallCase loads the case's module with one instance, calls it once,
// logs the outcome as the host's dispatcher does, and then checks the
// outcome, the time it took, the log, a second call and the ping plugin.
func runCallCase(t *testing.T, env *hostileEnv, tt callCase) {
	t.Helper()
	var logs logBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	limits := tt.limits
	limits.Instances = 1
	if limits.Deadline == 0 {
		limits.Deadline = 2 * time.Second
	}
	p, err := env.engine.Load(context.Background(), tt.wasm(t), runtime.LoadOptions{Logger: logger, Limits: limits})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	defer p.Close(context.Background())

	var actions atomic.Int64
	countAction := func(ctx context.Context, req abi.ActionRequest) ([]byte, error) {
		actions.Add(1)
		return []byte(abi.QueuedResult), nil
	}
	var hits []string
	start := time.Now()
	err = p.Handle(context.Background(), runtime.Call{Event: tt.event, Actions: countAction,
		LimitHit: func(limit string) { hits = append(hits, limit) }})
	res := callResult{err: err, elapsed: time.Since(start), actions: actions.Load(), limits: hits}
	outcome := runtime.OutcomeOf(err)
	if err != nil {
		logger.Error("plugin call stopped", "plugin", p.Manifest().Name, "outcome", outcome, "err", err)
	}
	res.records = parseLog(t, logs.String())

	if outcome != tt.outcome {
		t.Errorf("outcome = %s (err %v), want %s", outcome, err, tt.outcome)
	}
	if tt.errText != "" && (err == nil || !strings.Contains(err.Error(), tt.errText)) {
		t.Errorf("error = %v, want it to contain %q", err, tt.errText)
	}
	if bound := limits.Deadline + time.Second; res.elapsed > bound {
		t.Errorf("call took %v, want at most %v (the deadline plus 1s)", res.elapsed, bound)
	}
	if tt.logLine != "" {
		if n := countLines(res.records, tt.logLine); n != 1 {
			t.Errorf("log lines containing %q: %d, want 1; log:\n%s", tt.logLine, n, clip(logs.String()))
		}
	}
	if tt.check != nil {
		tt.check(t, res)
	}

	// The plugin works again, on a fresh instance where the last one was
	// discarded. With one instance, a leaked slot would make this call
	// wait out its deadline.
	next := tt.next
	if next == nil {
		next = []byte{}
	}
	if err := p.Handle(context.Background(), runtime.Call{Event: next, Actions: countAction}); err != nil {
		t.Errorf("next call of the same plugin: %v", err)
	}
	env.pingStillAnswers(t)
}

func parseLog(t *testing.T, out string) []map[string]any {
	t.Helper()
	var records []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, clip(sc.Text()))
		}
		records = append(records, rec)
	}
	return records
}

// countLines counts the log records whose message or error contains text.
func countLines(records []map[string]any, text string) int {
	n := 0
	for _, rec := range records {
		msg, _ := rec["msg"].(string)
		errText, _ := rec["err"].(string)
		if strings.Contains(msg, text) || strings.Contains(errText, text) {
			n++
		}
	}
	return n
}

// clip shortens s for a failure message.
func clip(s string) string {
	if len(s) > 4000 {
		return s[:2000] + "\n...\n" + s[len(s)-2000:]
	}
	return s
}

// logLineCost is the charge for each line of plugin output besides its
// text, as Limits.LogBytes documents.
const logLineCost = 64

// pluginOutput counts the records a plugin wrote, through bubble.log or its
// stdout and stderr, and sums what the host charged for them.
func pluginOutput(records []map[string]any) (lines, charged int) {
	for _, rec := range records {
		if rec["source"] == "plugin" || rec["stream"] != nil {
			msg, _ := rec["msg"].(string)
			lines++
			charged += len(msg) + logLineCost
		}
	}
	return lines, charged
}

// checkOutputCapped checks that a call's plugin output filled the log
// budget of logBytes without passing it.
func checkOutputCapped(t *testing.T, res callResult, logBytes, longestLine int) {
	t.Helper()
	if !slices.Equal(res.limits, []string{runtime.LimitLogBytes}) {
		t.Errorf("limits reported: %q, want %s once", res.limits, runtime.LimitLogBytes)
	}
	lines, charged := pluginOutput(res.records)
	if charged > logBytes {
		t.Errorf("output charged %d bytes in %d lines, over the cap of %d", charged, lines, logBytes)
	}
	if low := logBytes - longestLine - logLineCost; charged < low {
		t.Errorf("output charged %d bytes in %d lines, want at least %d: the cap cut it early", charged, lines, low)
	}
}

func TestHostileCall(t *testing.T) {
	env := newHostileEnv(t)
	const shortDeadline = 300 * time.Millisecond
	const logBytes = 64 << 10

	tests := []callCase{
		{
			name:    "tight loop",
			wasm:    fixture("loop"),
			event:   []byte("go"),
			limits:  runtime.Limits{Deadline: shortDeadline},
			outcome: runtime.OutcomeTimeout,
			errText: "plugin loop: call exceeded its deadline of 300ms",
			logLine: "exceeded its deadline",
			check: func(t *testing.T, res callResult) {
				if res.elapsed < shortDeadline {
					t.Errorf("call took %v, less than its deadline of %v", res.elapsed, shortDeadline)
				}
			},
		},
		{
			// Growing the stack to wazero's limit takes seconds under the
			// race detector on a busy machine, and no deadline interrupts
			// it, so the deadline is long enough for the trap to come first.
			name:    "unbounded recursion",
			wasm:    fixture("recursion"),
			event:   []byte("go"),
			limits:  runtime.Limits{Deadline: 10 * time.Second},
			outcome: runtime.OutcomeTrap,
			errText: "stack overflow",
			logLine: "stack overflow",
		},
		{
			name:    "memory grown to the limit",
			wasm:    fixture("grow_to_limit"),
			event:   []byte("go"),
			limits:  runtime.Limits{MemoryBytes: 16 << 20},
			outcome: runtime.OutcomeFailed,
			errText: "bubble_handle returned status 256", // 16 MiB in pages
			logLine: "returned status 256",
		},
		{
			name:    "memory grown past the limit",
			wasm:    fixture("grow_past_limit"),
			event:   []byte("go"),
			limits:  runtime.Limits{MemoryBytes: 16 << 20},
			outcome: runtime.OutcomeTrap,
			errText: "out of bounds memory access",
			logLine: "out of bounds memory access",
		},
		{
			name:    "unreachable",
			wasm:    fixture("unreachable"),
			event:   []byte("go"),
			outcome: runtime.OutcomeTrap,
			errText: "wasm error: unreachable",
			logLine: "unreachable",
		},
		{
			name:    "megabytes to stdout",
			wasm:    fixture("stdout_flood"),
			event:   []byte("go"),
			outcome: runtime.OutcomeOK,
			logLine: "dropping the rest of this call's output",
			check: func(t *testing.T, res callResult) {
				checkOutputCapped(t, res, logBytes, 63)
			},
		},
		{
			name:    "log flood",
			wasm:    fixture("log_flood"),
			event:   []byte("go"),
			outcome: runtime.OutcomeOK,
			logLine: "dropping the rest of this call's output",
			check: func(t *testing.T, res callResult) {
				// The empty lines alone use up the budget.
				if lines, _ := pluginOutput(res.records); lines != logBytes/logLineCost {
					t.Errorf("logged %d lines of 101020, want %d", lines, logBytes/logLineCost)
				}
				dropped := false
				for _, rec := range res.records {
					msg, _ := rec["msg"].(string)
					if strings.Contains(msg, "dropping the rest") {
						dropped = true
					} else if dropped && rec["source"] == "plugin" {
						t.Fatalf("plugin line %q logged after the host said it drops the rest", clip(msg))
					}
				}
			},
		},
		{
			name:    "thousands of actions",
			wasm:    fixture("actions_flood"),
			event:   []byte("go"),
			outcome: runtime.OutcomeOK,
			logLine: "over the limit of 20 actions per event",
			check: func(t *testing.T, res callResult) {
				if res.actions != runtime.DefaultActionsPerCall {
					t.Errorf("ActionFunc saw %d actions, want %d", res.actions, runtime.DefaultActionsPerCall)
				}
				if !slices.Equal(res.limits, []string{runtime.LimitActions}) {
					t.Errorf("limits reported: %q, want %s once", res.limits, runtime.LimitActions)
				}
			},
		},
		{
			name:    "oversized action request",
			wasm:    fixture("action_oversized"),
			event:   []byte("go"),
			outcome: runtime.OutcomeTrap,
			errText: "bubble.action: req_len=65537 is over the limit of 65536 bytes",
			logLine: "req_len=65537",
		},
		{
			name:    "WASI sleep of an hour",
			wasm:    fixture("wasi_sleep"),
			event:   []byte("go"),
			limits:  runtime.Limits{Deadline: shortDeadline},
			outcome: runtime.OutcomeOK,
		},
		{
			name:    "WASI poll_oneoff with an overflowing size",
			wasm:    fixture("wasi_poll_overflow"),
			event:   []byte("go"),
			outcome: runtime.OutcomeTrap,
			errText: "index out of range",
			logLine: "index out of range",
		},
		{
			name:    "WASI files",
			wasm:    fixture("wasi_files"),
			event:   []byte("go"),
			outcome: runtime.OutcomeOK,
			check: func(t *testing.T, res callResult) {
				for _, line := range []string{
					"path_open errno 8", "fd_prestat_get errno 8", "fd_read errno 8", "fd_write errno 8",
				} {
					if countLines(res.records, line) != 1 {
						t.Errorf("log lacks %q (8 is EBADF)", line)
					}
				}
			},
		},
		{
			name:    "WASI sockets",
			wasm:    fixture("wasi_sockets"),
			event:   []byte("go"),
			outcome: runtime.OutcomeOK,
			check: func(t *testing.T, res callResult) {
				for _, line := range []string{
					"sock_accept errno 8", "sock_recv errno 8", "sock_send errno 8", "sock_shutdown errno 8",
					"sock_accept(stdin) errno 8",
				} {
					if countLines(res.records, line) != 1 {
						t.Errorf("log lacks %q", line)
					}
				}
			},
		},
		{
			name:    "WASI proc_exit(0)",
			wasm:    fixture("proc_exit"),
			event:   []byte{0},
			outcome: runtime.OutcomeTrap,
			errText: "exit_code(0)",
			logLine: "exit_code(0)",
		},
		{
			name:    "WASI proc_exit(7)",
			wasm:    fixture("proc_exit"),
			event:   []byte{7},
			outcome: runtime.OutcomeTrap,
			errText: "exit_code(7)",
			logLine: "exit_code(7)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runCallCase(t, env, tt) })
	}
}

// hostCallEvent returns the event that the hostcall fixture reads, which
// names the host function to call and its arguments.
func hostCallEvent(fn byte, ptr, length uint32, level int32) []byte {
	ev := make([]byte, 16)
	ev[0] = fn
	binary.LittleEndian.PutUint32(ev[4:], ptr)
	binary.LittleEndian.PutUint32(ev[8:], length)
	binary.LittleEndian.PutUint32(ev[12:], uint32(level))
	return ev
}

// The selectors of the hostcall fixture.
const (
	callLog byte = iota
	callEventRead
	callConfigRead
	callAction
	callResultRead
	callDescribe
)

// TestHostileHostPointers passes each host function pointers and lengths
// outside the module's memory of 65536 bytes. Each call must trap with a
// message naming the function and the parameter.
func TestHostileHostPointers(t *testing.T) {
	env := newHostileEnv(t)
	functions := []struct {
		selector byte
		name     string
		ptrParam string
	}{
		{callLog, "log", "msg_ptr"},
		{callEventRead, "event_read", "buf_ptr"},
		{callConfigRead, "config_read", "buf_ptr"},
		{callResultRead, "result_read", "buf_ptr"},
		{callAction, "action", "req_ptr"},
	}
	ranges := []struct {
		name        string
		ptr, length uint32
		want        string // the message after "bubble.NAME: PARAM="
	}{
		{"pointer past the end", 65536, 1, "65536 with length 1 is outside the module's memory of 65536 bytes"},
		{"end past the end", 65000, 1000, "65000 with length 1000 is outside"},
		{"pointer plus length overflows", 0xffff_fff0, 0x20, "4294967280 with length 32 is outside"},
		{"negative length", 0, 0xffff_ffff, "0 with length 4294967295 is outside"},
	}

	var tests []callCase
	for _, fn := range functions {
		for _, r := range ranges {
			want := fmt.Sprintf("bubble.%s: %s=%s", fn.name, fn.ptrParam, r.want)
			if fn.name == "action" && r.length > runtime.DefaultRequestBytes {
				want = fmt.Sprintf("bubble.action: req_len=%d is over the limit", r.length)
			}
			tests = append(tests, callCase{
				name:    fn.name + " " + r.name,
				wasm:    fixture("hostcall"),
				event:   hostCallEvent(fn.selector, r.ptr, r.length, abi.LevelInfo),
				outcome: runtime.OutcomeTrap,
				errText: want,
				logLine: want,
			})
		}
		// A buf_len of 0 is valid with any pointer. A message or request
		// of length 0 must still start inside the memory or at its end.
		ptr := uint32(0xffff_ffff)
		if fn.ptrParam != "buf_ptr" {
			ptr = 65536
		}
		tests = append(tests, callCase{
			name:    fn.name + " zero length",
			wasm:    fixture("hostcall"),
			event:   hostCallEvent(fn.selector, ptr, 0, abi.LevelInfo),
			outcome: runtime.OutcomeOK,
		})
	}
	tests = append(tests, callCase{
		name:    "describe while handling",
		wasm:    fixture("hostcall"),
		event:   hostCallEvent(callDescribe, 0, 10, 0),
		outcome: runtime.OutcomeTrap,
		errText: "bubble.describe: called outside bubble_describe",
		logLine: "called outside bubble_describe",
	})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runCallCase(t, env, tt) })
	}
}

// TestHostileGoPlugin runs the ways a Go program fails, through the SDK.
func TestHostileGoPlugin(t *testing.T) {
	env := newHostileEnv(t)
	plugin := func(t *testing.T) []byte {
		t.Helper()
		wasm, err := os.ReadFile(wasmtest.Build(t, "../internal/testplugins/gohostile"))
		if err != nil {
			t.Fatal(err)
		}
		return wasm
	}
	const logBytes = 64 << 10

	tests := []callCase{
		{
			name:    "panic",
			event:   message(t, "!panic"),
			outcome: runtime.OutcomeFailed,
			errText: "bubble_handle returned status 1",
			logLine: "gohostile panicked on purpose",
		},
		{
			name:    "runtime error",
			event:   message(t, "!nilmap"),
			outcome: runtime.OutcomeFailed,
			errText: "bubble_handle returned status 1",
			logLine: "assignment to entry in nil map",
		},
		{
			name:    "out of memory",
			event:   message(t, "!oom"),
			limits:  runtime.Limits{MemoryBytes: 64 << 20},
			outcome: runtime.OutcomeTrap,
			errText: "wasm error: unreachable", // the Go runtime aborts
			logLine: "fatal error: out of memory",
		},
		{
			name:    "deadlock",
			event:   message(t, "!deadlock"),
			outcome: runtime.OutcomeTrap,
			errText: "wasm error: unreachable",
			logLine: "all goroutines are asleep - deadlock",
		},
		{
			name:    "sleep of an hour",
			event:   message(t, "!sleep"),
			limits:  runtime.Limits{Deadline: 500 * time.Millisecond},
			outcome: runtime.OutcomeTimeout,
			errText: "call exceeded its deadline of 500ms",
			logLine: "exceeded its deadline",
		},
		{
			name:    "megabytes to stdout",
			event:   message(t, "!print 4"),
			outcome: runtime.OutcomeOK,
			logLine: "dropping the rest of this call's output",
			check: func(t *testing.T, res callResult) {
				checkOutputCapped(t, res, logBytes, 63)
			},
		},
	}
	for _, tt := range tests {
		tt.wasm = plugin
		tt.next = message(t, "hello")
		t.Run(tt.name, func(t *testing.T) { runCallCase(t, env, tt) })
	}
}

// TestHostileSpinnersLeaveOthersServed keeps every instance of a looping
// plugin busy while the ping plugin handles calls.
func TestHostileSpinnersLeaveOthersServed(t *testing.T) {
	env := newHostileEnv(t)
	spinner, err := env.engine.Load(context.Background(), fixture("loop")(t), runtime.LoadOptions{
		Limits: runtime.Limits{Deadline: time.Second, Instances: 4},
	})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	defer spinner.Close(context.Background())

	var wg sync.WaitGroup
	outcomes := make(chan runtime.Outcome, 4)
	for range 4 {
		wg.Go(func() {
			outcomes <- runtime.OutcomeOf(spinner.Handle(context.Background(), runtime.Call{Event: []byte("go")}))
		})
	}

	// Calls of the ping plugin while the spinners run.
	for i := 0; i < 5; i++ {
		env.pingStillAnswers(t)
	}
	wg.Wait()
	close(outcomes)
	for outcome := range outcomes {
		if outcome != runtime.OutcomeTimeout {
			t.Errorf("spinner outcome = %s, want %s", outcome, runtime.OutcomeTimeout)
		}
	}
}
