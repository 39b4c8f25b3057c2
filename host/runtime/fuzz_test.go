package runtime_test

import (
	"context"
	"encoding/binary"
	"path/filepath"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/host/runtime"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// FuzzHostCall passes one host function the pointer, length and log level
// the fuzzer chooses, through the hostcall fixture. Whatever they are, the
// call must succeed or fail as a trap, and the plugin must work afterwards.
func FuzzHostCall(f *testing.F) {
	e, err := runtime.NewEngine(context.Background(), runtime.EngineConfig{CacheDir: wasmtest.CacheDir(f)})
	if err != nil {
		f.Fatal(err)
	}
	defer e.Close(context.Background())
	p, err := e.Load(context.Background(), wasmtest.WAT(f, "testdata/hostile/hostcall.wat"), runtime.LoadOptions{
		Limits: runtime.Limits{Instances: 1, Deadline: 2 * time.Second},
	})
	if err != nil {
		f.Fatal(err)
	}
	defer p.Close(context.Background())
	action := func(ctx context.Context, req abi.ActionRequest) ([]byte, error) {
		return []byte(abi.QueuedResult), nil
	}

	f.Add(callLog, uint32(0), uint32(10), int32(abi.LevelInfo))
	f.Add(callLog, uint32(0x7fff_fff0), uint32(64), int32(abi.LevelError))
	f.Add(callEventRead, uint32(1024), uint32(16), int32(0))
	f.Add(callEventRead, uint32(0), uint32(0xffff_ffff), int32(0))
	f.Add(callConfigRead, uint32(65535), uint32(2), int32(0))
	f.Add(callAction, uint32(0), uint32(47), int32(0))
	f.Add(callAction, uint32(0xffff_fff0), uint32(0x20), int32(0))
	f.Add(callResultRead, uint32(0xffff_ffff), uint32(0), int32(0))
	f.Add(callDescribe, uint32(0), uint32(47), int32(0))
	f.Fuzz(func(t *testing.T, fn byte, ptr, length uint32, level int32) {
		ev := hostCallEvent(fn%8, ptr, length, level)
		err := p.Handle(context.Background(), runtime.Call{Event: ev, Actions: action})
		switch outcome := runtime.OutcomeOf(err); outcome {
		case runtime.OutcomeOK, runtime.OutcomeTrap:
		default:
			t.Fatalf("outcome = %s (err %v), want ok or trap", outcome, err)
		}

		if err := p.Handle(context.Background(), runtime.Call{Event: []byte{}}); err != nil {
			t.Fatalf("next call: %v", err)
		}
	})
}

// FuzzLoad loads whatever bytes the fuzzer makes and, when they load, calls
// the plugin once. Neither may panic or hang, so Load must return a plugin
// or an error within the compile and init timeouts, and the call must end
// within its deadline. The seeds are the hostile fixtures and the
// generated modules of the load tests.
func FuzzLoad(f *testing.F) {
	e, err := runtime.NewEngine(context.Background(), runtime.EngineConfig{})
	if err != nil {
		f.Fatal(err)
	}
	defer e.Close(context.Background())

	fixtures, err := filepath.Glob("testdata/hostile/*.wat")
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range fixtures {
		f.Add(wasmtest.WAT(f, path))
	}
	f.Add(localsBomb(4_000_000_000))
	f.Add(nestedLoops(2, 100))
	f.Add(dataModule(100))
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))

	limits := runtime.Limits{
		Deadline:       100 * time.Millisecond,
		InitTimeout:    100 * time.Millisecond,
		CompileTimeout: 2 * time.Second,
		Instances:      1,
	}
	f.Fuzz(func(t *testing.T, wasm []byte) {
		// The bounds catch hangs, not slowness: on a busy machine under the
		// race detector, a guest recursing until wazero's stack limit
		// spends seconds growing its stack, which no deadline interrupts.
		const slack = 30 * time.Second
		start := time.Now()
		p, err := e.Load(context.Background(), wasm, runtime.LoadOptions{Limits: limits})
		if bound := limits.CompileTimeout + limits.InitTimeout + slack; time.Since(start) > bound {
			t.Errorf("Load took %v, want at most %v", time.Since(start), bound)
		}
		if err != nil {
			return
		}
		defer p.Close(context.Background())

		start = time.Now()
		p.Handle(context.Background(), runtime.Call{Event: binary.LittleEndian.AppendUint32(nil, 7)})
		if bound := limits.Deadline + slack; time.Since(start) > bound {
			t.Errorf("Handle took %v, want at most %v", time.Since(start), bound)
		}
	})
}
