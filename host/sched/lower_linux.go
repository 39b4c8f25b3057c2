package sched

import "golang.org/x/sys/unix"

const canLower = true

func threadID() int { return unix.Gettid() }

// loweredNice is the nice value of a lowered thread. Against a thread at
// nice 0 it gets about a tenth of a CPU (a weight of 110 to 1024). At 19
// it got so little next to other busy processes that its calls timed out,
// and the garbage collector, which waits for every running guest, stopped
// the whole host for up to 124 ms. At 5 it slowed other tenants' replies
// too much when idle CPUs were scarce (host/runtime/RATIONALE.md).
const loweredNice = 10

// lowerThread sets the nice value of one thread. On Linux, nice values
// belong to threads, so this leaves the rest of the process alone.
func lowerThread(tid int) error { return unix.Setpriority(unix.PRIO_PROCESS, tid, loweredNice) }
