package bubbletest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host/actions"
	"github.com/bubblehost/bubblehost/host/bubbletest"
)

// limitedPlatform starts a platform with the platform's default limit on a
// fake clock.
func limitedPlatform(t *testing.T) (*bubbletest.Platform, *fakeClock) {
	t.Helper()
	return newPlatform(t, func(o *bubbletest.Options) { o.Rate = 0 })
}

func TestRateLimitAfterBurst(t *testing.T) {
	p, clock := limitedPlatform(t)

	for i := range 10 {
		if a := call(t, p, testToken, "GET", "/bot/me", ""); a.status != http.StatusOK {
			t.Fatalf("request %d of the burst: have status %d, want 200", i+1, a.status)
		}
	}
	a := call(t, p, testToken, "GET", "/bot/me", "")

	if a.status != http.StatusTooManyRequests {
		t.Fatalf("request 11: have status %d, want 429", a.status)
	}
	// At 5 requests a second the next token comes 200 ms later.
	wantHeaders := map[string]string{
		"X-RateLimit-Limit":     "5",
		"X-RateLimit-Remaining": "0",
		"X-RateLimit-Reset":     strconv.FormatInt(testTime.Unix()+1, 10),
		"Retry-After":           "1",
	}
	for name, want := range wantHeaders {
		if have := a.header.Get(name); have != want {
			t.Errorf("have %s %q, want %q", name, have, want)
		}
	}
	var body struct {
		Error struct {
			Code       string  `json:"code"`
			Message    string  `json:"message"`
			RetryAfter float64 `json:"retryAfter"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(a.body), &body); err != nil {
		t.Fatalf("decoding %s: %v", a.body, err)
	}
	if body.Error.Code != "RATE_LIMIT_EXCEEDED" {
		t.Errorf("have code %q, want RATE_LIMIT_EXCEEDED", body.Error.Code)
	}
	if body.Error.Message == "" {
		t.Error("message is empty")
	}
	if body.Error.RetryAfter != 0.2 {
		t.Errorf("have retryAfter %v, want 0.2", body.Error.RetryAfter)
	}
	if have := p.OverLimit(); have != 1 {
		t.Errorf("have OverLimit %d, want 1", have)
	}

	// A 429 takes no token, so the bucket refills at the documented rate.
	clock.Advance(200 * time.Millisecond)
	if a := call(t, p, testToken, "GET", "/bot/me", ""); a.status != http.StatusOK {
		t.Errorf("after 200 ms: have status %d, want 200", a.status)
	}
	if a := call(t, p, testToken, "GET", "/bot/me", ""); a.status != http.StatusTooManyRequests {
		t.Errorf("second request after 200 ms: have status %d, want 429", a.status)
	}
	clock.Advance(2 * time.Second)
	for i := range 10 {
		if a := call(t, p, testToken, "GET", "/bot/me", ""); a.status != http.StatusOK {
			t.Errorf("request %d after 2 s: have status %d, want 200", i+1, a.status)
		}
	}
	if have := p.OverLimit(); have != 2 {
		t.Errorf("have OverLimit %d, want 2", have)
	}

	var flagged []int
	for i, r := range p.Requests() {
		if r.OverLimit {
			flagged = append(flagged, i)
		}
	}
	if len(flagged) != 2 || flagged[0] != 10 || flagged[1] != 12 {
		t.Errorf("have requests %v marked OverLimit, want [10 12]", flagged)
	}
}

func TestRateLimitPerBot(t *testing.T) {
	p, _ := limitedPlatform(t)
	for range 10 {
		mustCall(t, p, testToken, "GET", "/bot/me", "", http.StatusOK)
	}
	mustCall(t, p, testToken, "GET", "/bot/me", "", http.StatusTooManyRequests)
	mustCall(t, p, otherToken, "GET", "/bot/me", "", http.StatusOK)
}

func TestRateLimitCountsEveryEndpoint(t *testing.T) {
	p, _ := limitedPlatform(t)
	for range 10 {
		mustCall(t, p, testToken, "GET", "/no/such/endpoint", "", http.StatusNotFound)
	}
	mustCall(t, p, testToken, "POST", "/channels/5/messages", `{"content":"hi"}`, http.StatusTooManyRequests)
}

func TestRateLimitSkipsUnknownTokens(t *testing.T) {
	p, _ := limitedPlatform(t)
	for range 20 {
		mustCall(t, p, "no-such-token", "GET", "/bot/me", "", http.StatusUnauthorized)
	}
	if have := p.OverLimit(); have != 0 {
		t.Errorf("have OverLimit %d, want 0 for requests without a bot", have)
	}
	mustCall(t, p, testToken, "GET", "/bot/me", "", http.StatusOK)
}

func TestRateLimitReadByHostClient(t *testing.T) {
	p, _ := limitedPlatform(t)
	client := actions.NewClient(p.APIBase(), testToken, nil)
	ctx := testContext(t)
	for range 10 {
		if _, err := client.Me(ctx); err != nil {
			t.Fatal(err)
		}
	}

	_, err := client.Me(ctx)

	var apiErr *actions.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("have error %v, want an *actions.APIError", err)
	}
	if apiErr.Status != http.StatusTooManyRequests {
		t.Errorf("have status %d, want 429", apiErr.Status)
	}
	if apiErr.Code != "RATE_LIMIT_EXCEEDED" {
		t.Errorf("have code %q, want RATE_LIMIT_EXCEEDED", apiErr.Code)
	}
	if apiErr.RetryAfter != time.Second {
		t.Errorf("have RetryAfter %v, want 1s from the Retry-After header", apiErr.RetryAfter)
	}
	if !actions.IsRetryable(err) {
		t.Error("the 429 is not retryable for the host's client")
	}
}

func TestWaitRequests(t *testing.T) {
	p, _ := newPlatform(t, nil)
	go send(p, testToken, "GET", "/bot/me", "")

	reqs, err := p.WaitRequests(testContext(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 1 {
		t.Errorf("have %d requests, want 1", len(reqs))
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := p.WaitRequests(ctx, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("have error %v, want context.Canceled", err)
	}
}
