package dispatch

import (
	"sync"
	"time"
)

// Circuit breaker defaults: a plugin whose calls fail this many times in a
// row is paused, first for breakerBase, doubling on each failed retry up to
// breakerMax.
const (
	breakerThreshold = 5
	breakerBase      = 10 * time.Second
	breakerMax       = 5 * time.Minute
)

// breaker pauses a plugin that keeps failing, so a broken module does not
// burn its deadline on every event. After the pause one call is let through
// as a probe: success closes the breaker, failure pauses it again for twice
// as long.
type breaker struct {
	mu       sync.Mutex
	failures int
	backoff  time.Duration
	until    time.Time // paused until then
	probing  bool      // a probe call is running
}

// allow reports whether a call may run now.
func (b *breaker) allow(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.until.IsZero():
		return true
	case now.Before(b.until) || b.probing:
		return false
	}
	b.probing = true
	return true
}

// record counts a call's result. It returns paused=true when this failure
// paused the plugin (for the returned duration), and resumed=true when this
// success ended a pause.
func (b *breaker) record(ok bool, now time.Time) (paused bool, pause time.Duration, resumed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ok {
		resumed = !b.until.IsZero()
		b.failures, b.backoff, b.until, b.probing = 0, 0, time.Time{}, false
		return false, 0, resumed
	}
	b.failures++
	if !b.probing && b.failures < breakerThreshold {
		return false, 0, false
	}
	b.backoff = min(max(breakerBase, b.backoff*2), breakerMax)
	b.until = now.Add(b.backoff)
	b.probing = false
	return true, b.backoff, false
}
