// Package queue is where intake and processing meet. Intake publishes each
// accepted event; each tenant's dispatcher takes its own events in order.
//
// Memory is the queue used now. A durable queue (JetStream) will implement
// the same interface so that an event answered 200 survives a crash.
package queue

import (
	"context"
	"errors"

	"github.com/bubblehost/bubblehost/host/event"
)

var (
	// ErrFull means the tenant's queue has no room; intake answers 503 so
	// that the platform retries later.
	ErrFull = errors.New("queue full")
	// ErrClosed means the queue takes no more events, or has none left to
	// give after Close.
	ErrClosed = errors.New("queue closed")
)

// Queue stores accepted events until a dispatcher takes them.
type Queue interface {
	// Publish stores ev for ev.Tenant. It does not block: when the tenant's
	// queue is full it returns ErrFull.
	Publish(ctx context.Context, ev *event.Event) error

	// Next blocks until an event of tenant is available, ctx is done, or
	// the queue is closed and drained (ErrClosed).
	Next(ctx context.Context, tenant string) (*Delivery, error)

	// Len returns how many events of tenant are waiting.
	Len(tenant string) int

	// CloseTenant stops Publish for one tenant, as when the tenant is
	// removed from the configuration. Next still returns its stored events,
	// then ErrClosed. Publishing for the tenant again reopens it.
	CloseTenant(tenant string)

	// Close stops Publish. Next still returns the events already stored.
	Close() error
}

// Delivery is an event handed to a dispatcher. The dispatcher calls Ack once
// every plugin has run, so a durable queue can forget the event.
type Delivery struct {
	Event *event.Event
	ack   func()
}

// NewDelivery wraps ev with the function that acknowledges it. ack may be nil.
func NewDelivery(ev *event.Event, ack func()) *Delivery {
	return &Delivery{Event: ev, ack: ack}
}

// Ack marks the event as processed.
func (d *Delivery) Ack() {
	if d.ack != nil {
		d.ack()
	}
}
