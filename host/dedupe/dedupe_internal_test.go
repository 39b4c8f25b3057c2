package dedupe

import (
	"context"
	"testing"
	"time"
)

// fakeClock is a settable clock for Set.now.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time                       { return c.t }
func (c *fakeClock) advance(d time.Duration)              { c.t = c.t.Add(d) }
func (c *fakeClock) set(start time.Time, d time.Duration) { c.t = start.Add(d) }

// newTestSet returns a set with the given window whose clock the test moves.
func newTestSet(window time.Duration) (*Set, *fakeClock) {
	clock := &fakeClock{t: time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC)}
	s := New(window)
	s.now = clock.now
	return s, clock
}

// isDuplicate claims key and commits a granted claim, so the key is
// remembered either way. It reports whether the key was a duplicate.
func isDuplicate(t *testing.T, s *Set, key string) bool {
	t.Helper()
	c, duplicate, err := s.Claim(context.Background(), key)
	if err != nil {
		t.Fatalf("Claim(%q): have error %v, want nil", key, err)
	}
	if !duplicate {
		c.Commit()
	}
	return duplicate
}

func TestExpiryAtWindowEnd(t *testing.T) {
	const window = time.Minute
	tests := []struct {
		name          string
		after         time.Duration
		wantDuplicate bool
	}{
		{name: "just committed", after: 0, wantDuplicate: true},
		{name: "1ns before the window ends", after: window - time.Nanosecond, wantDuplicate: true},
		{name: "when the window ends", after: window, wantDuplicate: false},
		{name: "long after the window", after: 10 * window, wantDuplicate: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, clock := newTestSet(window)
			start := clock.t
			if isDuplicate(t, s, "k") {
				t.Fatal("first Claim of k: have duplicate, want a claim")
			}

			clock.set(start, tt.after)
			if have := isDuplicate(t, s, "k"); have != tt.wantDuplicate {
				t.Errorf("Claim %v after Commit: have duplicate=%v, want %v", tt.after, have, tt.wantDuplicate)
			}
		})
	}
}

func TestLenShrinksAfterExpiry(t *testing.T) {
	const window = time.Minute
	s, clock := newTestSet(window)

	isDuplicate(t, s, "a")
	clock.advance(window / 2)
	isDuplicate(t, s, "b")
	pending, _, err := s.Claim(context.Background(), "c")
	if err != nil || pending == nil {
		t.Fatalf("Claim(c): have claim=%v err=%v, want a claim", pending != nil, err)
	}
	if have := s.Len(); have != 3 {
		t.Fatalf("Len with a, b committed and c pending: have %d, want 3", have)
	}

	// a's window ends, but b and the pending c stay.
	clock.advance(window / 2)
	if have := s.Len(); have != 2 {
		t.Errorf("Len after a's window: have %d, want 2", have)
	}

	// A pending key never expires, however long its holder takes.
	clock.advance(window)
	if have := s.Len(); have != 1 {
		t.Errorf("Len after b's window: have %d, want 1 (the pending key)", have)
	}
	pending.Commit()
	if have := s.Len(); have != 1 {
		t.Errorf("Len after committing c: have %d, want 1", have)
	}
	clock.advance(window)
	if have := s.Len(); have != 0 {
		t.Errorf("Len after c's window: have %d, want 0", have)
	}
	if len(s.order) != 0 {
		t.Errorf("expiry list after every window: have %d entries, want 0", len(s.order))
	}
}

func TestRecommitAfterExpiry(t *testing.T) {
	const window = time.Minute
	s, clock := newTestSet(window)
	isDuplicate(t, s, "k")

	// The key expires and is committed again, and the new commit has its own window.
	clock.advance(window)
	if isDuplicate(t, s, "k") {
		t.Fatal("Claim after the window: have duplicate, want a claim")
	}
	clock.advance(window - time.Nanosecond)
	if !isDuplicate(t, s, "k") {
		t.Error("Claim within the second window: have a claim, want duplicate")
	}
}
