package sched

import (
	"runtime"
	"sync"
	"time"
)

// RunGuest runs fn, one plugin call, on an OS thread of its own. If fn is
// still running after the given time, the thread's CPU priority is lowered
// (on Linux, by 10 steps of nice from the thread's own). Intake, dispatch, action requests and other
// tenants' short calls then take the CPU first, and a long call gets
// mostly the CPU time left over. RunGuest reports whether the priority was
// lowered. A zero or negative after, or a system where
// priorities cannot be changed, runs fn on the caller's goroutine.
//
// An unprivileged process cannot raise a thread's priority again, so a
// lowered thread is not given back to the Go runtime: it ends with fn, and
// the runtime starts another when it needs one. A call that ends before the
// time costs one goroutine switch and no new thread.
func RunGuest(after time.Duration, fn func()) (lowered bool) {
	if after <= 0 || !canLower {
		fn()
		return false
	}
	type result struct {
		lowered bool
		panic   any
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		tid := threadID()

		const (
			running = iota
			lowering
			finished
		)
		var mu sync.Mutex
		state := running // guarded by mu
		timer := time.AfterFunc(after, func() {
			mu.Lock()
			defer mu.Unlock()
			// The thread is still fn's: fn ends only after taking mu.
			if state == running && lowerThread(tid) == nil {
				state = lowering
			}
		})

		var r result
		func() {
			defer func() { r.panic = recover() }()
			fn()
		}()
		timer.Stop()
		mu.Lock()
		r.lowered = state == lowering
		state = finished
		mu.Unlock()
		if !r.lowered {
			runtime.UnlockOSThread()
		}
		// Returning while still locked ends a lowered thread.
		done <- r
	}()
	r := <-done
	if r.panic != nil {
		panic(r.panic)
	}
	return r.lowered
}
