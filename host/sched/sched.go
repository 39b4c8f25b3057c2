// Package sched shares the host's CPU among tenants' plugin calls.
//
// A guest running compiled WebAssembly cannot be preempted by the Go
// scheduler: until it returns, or its deadline interrupts it, it holds its
// thread and its P. Without a bound, one tenant's looping plugin could hold
// every P and stall the whole host, intake included, for a full deadline.
// So every plugin call takes one of a fixed number of slots, no tenant may
// hold all of them, and waiting tenants take freed slots in turn.
package sched

import (
	"context"
	"sync"
)

// Scheduler hands out guest slots. The zero value is not usable; use New.
type Scheduler struct {
	slots     int
	perTenant int

	mu      sync.Mutex
	used    int
	running map[string]int
	waiting map[string][]chan struct{} // FIFO per tenant
	turns   []string                   // tenants with waiters, in turn order
}

// New returns a scheduler with the given number of slots. Each tenant may
// hold at most slots-1 of them (1 when there is only one), so another
// tenant always finds a slot that no looping plugin of the first can take.
func New(slots int) *Scheduler {
	slots = max(slots, 1)
	return &Scheduler{
		slots:     slots,
		perTenant: max(slots-1, 1),
		running:   map[string]int{},
		waiting:   map[string][]chan struct{}{},
	}
}

// Slots returns the number of slots.
func (s *Scheduler) Slots() int { return s.slots }

// Acquire waits for a slot for tenant until ctx ends. The caller calls the
// returned release when its call ends; calling it again does nothing.
func (s *Scheduler) Acquire(ctx context.Context, tenant string) (release func(), err error) {
	s.mu.Lock()
	if len(s.turns) == 0 && s.canRun(tenant) {
		s.grantLocked(tenant)
		s.mu.Unlock()
		return s.releaser(tenant), nil
	}
	ch := make(chan struct{})
	if len(s.waiting[tenant]) == 0 {
		s.turns = append(s.turns, tenant)
	}
	s.waiting[tenant] = append(s.waiting[tenant], ch)
	s.dispatchLocked()
	s.mu.Unlock()

	select {
	case <-ch:
		return s.releaser(tenant), nil
	case <-ctx.Done():
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-ch:
		// Granted while giving up: hand the slot on.
		s.releaseLocked(tenant)
	default:
		s.removeWaiterLocked(tenant, ch)
	}
	return nil, ctx.Err()
}

func (s *Scheduler) releaser(tenant string) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.releaseLocked(tenant)
		})
	}
}

func (s *Scheduler) canRun(tenant string) bool {
	return s.used < s.slots && s.running[tenant] < s.perTenant
}

func (s *Scheduler) grantLocked(tenant string) {
	s.used++
	s.running[tenant]++
}

func (s *Scheduler) releaseLocked(tenant string) {
	s.used--
	if s.running[tenant]--; s.running[tenant] == 0 {
		delete(s.running, tenant)
	}
	s.dispatchLocked()
}

// dispatchLocked grants free slots to waiting tenants, one per tenant per
// round, skipping tenants at their cap.
func (s *Scheduler) dispatchLocked() {
	for s.used < s.slots {
		granted := false
		for i := 0; i < len(s.turns); i++ {
			tenant := s.turns[i]
			if !s.canRun(tenant) {
				continue
			}
			q := s.waiting[tenant]
			ch := q[0]
			q = q[1:]
			s.turns = append(s.turns[:i], s.turns[i+1:]...)
			if len(q) > 0 {
				s.waiting[tenant] = q
				s.turns = append(s.turns, tenant) // to the back of the line
			} else {
				delete(s.waiting, tenant)
			}
			s.grantLocked(tenant)
			close(ch)
			granted = true
			break
		}
		if !granted {
			return
		}
	}
}

func (s *Scheduler) removeWaiterLocked(tenant string, ch chan struct{}) {
	q := s.waiting[tenant]
	for i, c := range q {
		if c == ch {
			q = append(q[:i], q[i+1:]...)
			break
		}
	}
	if len(q) > 0 {
		s.waiting[tenant] = q
		return
	}
	delete(s.waiting, tenant)
	for i, t := range s.turns {
		if t == tenant {
			s.turns = append(s.turns[:i], s.turns[i+1:]...)
			break
		}
	}
}
