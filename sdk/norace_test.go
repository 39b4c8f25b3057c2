//go:build !race

package sdk

// raceEnabled is true under the race detector, which adds allocations of its
// own.
const raceEnabled = false
