package sched

import "golang.org/x/sys/unix"

const canLower = true

func threadID() int { return unix.Gettid() }

// lowerThread sets the nice value of one thread. On Linux, nice values
// belong to threads, so this leaves the rest of the process alone.
func lowerThread(tid int) error { return unix.Setpriority(unix.PRIO_PROCESS, tid, 19) }
