package sdk

import (
	"testing"

	"github.com/bubblehost/bubblehost/abi"
)

// benchmarkHandle delivers messageCreateEvent to the handlers that register
// adds, b.N times.
func benchmarkHandle(b *testing.B, register func()) {
	host := &eventHost{event: messageCreateEvent}
	attachHost(b, host)
	Plugin("bench", "0")
	register()

	b.ReportAllocs()
	for b.Loop() {
		if status, err := handle(int32(len(host.event))); status != abi.StatusOK {
			b.Fatalf("handle: status %d: %v", status, err)
		}
	}
}

func BenchmarkHandleRaw(b *testing.B) {
	benchmarkHandle(b, func() {
		On(EventMessageCreate, func(*Context, *Event) error { return nil })
	})
}

func BenchmarkHandleTyped(b *testing.B) {
	benchmarkHandle(b, func() {
		OnMessageCreate(func(*Context, *MessageCreate) error { return nil })
	})
}

func BenchmarkHandleTypedReply(b *testing.B) {
	benchmarkHandle(b, func() {
		OnMessageCreate(func(c *Context, m *MessageCreate) error {
			return c.Reply("pong")
		})
	})
}

func BenchmarkHandleLog(b *testing.B) {
	benchmarkHandle(b, func() {
		On(EventMessageCreate, func(c *Context, e *Event) error {
			c.Info("handled", "event", e.Type, "size", len(e.Data))
			return nil
		})
	})
}
