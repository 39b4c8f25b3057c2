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
	pausedAt time.Time // when the current pause began
	probing  bool      // a probe call is running
	manual   bool      // paused by an operator until resumed
}

// allow reports whether a call may run now.
func (b *breaker) allow(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.manual:
		return false
	case b.until.IsZero():
		return true
	case now.Before(b.until) || b.probing:
		return false
	}
	b.probing = true
	return true
}

// record counts the result of a call that started at started. It returns
// paused=true when this failure paused the plugin (for the returned
// duration), and resumed=true when this success ended a pause. A call that
// started before the current pause began was not its probe, so its result
// changes nothing.
func (b *breaker) record(ok bool, started, now time.Time) (paused bool, pause time.Duration, resumed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.until.IsZero() && started.Before(b.pausedAt) {
		return false, 0, false
	}
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
	b.pausedAt = now
	b.probing = false
	return true, b.backoff, false
}

// BreakerState is what the breaker of one plugin says about it.
type BreakerState struct {
	// Paused is true while calls are skipped.
	Paused bool
	// Until is when a paused plugin is tried again; zero when an operator
	// paused it, which lasts until Resume.
	Until time.Time
	// Failures counts failed calls in a row.
	Failures int
}

func (b *breaker) state(now time.Time) BreakerState {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.manual {
		return BreakerState{Paused: true, Failures: b.failures}
	}
	return BreakerState{Paused: !b.until.IsZero() && now.Before(b.until), Until: b.until, Failures: b.failures}
}

// PluginState returns the breaker state of one plugin.
func (t *Tenant) PluginState(plugin string) BreakerState {
	return t.breaker(plugin).state(time.Now())
}

// PausePlugin stops calls of a plugin until ResumePlugin, as an operator's
// decision rather than the breaker's.
func (t *Tenant) PausePlugin(plugin string) {
	b := t.breaker(plugin)
	b.mu.Lock()
	b.manual = true
	b.mu.Unlock()
}

// ResumePlugin lets calls of a plugin run again and forgets its failures.
func (t *Tenant) ResumePlugin(plugin string) {
	b := t.breaker(plugin)
	b.mu.Lock()
	b.manual = false
	b.failures, b.backoff, b.until, b.probing = 0, 0, time.Time{}, false
	b.mu.Unlock()
}
