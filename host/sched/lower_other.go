//go:build !linux

package sched

import "errors"

// TODO: other systems run long calls at full priority. Where nice values
// belong to the whole process, a lowered call would slow the host down
// too; macOS could use a thread QoS class instead.
const canLower = false

func threadID() int { return 0 }

func lowerThread(int) error { return nil }

// CheckLower reports that priorities cannot be lowered here.
func CheckLower() error { return errors.New("lowering a thread's priority is supported on Linux only") }
