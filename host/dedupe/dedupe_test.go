package dedupe_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/bubblehost/bubblehost/host/dedupe"
)

const window = time.Minute

// claim claims key and fails the test unless the claim is granted.
func claim(t *testing.T, s *dedupe.Set, key string) *dedupe.Claim {
	t.Helper()
	c, duplicate, err := s.Claim(t.Context(), key)
	if err != nil || duplicate || c == nil {
		t.Fatalf("Claim(%q): have claim=%v duplicate=%v err=%v, want a claim", key, c != nil, duplicate, err)
	}
	return c
}

// wantDuplicate claims key and fails the test unless it is a duplicate.
func wantDuplicate(t *testing.T, s *dedupe.Set, key string) {
	t.Helper()
	c, duplicate, err := s.Claim(t.Context(), key)
	if err != nil || !duplicate || c != nil {
		t.Fatalf("Claim(%q): have claim=%v duplicate=%v err=%v, want a duplicate", key, c != nil, duplicate, err)
	}
}

// outcome is what a Claim call running in another goroutine returned.
type outcome struct {
	claim     *dedupe.Claim
	duplicate bool
	err       error
}

// claimAsync calls Claim in a new goroutine and sends its outcome on the
// returned channel.
func claimAsync(ctx context.Context, s *dedupe.Set, key string) <-chan outcome {
	out := make(chan outcome, 1)
	go func() {
		c, duplicate, err := s.Claim(ctx, key)
		out <- outcome{c, duplicate, err}
	}()
	return out
}

// wantBlocked fails the test if the Claim behind out has returned. Call it
// after synctest.Wait.
func wantBlocked(t *testing.T, out <-chan outcome) {
	t.Helper()
	select {
	case o := <-out:
		t.Fatalf("Claim returned %+v while the key was pending, want it to wait", o)
	default:
	}
}

func TestClaimCommitThenDuplicate(t *testing.T) {
	s := dedupe.New(window)
	claim(t, s, "k").Commit()

	wantDuplicate(t, s, "k")
	wantDuplicate(t, s, "k")
	if have := s.Len(); have != 1 {
		t.Errorf("Len: have %d, want 1", have)
	}
}

func TestReleaseLetsNextClaimIn(t *testing.T) {
	s := dedupe.New(window)
	claim(t, s, "k").Release()
	if have := s.Len(); have != 0 {
		t.Errorf("Len after Release: have %d, want 0", have)
	}

	claim(t, s, "k").Commit()
	wantDuplicate(t, s, "k")
}

func TestKeysIndependent(t *testing.T) {
	s := dedupe.New(window)
	pending := claim(t, s, "a")

	// A pending claim on one key does not hold up another key.
	claim(t, s, "b").Commit()
	if have := s.Len(); have != 2 {
		t.Errorf("Len with one pending and one committed key: have %d, want 2", have)
	}
	pending.Release()
	if have := s.Len(); have != 1 {
		t.Errorf("Len after releasing the pending key: have %d, want 1", have)
	}
}

func TestWaiterLearnsOutcome(t *testing.T) {
	tests := []struct {
		name          string
		settle        func(*dedupe.Claim)
		wantDuplicate bool
	}{
		{name: "commit", settle: (*dedupe.Claim).Commit, wantDuplicate: true},
		{name: "release", settle: (*dedupe.Claim).Release, wantDuplicate: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := dedupe.New(window)
				first := claim(t, s, "k")
				waiter := claimAsync(t.Context(), s, "k")
				synctest.Wait()
				wantBlocked(t, waiter)

				tt.settle(first)
				o := <-waiter
				if o.err != nil {
					t.Fatalf("waiting Claim: have error %v, want nil", o.err)
				}
				if o.duplicate != tt.wantDuplicate {
					t.Errorf("waiting Claim after %s: have duplicate=%v, want %v", tt.name, o.duplicate, tt.wantDuplicate)
				}
				if have := o.claim != nil; have == tt.wantDuplicate {
					t.Errorf("waiting Claim after %s: have claim=%v, want %v", tt.name, have, !tt.wantDuplicate)
				}
				if o.claim != nil {
					o.claim.Commit()
				}
			})
		})
	}
}

func TestReleaseGrantsOneWaiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const waiters = 5
		s := dedupe.New(window)
		first := claim(t, s, "k")
		outs := make([]<-chan outcome, waiters)
		for i := range outs {
			outs[i] = claimAsync(t.Context(), s, "k")
		}
		synctest.Wait()

		// Release: exactly one waiter gets the claim, the others wait on it.
		first.Release()
		synctest.Wait()
		var granted *dedupe.Claim
		var stillWaiting []<-chan outcome
		for _, out := range outs {
			select {
			case o := <-out:
				if o.claim == nil || o.duplicate || o.err != nil {
					t.Fatalf("Claim after Release: have %+v, want a claim", o)
				}
				if granted != nil {
					t.Fatal("two waiters were granted the claim after one Release")
				}
				granted = o.claim
			default:
				stillWaiting = append(stillWaiting, out)
			}
		}
		if granted == nil {
			t.Fatal("no waiter was granted the claim after Release")
		}

		// Commit: every remaining waiter learns it is a duplicate.
		granted.Commit()
		for _, out := range stillWaiting {
			if o := <-out; !o.duplicate || o.claim != nil || o.err != nil {
				t.Errorf("Claim after Commit: have %+v, want a duplicate", o)
			}
		}
	})
}

func TestClaimWaitCanceled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := dedupe.New(window)
		first := claim(t, s, "k")
		ctx, cancel := context.WithCancel(t.Context())
		waiter := claimAsync(ctx, s, "k")
		synctest.Wait()
		wantBlocked(t, waiter)

		cancel()
		o := <-waiter
		if !errors.Is(o.err, context.Canceled) {
			t.Errorf("canceled Claim: have error %v, want %v", o.err, context.Canceled)
		}
		if o.claim != nil || o.duplicate {
			t.Errorf("canceled Claim: have claim=%v duplicate=%v, want neither", o.claim != nil, o.duplicate)
		}

		// The first claim is unaffected by the waiter giving up.
		first.Commit()
		wantDuplicate(t, s, "k")
	})
}

func TestClaimCanceledBeforeCall(t *testing.T) {
	s := dedupe.New(window)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	// A free key is granted even on a canceled context: nothing had to wait.
	c, duplicate, err := s.Claim(ctx, "free")
	if err != nil || duplicate || c == nil {
		t.Fatalf("Claim of a free key: have claim=%v duplicate=%v err=%v, want a claim", c != nil, duplicate, err)
	}
	if _, _, err := s.Claim(ctx, "free"); !errors.Is(err, context.Canceled) {
		t.Errorf("Claim of a pending key: have error %v, want %v", err, context.Canceled)
	}
	c.Commit()
}

func TestConcurrentClaimsGrantOne(t *testing.T) {
	const callers = 32
	s := dedupe.New(window)
	start := make(chan struct{})
	var mu sync.Mutex
	granted, duplicates := 0, 0

	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			<-start
			c, duplicate, err := s.Claim(context.Background(), "k")
			if err != nil {
				t.Errorf("Claim: have error %v, want nil", err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if duplicate {
				duplicates++
				return
			}
			granted++
			c.Commit()
		})
	}
	close(start)
	wg.Wait()

	if granted != 1 || duplicates != callers-1 {
		t.Errorf("have %d granted and %d duplicates, want 1 and %d", granted, duplicates, callers-1)
	}
}

func TestDefaultClockExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := dedupe.New(window)
		claim(t, s, "k").Commit()

		// Inside the bubble time.Sleep advances the fake clock at once.
		time.Sleep(window)
		if have := s.Len(); have != 0 {
			t.Errorf("Len after the window: have %d, want 0", have)
		}
		claim(t, s, "k").Commit()
	})
}
