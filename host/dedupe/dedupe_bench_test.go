package dedupe

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// BenchmarkClaimCommit measures a claim and commit of a new key while the
// set holds a steady number of committed keys. The fake clock moves 1ms per
// claim, so a window of n milliseconds keeps n keys live.
func BenchmarkClaimCommit(b *testing.B) {
	for _, live := range []int{1_000, 100_000} {
		b.Run(strconv.Itoa(live)+" live keys", func(b *testing.B) {
			s, clock := newTestSet(time.Duration(live) * time.Millisecond)
			keys := make([]string, 2*live)
			for i := range keys {
				keys[i] = "tenant/" + strconv.Itoa(i)
			}
			ctx := context.Background()

			b.ReportAllocs()
			i := 0
			for b.Loop() {
				c, duplicate, err := s.Claim(ctx, keys[i%len(keys)])
				if err != nil || duplicate {
					b.Fatalf("Claim %d: have duplicate=%v err=%v, want a claim", i, duplicate, err)
				}
				c.Commit()
				clock.advance(time.Millisecond)
				i++
			}
		})
	}
}
