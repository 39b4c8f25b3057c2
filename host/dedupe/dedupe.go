// Package dedupe drops repeated deliveries of one event. The platform
// retries an event up to three times within about 21 seconds, and a retry can
// arrive while the first attempt is still being answered.
package dedupe

import (
	"context"
	"sync"
	"time"
)

// Set remembers event keys for a window. A key is first claimed (pending),
// then committed once the event is safely queued, or released if queueing
// failed so that the platform's next retry can claim it again.
//
// NOTE: the set lives in one process. Hosts behind a load balancer need a
// shared store; the durable queue's own de-duplication window will do that.
type Set struct {
	window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	entries map[string]*entry
	order   []expiry // committed keys, oldest first
}

type entry struct {
	committed bool
	expires   time.Time
	settled   chan struct{} // closed on commit or release
}

type expiry struct {
	key     string
	expires time.Time
}

// New returns a set that remembers committed keys for window.
func New(window time.Duration) *Set {
	return &Set{window: window, now: time.Now, entries: map[string]*entry{}}
}

// Claim is the right to queue one event. Exactly one of Commit or Release
// must be called.
type Claim struct {
	set *Set
	key string
	e   *entry
}

// Claim returns a claim on key, or duplicate=true when the key was already
// committed within the window. When another request holds the claim, Claim
// waits for it to settle, so a concurrent repeat learns whether the first
// attempt was queued before it answers.
func (s *Set) Claim(ctx context.Context, key string) (c *Claim, duplicate bool, err error) {
	for {
		s.mu.Lock()
		s.expireLocked()
		e, ok := s.entries[key]
		if !ok {
			e = &entry{settled: make(chan struct{})}
			s.entries[key] = e
			s.mu.Unlock()
			return &Claim{set: s, key: key, e: e}, false, nil
		}
		if e.committed {
			s.mu.Unlock()
			return nil, true, nil
		}
		settled := e.settled
		s.mu.Unlock()

		select {
		case <-settled:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
}

// Commit records the key as seen for the set's window.
func (c *Claim) Commit() {
	s := c.set
	s.mu.Lock()
	defer s.mu.Unlock()

	c.e.committed = true
	c.e.expires = s.now().Add(s.window)
	s.order = append(s.order, expiry{key: c.key, expires: c.e.expires})
	close(c.e.settled)
}

// Release forgets the claim so that a later delivery of the key is new.
func (c *Claim) Release() {
	s := c.set
	s.mu.Lock()
	defer s.mu.Unlock()

	if s.entries[c.key] == c.e {
		delete(s.entries, c.key)
	}
	close(c.e.settled)
}

// Len returns how many keys the set holds, pending ones included.
func (s *Set) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked()
	return len(s.entries)
}

// expireLocked drops committed keys whose window has passed. Keys are
// committed in time order, so expired ones sit at the front of s.order.
func (s *Set) expireLocked() {
	now := s.now()
	n := 0
	for n < len(s.order) && !s.order[n].expires.After(now) {
		x := s.order[n]
		if e, ok := s.entries[x.key]; ok && e.committed && e.expires.Equal(x.expires) {
			delete(s.entries, x.key)
		}
		n++
	}
	// Reslicing drops the expired prefix without copying the live keys, so
	// a claim does not cost time in proportion to the keys in the window.
	// Append reallocates once the array is full, which reclaims the dropped
	// slots, and clearing them frees their keys now.
	clear(s.order[:n])
	s.order = s.order[n:]
}
