package sched

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// niceOfThisThread returns the nice value of the calling thread. The raw
// system call returns 20 minus the nice value.
func niceOfThisThread(t *testing.T) int {
	prio, err := unix.Getpriority(unix.PRIO_PROCESS, unix.Gettid())
	if err != nil {
		t.Fatal(err)
	}
	return 20 - prio
}

func TestRunGuestLowersALongCall(t *testing.T) {
	var during int
	lowered := RunGuest(5*time.Millisecond, func() {
		for end := time.Now().Add(100 * time.Millisecond); time.Now().Before(end); {
		}
		during = niceOfThisThread(t)
	})
	if !lowered || during != loweredBy {
		t.Fatalf("RunGuest: lowered %v, nice during the call %d; want true and %d", lowered, during, loweredBy)
	}

	// The lowered thread ended with the call, so no thread runs lowered now.
	var wg sync.WaitGroup
	for range 4 * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			if n := niceOfThisThread(t); n != 0 {
				t.Errorf("a thread after the lowered call runs at nice %d, want 0", n)
			}
			time.Sleep(time.Millisecond)
		})
	}
	wg.Wait()
}

func TestRunGuestLeavesAShortCallAlone(t *testing.T) {
	var during int
	lowered := RunGuest(time.Second, func() { during = niceOfThisThread(t) })
	if lowered || during != 0 {
		t.Fatalf("RunGuest: lowered %v, nice during the call %d; want false and 0", lowered, during)
	}
}

func TestRunGuestOffRunsOnTheCaller(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	caller := unix.Gettid()
	var tid int
	if RunGuest(0, func() { tid = unix.Gettid() }) || tid != caller {
		t.Fatalf("RunGuest(0) ran on thread %d, want the caller's %d", tid, caller)
	}
}

func TestRunGuestPassesOnAPanic(t *testing.T) {
	defer func() {
		if r := recover(); r != "guest bug" {
			t.Fatalf("recovered %v, want the call's own panic", r)
		}
	}()
	RunGuest(time.Second, func() { panic("guest bug") })
	t.Fatal("RunGuest returned after a panic")
}

func TestCheckLowerWorksHere(t *testing.T) {
	if err := CheckLower(); err != nil {
		t.Fatalf("CheckLower: %v", err)
	}
}
