package runtime_test

import (
	"context"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/host/runtime"
)

// BenchmarkHandle measures one plugin call of the ping example: taking an
// instance from the pool, copying the event in, the guest decoding it and
// asking for a reply, and returning the instance.
func BenchmarkHandle(b *testing.B) {
	tests := []struct {
		name       string
		content    string
		lowerAfter time.Duration
	}{
		{"reply", "!ping", 0},
		{"no-action", "hello", 0},
		// The host's default: each call on a thread of its own, lowered
		// if it runs long (this one never does).
		{"reply-lowering-on", "!ping", 10 * time.Millisecond},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			e, err := runtime.NewEngine(context.Background(), runtime.EngineConfig{LowerPriorityAfter: tt.lowerAfter})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close(context.Background())
			p := loadBench(b, e, "../../examples/ping")
			ev := benchMessage(b, tt.content)
			action := func(ctx context.Context, req abi.ActionRequest) ([]byte, error) {
				return []byte(abi.QueuedResult), nil
			}

			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := p.Handle(context.Background(), runtime.Call{Event: ev, Actions: action}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHandleParallel measures calls from several goroutines sharing
// one plugin's pool of 4 instances.
func BenchmarkHandleParallel(b *testing.B) {
	e, err := runtime.NewEngine(context.Background(), runtime.EngineConfig{})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close(context.Background())
	p := loadBench(b, e, "../../examples/ping")
	ev := benchMessage(b, "!ping")
	action := func(ctx context.Context, req abi.ActionRequest) ([]byte, error) {
		return []byte(abi.QueuedResult), nil
	}

	b.ReportAllocs()
	b.ResetTimer() // loading compiled the module
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := p.Handle(context.Background(), runtime.Call{Event: ev, Actions: action}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
