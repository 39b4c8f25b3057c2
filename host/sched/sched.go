// Package sched shares the host's CPU among tenants' plugin calls.
//
// A guest running compiled WebAssembly cannot be preempted by the Go
// scheduler: until it returns, or its deadline interrupts it, it holds its
// thread and its P. Without a bound, one tenant's looping plugin could hold
// every P and stall the whole host, intake included, for a full deadline.
// So every plugin call takes one of a fixed number of slots, no tenant may
// hold all of them, and waiting tenants take freed slots in turn. Within a
// tenant with several plugins, no plugin may hold all of the tenant's
// share.
package sched

import (
	"context"
	"slices"
	"sync"
)

// Scheduler hands out guest slots. The zero value is not usable; use New.
type Scheduler struct {
	slots     int
	perTenant int

	mu      sync.Mutex
	used    int
	running map[string]int      // by tenant
	plugins map[pluginKey]int   // by tenant and plugin
	loaded  map[string]int      // plugins each tenant has, from SetPlugins
	waiting map[string][]waiter // FIFO per tenant
	turns   []string            // tenants with waiters, in turn order
}

type pluginKey struct{ tenant, plugin string }

type waiter struct {
	plugin string
	ch     chan struct{}
}

// New returns a scheduler with the given number of slots. Each tenant may
// hold at most slots-1 of them (1 when there is only one), so another
// tenant always finds a slot that no looping plugin of the first can take.
// Within a tenant that has several plugins (see SetPlugins), one plugin may
// hold all but one of the tenant's share, so one looping plugin does not
// keep the tenant's other plugins from running.
func New(slots int) *Scheduler {
	slots = max(slots, 1)
	return &Scheduler{
		slots:     slots,
		perTenant: max(slots-1, 1),
		running:   map[string]int{},
		plugins:   map[pluginKey]int{},
		loaded:    map[string]int{},
		waiting:   map[string][]waiter{},
	}
}

// SetPlugins records how many plugins tenant has. With more than one, no
// plugin of the tenant may hold all of the tenant's share of slots.
func (s *Scheduler) SetPlugins(tenant string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n > 0 {
		s.loaded[tenant] = n
	} else {
		delete(s.loaded, tenant)
	}
	s.dispatchLocked()
}

// Slots returns the number of slots.
func (s *Scheduler) Slots() int { return s.slots }

// Acquire waits for a slot for a call of plugin in tenant until ctx ends.
// The caller calls the returned release when its call ends; calling it
// again does nothing.
func (s *Scheduler) Acquire(ctx context.Context, tenant, plugin string) (release func(), err error) {
	s.mu.Lock()
	if len(s.turns) == 0 && s.canRun(tenant, plugin) {
		s.grantLocked(tenant, plugin)
		s.mu.Unlock()
		return s.releaser(tenant, plugin), nil
	}
	ch := make(chan struct{})
	if len(s.waiting[tenant]) == 0 {
		s.turns = append(s.turns, tenant)
	}
	s.waiting[tenant] = append(s.waiting[tenant], waiter{plugin: plugin, ch: ch})
	s.dispatchLocked()
	s.mu.Unlock()

	select {
	case <-ch:
		return s.releaser(tenant, plugin), nil
	case <-ctx.Done():
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-ch:
		// Granted while giving up: hand the slot on.
		s.releaseLocked(tenant, plugin)
	default:
		s.removeWaiterLocked(tenant, ch)
	}
	return nil, ctx.Err()
}

func (s *Scheduler) releaser(tenant, plugin string) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.releaseLocked(tenant, plugin)
		})
	}
}

// canRun reports whether a call of plugin in tenant may take a free slot
// now.
func (s *Scheduler) canRun(tenant, plugin string) bool {
	if s.used >= s.slots || s.running[tenant] >= s.perTenant {
		return false
	}
	// Leave the tenant's other plugins a slot.
	return s.loaded[tenant] <= 1 || s.perTenant <= 1 || s.plugins[pluginKey{tenant, plugin}] < s.perTenant-1
}

func (s *Scheduler) grantLocked(tenant, plugin string) {
	s.used++
	s.running[tenant]++
	s.plugins[pluginKey{tenant, plugin}]++
}

func (s *Scheduler) releaseLocked(tenant, plugin string) {
	s.used--
	if s.running[tenant]--; s.running[tenant] == 0 {
		delete(s.running, tenant)
	}
	key := pluginKey{tenant, plugin}
	if s.plugins[key]--; s.plugins[key] == 0 {
		delete(s.plugins, key)
	}
	s.dispatchLocked()
}

// dispatchLocked grants free slots to waiting tenants, one per tenant per
// round, skipping tenants at their cap. Within a tenant, the first waiter
// whose plugin may run takes the slot.
func (s *Scheduler) dispatchLocked() {
	for s.used < s.slots {
		granted := false
		for i := 0; i < len(s.turns); i++ {
			tenant := s.turns[i]
			q := s.waiting[tenant]
			j := slices.IndexFunc(q, func(w waiter) bool { return s.canRun(tenant, w.plugin) })
			if j < 0 {
				continue
			}
			w := q[j]
			q = slices.Delete(q, j, j+1)
			s.turns = slices.Delete(s.turns, i, i+1)
			if len(q) > 0 {
				s.waiting[tenant] = q
				s.turns = append(s.turns, tenant) // to the back of the line
			} else {
				delete(s.waiting, tenant)
			}
			s.grantLocked(tenant, w.plugin)
			close(w.ch)
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
	if i := slices.IndexFunc(q, func(w waiter) bool { return w.ch == ch }); i >= 0 {
		q = slices.Delete(q, i, i+1)
	}
	if len(q) > 0 {
		s.waiting[tenant] = q
		return
	}
	delete(s.waiting, tenant)
	if i := slices.Index(s.turns, tenant); i >= 0 {
		s.turns = slices.Delete(s.turns, i, i+1)
	}
}
