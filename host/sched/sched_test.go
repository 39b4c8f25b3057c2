package sched_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host/sched"
)

// mustAcquire acquires a slot for plugin "p" of tenant.
func mustAcquire(t *testing.T, s *sched.Scheduler, tenant string) func() {
	t.Helper()
	return mustAcquirePlugin(t, s, tenant, "p")
}

// acquireSoon reports whether Acquire for plugin "p" of tenant succeeds
// within a short wait.
func acquireSoon(s *sched.Scheduler, tenant string) (func(), bool) {
	return acquireSoonPlugin(s, tenant, "p")
}

func TestTenantCannotTakeEverySlot(t *testing.T) {
	s := sched.New(3)
	mustAcquire(t, s, "a")
	mustAcquire(t, s, "a")
	if _, ok := acquireSoon(s, "a"); ok {
		t.Fatalf("tenant a got a third slot of three")
	}
	release, ok := acquireSoon(s, "b")
	if !ok {
		t.Fatalf("tenant b found no slot while a holds two of three")
	}
	release()
}

func TestSingleSlotIsShared(t *testing.T) {
	s := sched.New(1)
	release := mustAcquire(t, s, "a")
	if _, ok := acquireSoon(s, "b"); ok {
		t.Fatalf("b got the only slot while a holds it")
	}
	release()
	if release, ok := acquireSoon(s, "b"); !ok {
		t.Fatalf("b got no slot after a released it")
	} else {
		release()
	}
}

func TestWaitingTenantsTakeTurns(t *testing.T) {
	s := sched.New(2) // one slot per tenant
	ra := mustAcquire(t, s, "a")
	rb := mustAcquire(t, s, "b")

	// a queues two more calls, then c one.
	order := make(chan string, 3)
	wait := func(tenant string) {
		release, err := s.Acquire(context.Background(), tenant, "p")
		if err != nil {
			t.Error(err)
			return
		}
		order <- tenant
		release()
	}
	for _, tenant := range []string{"a", "a", "c"} {
		go wait(tenant)
		time.Sleep(10 * time.Millisecond) // queue them in this order
	}

	// b's slot frees while a is at its cap: c runs first, though a queued
	// earlier.
	rb()
	if first := <-order; first != "c" {
		t.Errorf("first grant went to %s, want c", first)
	}
	ra()
	for range 2 {
		if next := <-order; next != "a" {
			t.Errorf("later grant went to %s, want a", next)
		}
	}
}

func TestAcquireGivesUpWithContext(t *testing.T) {
	s := sched.New(1)
	release := mustAcquire(t, s, "a")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.Acquire(ctx, "b", "p"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire with an expired context: %v, want DeadlineExceeded", err)
	}
	release()
	// The abandoned wait must not hold the slot.
	if r, ok := acquireSoon(s, "c"); !ok {
		t.Fatalf("slot lost to an abandoned waiter")
	} else {
		r()
	}
}

func TestPluginLeavesItsTenantASlot(t *testing.T) {
	s := sched.New(3) // two slots a tenant
	s.SetPlugins("a", 2)
	if _, ok := acquireSoonPlugin(s, "a", "loop"); !ok {
		t.Fatal("the looping plugin found no slot")
	}
	if _, ok := acquireSoonPlugin(s, "a", "loop"); ok {
		t.Fatal("one plugin got all of its tenant's slots while the tenant has another")
	}
	if _, ok := acquireSoonPlugin(s, "a", "other"); !ok {
		t.Fatal("the tenant's other plugin found no slot")
	}
}

func TestOnlyPluginTakesTheWholeShare(t *testing.T) {
	s := sched.New(3)
	s.SetPlugins("a", 1)
	mustAcquire(t, s, "a")
	if _, ok := acquireSoon(s, "a"); !ok {
		t.Fatal("a tenant's only plugin did not get the tenant's second slot")
	}
}

func TestWaitingPluginSkipsACappedOne(t *testing.T) {
	s := sched.New(4) // three slots a tenant
	s.SetPlugins("a", 2)
	ctx := context.Background()
	mustAcquirePlugin(t, s, "a", "loop")
	mustAcquirePlugin(t, s, "a", "loop") // its cap
	otherFirst := mustAcquirePlugin(t, s, "a", "other")

	// The looping plugin waits first in line, and another plugin behind it.
	loopGot := make(chan struct{})
	go func() {
		if _, err := s.Acquire(ctx, "a", "loop"); err == nil {
			close(loopGot)
		}
	}()
	time.Sleep(20 * time.Millisecond)
	otherGot := make(chan struct{})
	go func() {
		if _, err := s.Acquire(ctx, "a", "other"); err == nil {
			close(otherGot)
		}
	}()
	time.Sleep(20 * time.Millisecond)

	otherFirst()
	select {
	case <-otherGot:
	case <-time.After(time.Second):
		t.Fatal("the freed slot did not go to the other plugin")
	}
	select {
	case <-loopGot:
		t.Fatal("the looping plugin got a slot over its cap")
	case <-time.After(50 * time.Millisecond):
	}
}

func mustAcquirePlugin(t *testing.T, s *sched.Scheduler, tenant, plugin string) func() {
	t.Helper()
	release, err := s.Acquire(context.Background(), tenant, plugin)
	if err != nil {
		t.Fatalf("Acquire(%s, %s): %v", tenant, plugin, err)
	}
	return release
}

// acquireSoonPlugin reports whether Acquire succeeds within a short wait.
func acquireSoonPlugin(s *sched.Scheduler, tenant, plugin string) (func(), bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	release, err := s.Acquire(ctx, tenant, plugin)
	return release, err == nil
}
