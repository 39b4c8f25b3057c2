package queue

import (
	"context"
	"sync"

	"github.com/bubblehost/bubblehost/host/event"
)

// Memory is a bounded in-process queue with one FIFO per tenant. Events in it
// are lost if the process dies.
//
// TODO: events answered 200 must survive a crash; a JetStream-backed Queue
// (embedded server by default) replaces Memory for that.
type Memory struct {
	size int

	mu      sync.Mutex
	closed  bool
	tenants map[string]chan *event.Event
	done    chan struct{}
}

// NewMemory returns a queue holding at most size events per tenant.
func NewMemory(size int) *Memory {
	if size < 1 {
		size = 1
	}
	return &Memory{size: size, tenants: map[string]chan *event.Event{}, done: make(chan struct{})}
}

func (m *Memory) lane(tenant string) chan *event.Event {
	m.mu.Lock()
	defer m.mu.Unlock()

	ch, ok := m.tenants[tenant]
	if !ok {
		ch = make(chan *event.Event, m.size)
		m.tenants[tenant] = ch
	}
	return ch
}

// Publish implements Queue.
func (m *Memory) Publish(ctx context.Context, ev *event.Event) error {
	ch := m.lane(ev.Tenant)

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	select {
	case ch <- ev:
		return nil
	default:
		return ErrFull
	}
}

// Next implements Queue.
func (m *Memory) Next(ctx context.Context, tenant string) (*Delivery, error) {
	ch := m.lane(tenant)

	// Stored events come first, even after Close.
	select {
	case ev := <-ch:
		return NewDelivery(ev, nil), nil
	default:
	}
	select {
	case ev := <-ch:
		return NewDelivery(ev, nil), nil
	case <-m.done:
		select {
		case ev := <-ch:
			return NewDelivery(ev, nil), nil
		default:
			return nil, ErrClosed
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Len implements Queue.
func (m *Memory) Len(tenant string) int {
	return len(m.lane(tenant))
}

// Close implements Queue.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.closed {
		m.closed = true
		close(m.done)
	}
	return nil
}
