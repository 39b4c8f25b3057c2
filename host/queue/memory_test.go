package queue_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/bubblehost/bubblehost/host/event"
	"github.com/bubblehost/bubblehost/host/queue"
)

// newEvent returns an event of tenant whose Key names it in failure messages.
func newEvent(tenant, key string) *event.Event {
	return &event.Event{Tenant: tenant, Type: "MESSAGE_CREATE", Key: key}
}

// publish publishes ev and fails the test on an error.
func publish(t *testing.T, q queue.Queue, ev *event.Event) {
	t.Helper()
	if err := q.Publish(t.Context(), ev); err != nil {
		t.Fatalf("Publish(%s/%s): have error %v, want nil", ev.Tenant, ev.Key, err)
	}
}

// next takes the next event of tenant and fails the test on an error.
func next(t *testing.T, q queue.Queue, tenant string) *event.Event {
	t.Helper()
	d, err := q.Next(t.Context(), tenant)
	if err != nil {
		t.Fatalf("Next(%s): have error %v, want an event", tenant, err)
	}
	return d.Event
}

func TestMemoryFIFOPerTenant(t *testing.T) {
	q := queue.NewMemory(8)
	for _, key := range []string{"first", "second", "third"} {
		publish(t, q, newEvent("a", key))
	}
	if have := q.Len("a"); have != 3 {
		t.Errorf("Len(a) after 3 publishes: have %d, want 3", have)
	}

	for _, want := range []string{"first", "second", "third"} {
		if have := next(t, q, "a").Key; have != want {
			t.Errorf("Next(a): have %q, want %q", have, want)
		}
	}
	if have := q.Len("a"); have != 0 {
		t.Errorf("Len(a) after taking every event: have %d, want 0", have)
	}
}

func TestMemoryFullAtSize(t *testing.T) {
	q := queue.NewMemory(2)
	publish(t, q, newEvent("a", "1"))
	publish(t, q, newEvent("a", "2"))

	err := q.Publish(t.Context(), newEvent("a", "3"))
	if !errors.Is(err, queue.ErrFull) {
		t.Fatalf("Publish beyond size 2: have error %v, want %v", err, queue.ErrFull)
	}
	if have := q.Len("a"); have != 2 {
		t.Errorf("Len(a) after a rejected publish: have %d, want 2", have)
	}

	// Taking one event makes room for one more.
	if have := next(t, q, "a").Key; have != "1" {
		t.Errorf("Next(a): have %q, want %q", have, "1")
	}
	publish(t, q, newEvent("a", "3"))
}

func TestMemorySizeBelowOneHoldsOne(t *testing.T) {
	for _, size := range []int{0, -5} {
		q := queue.NewMemory(size)
		publish(t, q, newEvent("a", "1"))
		if err := q.Publish(t.Context(), newEvent("a", "2")); !errors.Is(err, queue.ErrFull) {
			t.Errorf("NewMemory(%d), second publish: have error %v, want %v", size, err, queue.ErrFull)
		}
	}
}

func TestMemoryTenantsIndependent(t *testing.T) {
	q := queue.NewMemory(1)
	publish(t, q, newEvent("a", "a1"))

	// Tenant a is full, but tenant b has its own room.
	if err := q.Publish(t.Context(), newEvent("a", "a2")); !errors.Is(err, queue.ErrFull) {
		t.Fatalf("Publish to full tenant a: have error %v, want %v", err, queue.ErrFull)
	}
	publish(t, q, newEvent("b", "b1"))

	if have := next(t, q, "b").Key; have != "b1" {
		t.Errorf("Next(b): have %q, want %q", have, "b1")
	}
	if have := q.Len("a"); have != 1 {
		t.Errorf("Len(a) after Next(b): have %d, want 1", have)
	}
	if have := q.Len("c"); have != 0 {
		t.Errorf("Len of a tenant that never published: have %d, want 0", have)
	}
}

func TestMemoryCloseRejectsPublish(t *testing.T) {
	q := queue.NewMemory(4)
	if err := q.Close(); err != nil {
		t.Fatalf("Close: have error %v, want nil", err)
	}
	if err := q.Publish(t.Context(), newEvent("a", "1")); !errors.Is(err, queue.ErrClosed) {
		t.Errorf("Publish after Close: have error %v, want %v", err, queue.ErrClosed)
	}
	if err := q.Close(); err != nil {
		t.Errorf("second Close: have error %v, want nil", err)
	}
}

func TestMemoryCloseDrainsStoredEvents(t *testing.T) {
	q := queue.NewMemory(4)
	publish(t, q, newEvent("a", "1"))
	publish(t, q, newEvent("a", "2"))
	q.Close()

	for _, want := range []string{"1", "2"} {
		if have := next(t, q, "a").Key; have != want {
			t.Errorf("Next(a) after Close: have %q, want %q", have, want)
		}
	}
	if _, err := q.Next(t.Context(), "a"); !errors.Is(err, queue.ErrClosed) {
		t.Errorf("Next(a) on a closed, drained queue: have error %v, want %v", err, queue.ErrClosed)
	}
}

