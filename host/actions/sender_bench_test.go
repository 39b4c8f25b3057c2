package actions_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/bubblehost/bubblehost/host/actions"
)

// countingAPI responds to every message send with a message object and
// counts the sends per bot token.
type countingAPI struct {
	mu    sync.Mutex
	sends map[string][]time.Time
	total atomic.Int64
}

func (c *countingAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	c.mu.Lock()
	tok := r.Header.Get("Authorization")
	c.sends[tok] = append(c.sends[tok], time.Now())
	c.mu.Unlock()
	c.total.Add(1)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"id":1,"channelId":5}`)
}

// maxPerWindow returns the most sends any bot made within any window.
func (c *countingAPI) maxPerWindow(window time.Duration) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	maxSeen := 0
	for _, ts := range c.sends {
		j := 0
		for i := range ts {
			for ts[i].Sub(ts[j]) >= window {
				j++
			}
			maxSeen = max(maxSeen, i-j+1)
		}
	}
	return maxSeen
}

// BenchmarkSenders100Bots sends messages for 100 bots at once for about
// three seconds, each through its own sender under the host's limit (4.8 a
// second with a burst of 8). It reports the actions delivered per second
// and the most requests one bot made in any second. The limit allows at
// most 12 in a second: the burst plus the refill.
func BenchmarkSenders100Bots(b *testing.B) {
	const bots = 100
	for b.Loop() {
		api := &countingAPI{sends: map[string][]time.Time{}}
		srv := httptest.NewServer(api)
		ctx, cancel := context.WithCancel(context.Background())

		var wg sync.WaitGroup
		start := time.Now()
		for i := range bots {
			s := actions.NewSender(actions.SenderConfig{
				Tenant: fmt.Sprintf("bot%d", i),
				Client: actions.NewClient(srv.URL, fmt.Sprintf("token-%d", i), srv.Client()),
			})
			wg.Go(func() { s.Run(ctx) })
			wg.Go(func() {
				// Keep the queue full: every bot always has work.
				for ctx.Err() == nil {
					if s.Enqueue(actions.Job{ChannelID: 5, Content: "hi", Plugin: "bench"}) != nil {
						time.Sleep(10 * time.Millisecond)
					}
				}
			})
		}
		time.Sleep(3 * time.Second)
		elapsed := time.Since(start)
		delivered := api.total.Load()
		cancel()
		wg.Wait()
		srv.Close()

		b.ReportMetric(float64(delivered)/elapsed.Seconds(), "actions/s")
		b.ReportMetric(float64(api.maxPerWindow(time.Second)), "max-per-bot-per-s")
	}
}

// BenchmarkActionPath measures what the host adds to one action: queueing
// the job, taking it in turn, encoding the request, the HTTP round trip on
// loopback and decoding the answer, without the rate limit.
func BenchmarkActionPath(b *testing.B) {
	api := &countingAPI{sends: map[string][]time.Time{}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	s := actions.NewSender(actions.SenderConfig{
		Tenant:    "bench",
		Client:    actions.NewClient(srv.URL, "token", srv.Client()),
		RateLimit: rate.Inf,
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)

	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Do(ctx, actions.Job{ChannelID: 5, Content: "pong", Plugin: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}
