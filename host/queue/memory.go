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
	tenants map[string]*lane
	done    chan struct{}
}

// lane is one tenant's FIFO. Its done channel is closed by CloseTenant.
type lane struct {
	events chan *event.Event
	closed bool
	done   chan struct{}
}

// NewMemory returns a queue holding at most size events per tenant.
func NewMemory(size int) *Memory {
	if size < 1 {
		size = 1
	}
	return &Memory{size: size, tenants: map[string]*lane{}, done: make(chan struct{})}
}

func (m *Memory) lane(tenant string) *lane {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.laneLocked(tenant)
}

func (m *Memory) laneLocked(tenant string) *lane {
	l, ok := m.tenants[tenant]
	if !ok {
		l = &lane{events: make(chan *event.Event, m.size), done: make(chan struct{})}
		m.tenants[tenant] = l
	}
	return l
}

// Publish implements Queue.
func (m *Memory) Publish(ctx context.Context, ev *event.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	l := m.laneLocked(ev.Tenant)
	if l.closed {
		// The tenant is back: give it a fresh lane.
		//
		// NOTE: a consumer of the tenant's previous incarnation that is still
		// draining takes events from the fresh lane too. A durable queue
		// with one consumer per incarnation would keep them apart.
		l = &lane{events: make(chan *event.Event, m.size), done: make(chan struct{})}
		m.tenants[ev.Tenant] = l
	}
	select {
	case l.events <- ev:
		return nil
	default:
		return ErrFull
	}
}

// Next implements Queue.
func (m *Memory) Next(ctx context.Context, tenant string) (*Delivery, error) {
	l := m.lane(tenant)

	// Stored events come first, even after Close.
	select {
	case ev := <-l.events:
		return NewDelivery(ev, nil), nil
	default:
	}
	select {
	case ev := <-l.events:
		return NewDelivery(ev, nil), nil
	case <-m.done:
		return m.drain(l)
	case <-l.done:
		return m.drain(l)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (m *Memory) drain(l *lane) (*Delivery, error) {
	select {
	case ev := <-l.events:
		return NewDelivery(ev, nil), nil
	default:
		return nil, ErrClosed
	}
}

// Len implements Queue.
func (m *Memory) Len(tenant string) int {
	return len(m.lane(tenant).events)
}

// CloseTenant implements Queue.
func (m *Memory) CloseTenant(tenant string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.laneLocked(tenant)
	if !l.closed {
		l.closed = true
		close(l.done)
	}
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