func TestMemoryNextCanceledContext(t *testing.T) {
	q := queue.NewMemory(4)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	if _, err := q.Next(ctx, "a"); !errors.Is(err, context.Canceled) {
		t.Errorf("Next on an empty queue with a canceled context: have error %v, want %v", err, context.Canceled)
	}

	// A stored event is still handed out, whatever the context.
	publish(t, q, newEvent("a", "1"))
	d, err := q.Next(ctx, "a")
	if err != nil {
		t.Fatalf("Next with a stored event and a canceled context: have error %v, want the event", err)
	}
	if d.Event.Key != "1" {
		t.Errorf("Next: have %q, want %q", d.Event.Key, "1")
	}
}

// result is what a Next call running in another goroutine returned.
type result struct {
	delivery *queue.Delivery
	err      error
}

// nextAsync calls Next in a new goroutine and sends its result on the
// returned channel.
func nextAsync(ctx context.Context, q queue.Queue, tenant string) <-chan result {
	out := make(chan result, 1)
	go func() {
		d, err := q.Next(ctx, tenant)
		out <- result{d, err}
	}()
	return out
}

func TestMemoryNextBlocksUntil(t *testing.T) {
	tests := []struct {
		name    string
		wake    func(q *queue.Memory, cancel context.CancelFunc)
		wantKey string
		wantErr error
	}{
		{
			name:    "publish",
			wake:    func(q *queue.Memory, _ context.CancelFunc) { q.Publish(context.Background(), newEvent("a", "late")) },
			wantKey: "late",
		},
		{
			name:    "cancel",
			wake:    func(_ *queue.Memory, cancel context.CancelFunc) { cancel() },
			wantErr: context.Canceled,
		},
		{
			name:    "close",
			wake:    func(q *queue.Memory, _ context.CancelFunc) { q.Close() },
			wantErr: queue.ErrClosed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				q := queue.NewMemory(4)
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				done := nextAsync(ctx, q, "a")

				// Wait until Next is blocked, then check it has not returned.
				synctest.Wait()
				select {
				case r := <-done:
					t.Fatalf("Next on an empty queue returned before %s: %+v", tt.name, r)
				default:
				}

				tt.wake(q, cancel)
				r := <-done
				if !errors.Is(r.err, tt.wantErr) {
					t.Fatalf("Next after %s: have error %v, want %v", tt.name, r.err, tt.wantErr)
				}
				if tt.wantErr == nil && r.delivery.Event.Key != tt.wantKey {
					t.Errorf("Next after %s: have %q, want %q", tt.name, r.delivery.Event.Key, tt.wantKey)
				}
			})
		})
	}
}

func TestMemoryConcurrentPublishers(t *testing.T) {
	const publishers, perPublisher = 8, 50
	q := queue.NewMemory(publishers * perPublisher)

	var wg sync.WaitGroup
	for p := range publishers {
		wg.Go(func() {
			for i := range perPublisher {
				key := strconv.Itoa(p) + "/" + strconv.Itoa(i)
				if err := q.Publish(context.Background(), newEvent("a", key)); err != nil {
					t.Errorf("Publish(%s): have error %v, want nil", key, err)
				}
			}
		})
	}

	// Each publisher's events come out in its own order, and none twice.
	lastIndex := make([]int, publishers)
	for i := range lastIndex {
		lastIndex[i] = -1
	}
	for range publishers * perPublisher {
		key := next(t, q, "a").Key
		p, i := splitKey(t, key)
		if i <= lastIndex[p] {
			t.Errorf("publisher %d: event %d came after event %d", p, i, lastIndex[p])
		}
		lastIndex[p] = i
	}
	wg.Wait()

	if have := q.Len("a"); have != 0 {
		t.Errorf("Len(a) after taking every event: have %d, want 0", have)
	}
}

// splitKey reads the publisher and index from a key "p/i".
func splitKey(t *testing.T, key string) (publisher, index int) {
	t.Helper()
	p, i, _ := strings.Cut(key, "/")
	publisher, errPublisher := strconv.Atoi(p)
	index, errIndex := strconv.Atoi(i)
	if err := errors.Join(errPublisher, errIndex); err != nil {
		t.Fatalf("key %q is not publisher/index: %v", key, err)
	}
	return publisher, index
}

func TestDeliveryAck(t *testing.T) {
	acks := 0
	d := queue.NewDelivery(newEvent("a", "1"), func() { acks++ })
	d.Ack()
	if acks != 1 {
		t.Errorf("ack calls after Ack: have %d, want 1", acks)
	}

	// A delivery without an ack function accepts Ack.
	queue.NewDelivery(newEvent("a", "2"), nil).Ack()
}
