package sched

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

const canLower = true

func threadID() int { return unix.Gettid() }

// loweredBy is how many steps of nice a lowered thread goes down from its
// own, up to 19. From nice 0, at nice 10, it gets about a tenth of a CPU
// against a thread at nice 0 (a weight of 110 to 1024). Lowering to 19
// starved calls behind other busy processes until they timed out, and
// the garbage collector, which waits for every running guest, then
// stopped the whole host for up to 124 ms. Lowering to 5 slowed other
// tenants' replies too much when idle CPUs were scarce
// (host/runtime/RATIONALE.md).
const loweredBy = 10

// lowerThread lowers the priority of one thread, relative to its own, so
// that a host started with a nice value keeps lowered calls below it. On
// Linux, nice values belong to threads, so this leaves the rest of the
// process alone. The raw system call reads 20 minus the nice value.
func lowerThread(tid int) error {
	prio, err := unix.Getpriority(unix.PRIO_PROCESS, tid)
	if err != nil {
		return err
	}
	nice := 20 - prio
	if nice >= 19 {
		return fmt.Errorf("thread already at nice %d", nice)
	}
	return unix.Setpriority(unix.PRIO_PROCESS, tid, min(nice+loweredBy, 19))
}

// CheckLower lowers a thread of its own and reports whether that worked,
// so that a host can warn at start when its calls cannot be lowered.
func CheckLower() error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// The goroutine ends locked, so the lowered thread ends with it.
		done <- lowerThread(threadID())
	}()
	return <-done
}
