//go:build unix

package runtime

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// The benchmarks in this file measure what stopping a guest at its
// deadline costs, for RATIONALE.md. wazero stops a guest that spins in a
// loop only when the runtime has WithCloseOnContextDone(true), which makes
// the compiler insert a check at every loop back-edge and function entry.

// runtimeConfigs are the wazero configurations the benchmarks compare.
var runtimeConfigs = []struct {
	name   string
	config func() wazero.RuntimeConfig
}{
	{"compiler-close-on-done", func() wazero.RuntimeConfig {
		return wazero.NewRuntimeConfigCompiler().WithCloseOnContextDone(true)
	}},
	{"compiler-no-close", func() wazero.RuntimeConfig {
		return wazero.NewRuntimeConfigCompiler().WithCloseOnContextDone(false)
	}},
	{"interpreter-close-on-done", func() wazero.RuntimeConfig {
		return wazero.NewRuntimeConfigInterpreter().WithCloseOnContextDone(true)
	}},
}

// cpuTime returns the CPU time, user and system, that the process has used.
func cpuTime(b *testing.B) time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		b.Fatal(err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// reportCPUTime reports the CPU time per operation since start as
// cpu-ns/op. Unlike ns/op it barely changes when other processes compete
// for the cores.
func reportCPUTime(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}

// benchEngine builds an Engine as NewEngine does, but on a runtime with the
// given configuration, so that the real Load and Handle run on it.
func benchEngine(b *testing.B, rc wazero.RuntimeConfig) *Engine {
	b.Helper()
	ctx := context.Background()
	cache := wazero.NewCompilationCache()
	rt := wazero.NewRuntimeWithConfig(ctx, rc.WithCompilationCache(cache))
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		b.Fatal(err)
	}
	if err := instantiateHostModule(ctx, rt); err != nil {
		b.Fatal(err)
	}
	e := &Engine{rt: rt, cache: cache, logger: slog.New(slog.DiscardHandler), compiled: map[string]*compiledModule{}}
	b.Cleanup(func() { e.Close(ctx) })
	return e
}

// jsonEvent returns a JSON_WORK event of about size bytes, holding an
// array of small objects with strings, numbers, booleans and an array.
func jsonEvent(size int) []byte {
	type item struct {
		ID    int      `json:"id"`
		Name  string   `json:"name"`
		Tags  []string `json:"tags"`
		Score float64  `json:"score"`
		OK    bool     `json:"ok"`
	}
	var items []item
	for n := 0; n < size; n += 80 {
		items = append(items, item{ID: n, Name: fmt.Sprintf("item %d", n), Tags: []string{"a", "b"}, Score: float64(n) / 3, OK: n%2 == 0})
	}
	body, err := json.Marshal(map[string]any{"type": "JSON_WORK", "data": map[string]any{"items": items}})
	if err != nil {
		panic(err)
	}
	return body
}

// BenchmarkTimeoutCost runs plugins under each configuration: the ping
// example replying to "!ping", a Go plugin decoding a 200 KB event with
// encoding/json, and a WAT loop of 10 million iterations.
func BenchmarkTimeoutCost(b *testing.B) {
	ping, err := os.ReadFile(wasmtest.Build(b, "../../examples/ping"))
	if err != nil {
		b.Fatal(err)
	}
	pingEvent, err := os.ReadFile("testdata/MESSAGE_CREATE.json") // content "!ping"
	if err != nil {
		b.Fatal(err)
	}
	jsonPlugin, err := os.ReadFile(wasmtest.Build(b, "../internal/testplugins/jsonwork"))
	if err != nil {
		b.Fatal(err)
	}
	workloads := []struct {
		name  string
		wasm  []byte
		event []byte
	}{
		{"ping", ping, pingEvent},
		{"json-200KB", jsonPlugin, jsonEvent(200 << 10)},
		{"loop-10M", wasmtest.WAT(b, "testdata/bench/spin.wat"), binary.LittleEndian.AppendUint64(nil, 10_000_000)},
	}
	for _, w := range workloads {
		for _, c := range runtimeConfigs {
			b.Run(w.name+"/"+c.name, func(b *testing.B) {
				e := benchEngine(b, c.config())
				p, err := e.Load(context.Background(), w.wasm, LoadOptions{Limits: Limits{Deadline: time.Minute}})
				if err != nil {
					b.Fatal(err)
				}
				defer p.Close(context.Background())

				action := func(ctx context.Context, req abi.ActionRequest) ([]byte, error) {
					return []byte(abi.QueuedResult), nil
				}
				start := cpuTime(b)
				for b.Loop() {
					if err := p.Handle(context.Background(), Call{Event: w.event, Actions: action}); err != nil {
						b.Fatal(err)
					}
				}
				reportCPUTime(b, start)
			})
		}
	}
}

// BenchmarkStopSpinningGuest measures how long a call of a guest spinning
// in a loop of about a second lasts when its context has a deadline of
// 10 ms. With close-on-context-done the call ends at the deadline. Without
// it the call runs to the end of the loop, also when another goroutine
// closes the module at the deadline ("timer-close"), because the compiled
// code has no check at which the close could take effect.
func BenchmarkStopSpinningGuest(b *testing.B) {
	const deadline = 10 * time.Millisecond
	const iterations = 3_000_000_000 // about a second without checks
	wasm := wasmtest.WAT(b, "testdata/bench/spin.wat")

	run := func(b *testing.B, rc wazero.RuntimeConfig, timerClose bool) {
		ctx := context.Background()
		rt := wazero.NewRuntimeWithConfig(ctx, rc)
		defer rt.Close(ctx)
		if err := instantiateHostModule(ctx, rt); err != nil {
			b.Fatal(err)
		}
		compiled, err := rt.CompileModule(ctx, wasm)
		if err != nil {
			b.Fatal(err)
		}

		for b.Loop() {
			mod, err := rt.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(""))
			if err != nil {
				b.Fatal(err)
			}
			callCtx, cancel := context.WithTimeout(ctx, deadline)
			var timer *time.Timer
			if timerClose {
				timer = time.AfterFunc(deadline, func() { mod.CloseWithExitCode(ctx, 1) })
			}
			mod.ExportedFunction("spin").Call(callCtx, iterations)
			cancel()
			if timer != nil {
				timer.Stop()
			}
			mod.Close(ctx)
		}
	}

	for _, c := range runtimeConfigs {
		b.Run(c.name, func(b *testing.B) { run(b, c.config(), false) })
	}
	b.Run("compiler-no-close-timer-close", func(b *testing.B) {
		run(b, wazero.NewRuntimeConfigCompiler().WithCloseOnContextDone(false), true)
	})
}
