package bubbletest_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host/bubbletest"
)

func TestFaults(t *testing.T) {
	type outcome struct {
		status int // 0 for a dropped connection
		fault  bubbletest.FaultKind
	}
	ok := outcome{200, bubbletest.FaultNone}
	tests := []struct {
		name  string
		fault bubbletest.Fault
		want  []outcome
	}{
		{"two internal errors", bubbletest.Fault{InternalErrors: 2},
			[]outcome{{500, bubbletest.FaultInternalError}, {500, bubbletest.FaultInternalError}, ok}},
		{"two rate limit errors", bubbletest.Fault{RateLimitErrors: 2},
			[]outcome{{429, bubbletest.FaultRateLimit}, {429, bubbletest.FaultRateLimit}, ok}},
		{"one dropped connection", bubbletest.Fault{DroppedConnections: 1},
			[]outcome{{0, bubbletest.FaultDroppedConnection}, ok}},
		{"one of each, drop first", bubbletest.Fault{InternalErrors: 1, RateLimitErrors: 1, DroppedConnections: 1},
			[]outcome{{0, bubbletest.FaultDroppedConnection}, {500, bubbletest.FaultInternalError}, {429, bubbletest.FaultRateLimit}, ok}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := newPlatform(t, nil)
			p.SetFault(tt.fault)

			for i, want := range tt.want {
				// POST, which Go's transport never sends twice on its own.
				status := postStatus(t, p, testToken, "/channels/5/messages", `{"content":"hi"}`)
				if status != want.status {
					t.Errorf("request %d: have status %d, want %d", i+1, status, want.status)
				}
			}

			reqs := p.Requests()
			if len(reqs) != len(tt.want) {
				t.Fatalf("have %d requests recorded, want %d", len(reqs), len(tt.want))
			}
			for i, want := range tt.want {
				if reqs[i].Fault != want.fault {
					t.Errorf("request %d: have fault %q recorded, want %q", i+1, reqs[i].Fault, want.fault)
				}
				if reqs[i].Status != want.status {
					t.Errorf("request %d: have status %d recorded, want %d", i+1, reqs[i].Status, want.status)
				}
			}
			if have := p.Fault(); have != (bubbletest.Fault{}) {
				t.Errorf("have fault %+v left, want none", have)
			}
			if have := contentsOf(p.Messages(5)); len(have) != 1 {
				t.Errorf("have %d messages stored, want 1 from the request without a fault", len(have))
			}
		})
	}
}

func TestFaultRateLimitHeaders(t *testing.T) {
	p, _ := newPlatform(t, nil)
	p.SetFault(bubbletest.Fault{RateLimitErrors: 1, RetryAfter: 1500 * time.Millisecond})

	a := call(t, p, testToken, "GET", "/bot/me", "")

	if a.status != http.StatusTooManyRequests {
		t.Fatalf("have status %d, want 429", a.status)
	}
	for _, name := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"} {
		if a.header.Get(name) == "" {
			t.Errorf("header %s is missing", name)
		}
	}
	if have := a.header.Get("Retry-After"); have != "2" {
		t.Errorf("have Retry-After %q, want 2 (1.5 s rounded up)", have)
	}
	if !strings.Contains(a.body, `"retryAfter":1.5`) {
		t.Errorf("body %s lacks retryAfter 1.5", a.body)
	}
	if have := p.OverLimit(); have != 0 {
		t.Errorf("have OverLimit %d, want 0: the bucket was not empty", have)
	}
}

func TestFaultAppliesBeforeAuthorization(t *testing.T) {
	p, _ := newPlatform(t, nil)
	p.SetFault(bubbletest.Fault{InternalErrors: 1})
	if status := postStatus(t, p, "no-such-token", "/bot/me", ""); status != http.StatusInternalServerError {
		t.Errorf("have status %d, want 500", status)
	}
}

func TestFaultDelay(t *testing.T) {
	p, _ := newPlatform(t, nil)
	p.SetFault(bubbletest.Fault{Delay: 50 * time.Millisecond})

	start := time.Now()
	mustCall(t, p, testToken, "GET", "/bot/me", "", http.StatusOK)
	elapsed := time.Since(start)

	if elapsed < 50*time.Millisecond {
		t.Errorf("answered after %v, before the 50ms delay", elapsed)
	}
	if have := p.Requests()[0].Delay; have != 50*time.Millisecond {
		t.Errorf("have Delay %v recorded, want 50ms", have)
	}

	p.SetFault(bubbletest.Fault{})
	mustCall(t, p, testToken, "GET", "/bot/me", "", http.StatusOK)
	if have := p.Requests()[1].Delay; have != 0 {
		t.Errorf("after the fault was cleared: have Delay %v recorded, want 0", have)
	}
}

func TestCloseEndsDelay(t *testing.T) {
	p, _ := newPlatform(t, nil)
	// The request takes the internal error before its delay starts, so
	// the counter reaching zero shows that the request is in the delay.
	p.SetFault(bubbletest.Fault{Delay: time.Hour, InternalErrors: 1})
	go send(p, testToken, "GET", "/bot/me", "")
	deadline := time.Now().Add(5 * time.Second)
	for p.Fault().InternalErrors != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the request did not arrive within 5 s")
		}
		time.Sleep(time.Millisecond)
	}

	done := make(chan struct{})
	go func() {
		p.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return during a one-hour delay")
	}
}

func TestSetFaultConcurrently(t *testing.T) {
	p, _ := newPlatform(t, nil)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for range 10 {
				p.SetFault(bubbletest.Fault{InternalErrors: i})
				if _, err := send(p, testToken, "GET", "/bot/me", ""); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if have := len(p.Requests()); have != 40 {
		t.Errorf("have %d requests recorded, want 40", have)
	}
}

// postStatus sends a POST and returns its status, or 0 when the connection
// closed without a response.
func postStatus(t *testing.T, p *bubbletest.Platform, token, path, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, p.APIBase()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestUpdateFaultKeepsOtherCounters(t *testing.T) {
	p, _ := newPlatform(t, nil)
	p.SetFault(bubbletest.Fault{InternalErrors: 2, Delay: time.Millisecond})
	postStatus(t, p, testToken, "/channels/5/messages", `{"content":"hi"}`)

	p.UpdateFault(func(f *bubbletest.Fault) { f.RateLimitErrors = 3 })

	want := bubbletest.Fault{InternalErrors: 1, RateLimitErrors: 3, Delay: time.Millisecond}
	if have := p.Fault(); have != want {
		t.Errorf("have fault %+v, want %+v", have, want)
	}
}
