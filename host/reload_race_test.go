//go:build race

package host_test

// raceEnabled reports whether the race detector is on. It slows compiling
// a Go plugin enough that the soak test keeps its modules compiled.
const raceEnabled = true
