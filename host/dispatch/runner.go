package dispatch

import (
	"context"
	"errors"
	"strconv"
	"sync"

	"github.com/bubblehost/bubblehost/host/queue"
)

// Run takes t's events off q and processes them until q is closed and
// drained, or ctx is done. Events with the same order key (their channel,
// else their guild) run one after another in queue order; others run in
// parallel, at most t.Concurrency at once. Run returns once every event it
// took has been processed.
//
// Events are taken off the queue only while fewer than 4×Concurrency are
// held (running or waiting behind their channel), so a busy tenant's queue
// fills up and intake answers 503 instead of the host buffering without
// bound.
func (t *Tenant) Run(ctx context.Context, q queue.Queue, processCtx context.Context) {
	r := &runner{
		tenant:  t,
		ctx:     processCtx,
		workers: make(chan struct{}, t.Concurrency),
		held:    make(chan struct{}, 4*t.Concurrency),
		lanes:   map[string]*lane{},
	}
	defer r.wg.Wait()

	var seq uint64
	for {
		select {
		case r.held <- struct{}{}:
		case <-ctx.Done():
			return
		}
		d, err := q.Next(ctx, t.ID)
		if err != nil {
			<-r.held
			if !errors.Is(err, queue.ErrClosed) && ctx.Err() == nil {
				t.Logger.Error("taking event off the queue failed", "err", err)
			}
			return
		}

		key := d.Event.OrderKey()
		if key == "" {
			seq++
			key = "#" + strconv.FormatUint(seq, 10)
		}
		r.mu.Lock()
		if l, ok := r.lanes[key]; ok {
			l.pending = append(l.pending, d)
			r.mu.Unlock()
			continue
		}
		l := &lane{}
		r.lanes[key] = l
		r.mu.Unlock()

		r.wg.Add(1)
		go r.drain(key, l, d)
	}
}

type runner struct {
	tenant  *Tenant
	ctx     context.Context
	workers chan struct{}
	held    chan struct{}
	wg      sync.WaitGroup

	mu    sync.Mutex
	lanes map[string]*lane
}

// lane holds the events waiting behind the one running for an order key.
type lane struct {
	pending []*queue.Delivery
}

// drain processes d and then each event queued behind it on the same key.
func (r *runner) drain(key string, l *lane, d *queue.Delivery) {
	defer r.wg.Done()
	for d != nil {
		r.workers <- struct{}{}
		r.tenant.Process(r.ctx, d.Event)
		<-r.workers
		d.Ack()
		<-r.held

		r.mu.Lock()
		if len(l.pending) > 0 {
			d = l.pending[0]
			l.pending = l.pending[1:]
		} else {
			delete(r.lanes, key)
			d = nil
		}
		r.mu.Unlock()
	}
}
