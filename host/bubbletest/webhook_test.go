package bubbletest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host/bubbletest"
	"github.com/bubblehost/bubblehost/host/signature"
)

// delivery is one request that a receiver got.
type delivery struct {
	header http.Header
	body   []byte
}

// receiver is a webhook that responds to the first failures requests
// with failStatus and to the rest with 200, and records every request.
type receiver struct {
	*httptest.Server
	failures   int
	failStatus int

	mu         sync.Mutex
	deliveries []delivery
}

func newReceiver(t *testing.T, failures, failStatus int) *receiver {
	t.Helper()
	r := &receiver{failures: failures, failStatus: failStatus}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.deliveries = append(r.deliveries, delivery{req.Header.Clone(), body})
		n := len(r.deliveries)
		r.mu.Unlock()
		if n <= r.failures {
			w.WriteHeader(r.failStatus)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) received() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.deliveries)
}

// shortSchedule replaces the platform's 1 s, 5 s and 15 s in tests.
var shortSchedule = []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 30 * time.Millisecond}

func TestDeliverSignsExactBytes(t *testing.T) {
	r := newReceiver(t, 0, 0)
	body := bubbletest.MessageCreate(5, 1, "!ping <&>")
	s := bubbletest.WebhookSender{URL: r.URL, Secret: "demo-secret"}

	res, err := s.Deliver(testContext(t), body)
	if err != nil {
		t.Fatal(err)
	}

	if len(res.Attempts) != 1 || res.Attempts[0].Status != http.StatusOK || !res.Delivered() {
		t.Errorf("have attempts %+v, want one answered 200", res.Attempts)
	}
	got := r.received()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(got))
	}
	if !bytes.Equal(got[0].body, body) {
		t.Errorf("body:\nhave %s\nwant %s", got[0].body, body)
	}
	match, err := signature.NewVerifier([]string{"demo-secret"}).Verify(got[0].header.Values("X-Bubble-Signature"), got[0].body)
	if err != nil {
		t.Fatalf("verifying the signature: %v", err)
	}
	if match.Form != signature.FormRaw {
		t.Errorf("signature matched the %v form, want raw", match.Form)
	}
	if have := got[0].header.Get("X-Bubble-Event"); have != "MESSAGE_CREATE" {
		t.Errorf("have X-Bubble-Event %q, want MESSAGE_CREATE", have)
	}
	if have := got[0].header.Get("Content-Type"); have != "application/json" {
		t.Errorf("have Content-Type %q, want application/json", have)
	}
}

func TestDeliverWithoutSecret(t *testing.T) {
	r := newReceiver(t, 0, 0)
	s := bubbletest.WebhookSender{URL: r.URL}
	if _, err := s.Deliver(testContext(t), bubbletest.MessageCreate(5, 1, "hi")); err != nil {
		t.Fatal(err)
	}
	if have := r.received()[0].header.Values("X-Bubble-Signature"); have != nil {
		t.Errorf("have X-Bubble-Signature %q, want none", have)
	}
}

func TestDeliverRetries(t *testing.T) {
	tests := []struct {
		name          string
		failures      int
		failStatus    int
		wantAttempts  int
		wantDelivered bool
	}{
		{"first attempt answered", 0, 500, 1, true},
		{"one failure", 1, 500, 2, true},
		{"three failures", 3, 503, 4, true},
		{"four failures", 4, 500, 4, false},
		{"204 is a failure", 1, 204, 2, true},
		{"redirect is a failure", 2, 302, 3, true},
		{"400 is a failure", 1, 400, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReceiver(t, tt.failures, tt.failStatus)
			body := bubbletest.MessageCreate(5, 1, "hi")
			s := bubbletest.WebhookSender{URL: r.URL, Secret: "s", Schedule: shortSchedule}

			res, err := s.Deliver(testContext(t), body)

			if tt.wantDelivered && err != nil {
				t.Fatalf("have error %v, want delivery", err)
			}
			if !tt.wantDelivered && !errors.Is(err, bubbletest.ErrNotDelivered) {
				t.Fatalf("have error %v, want ErrNotDelivered", err)
			}
			if res.Delivered() != tt.wantDelivered {
				t.Errorf("have Delivered %v, want %v", res.Delivered(), tt.wantDelivered)
			}
			if len(res.Attempts) != tt.wantAttempts {
				t.Fatalf("have %d attempts, want %d", len(res.Attempts), tt.wantAttempts)
			}
			for i, a := range res.Attempts {
				wantStatus := tt.failStatus
				if i >= tt.failures {
					wantStatus = 200
				}
				if a.Number != i+1 {
					t.Errorf("attempt %d: have Number %d", i+1, a.Number)
				}
				if a.Status != wantStatus {
					t.Errorf("attempt %d: have status %d, want %d", i+1, a.Status, wantStatus)
				}
				if (a.Err == nil) != (wantStatus == 200) {
					t.Errorf("attempt %d: have error %v with status %d", i+1, a.Err, a.Status)
				}
				if i == 0 {
					continue
				}
				// Each retry waits its delay after the previous attempt ended.
				previous := res.Attempts[i-1]
				if gap := a.Time.Sub(previous.Time.Add(previous.Duration)); gap < shortSchedule[i-1] {
					t.Errorf("attempt %d came %v after attempt %d ended, want at least %v", i+1, gap, i, shortSchedule[i-1])
				}
			}
			for i, d := range r.received() {
				if !bytes.Equal(d.body, body) {
					t.Errorf("request %d: body differs from the first", i+1)
				}
			}
		})
	}
}

func TestDeliverDefaultSchedule(t *testing.T) {
	var zero bubbletest.WebhookSender
	wantSchedule := []time.Duration{time.Second, 5 * time.Second, 15 * time.Second}
	if have := zero.RetryDelays(); !slices.Equal(have, wantSchedule) {
		t.Errorf("have RetryDelays %v, want %v", have, wantSchedule)
	}
	if have := bubbletest.DefaultSchedule(); !slices.Equal(have, wantSchedule) {
		t.Errorf("have DefaultSchedule %v, want %v", have, wantSchedule)
	}
	if have := zero.AttemptTimeout(); have != 5*time.Second {
		t.Errorf("have AttemptTimeout %v, want 5s", have)
	}

	// Deliver waits the default delays, here recorded instead of slept.
	r := newReceiver(t, 10, 500)
	var slept []time.Duration
	s := bubbletest.WebhookSender{URL: r.URL, Sleep: func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		return nil
	}}
	res, err := s.Deliver(testContext(t), bubbletest.MessageCreate(5, 1, "hi"))
	if !errors.Is(err, bubbletest.ErrNotDelivered) {
		t.Errorf("have error %v, want ErrNotDelivered", err)
	}
	if !slices.Equal(slept, wantSchedule) {
		t.Errorf("slept %v, want %v", slept, wantSchedule)
	}
	if len(res.Attempts) != 4 {
		t.Errorf("have %d attempts, want 4", len(res.Attempts))
	}
}

func TestDeliverEmptyScheduleNoRetry(t *testing.T) {
	r := newReceiver(t, 1, 500)
	s := bubbletest.WebhookSender{URL: r.URL, Schedule: []time.Duration{}}
	res, err := s.Deliver(testContext(t), bubbletest.MessageCreate(5, 1, "hi"))
	if !errors.Is(err, bubbletest.ErrNotDelivered) {
		t.Errorf("have error %v, want ErrNotDelivered", err)
	}
	if len(res.Attempts) != 1 {
		t.Errorf("have %d attempts, want 1", len(res.Attempts))
	}
}

func TestDeliverTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })

	var attempts []bubbletest.Attempt
	s := bubbletest.WebhookSender{
		URL:       srv.URL,
		Timeout:   20 * time.Millisecond,
		Schedule:  []time.Duration{time.Millisecond},
		OnAttempt: func(a bubbletest.Attempt) { attempts = append(attempts, a) },
	}
	res, err := s.Deliver(testContext(t), bubbletest.MessageCreate(5, 1, "hi"))

	if !errors.Is(err, bubbletest.ErrNotDelivered) {
		t.Errorf("have error %v, want ErrNotDelivered", err)
	}
	if len(res.Attempts) != 2 {
		t.Fatalf("have %d attempts, want 2", len(res.Attempts))
	}
	for i, a := range res.Attempts {
		if !errors.Is(a.Err, context.DeadlineExceeded) {
			t.Errorf("attempt %d: have error %v, want a timeout", i+1, a.Err)
		}
		if a.Status != 0 {
			t.Errorf("attempt %d: have status %d, want 0", i+1, a.Status)
		}
	}
	if len(attempts) != 2 {
		t.Errorf("OnAttempt was called %d times, want 2", len(attempts))
	}
}

func TestDeliverConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()

	s := bubbletest.WebhookSender{URL: url, Schedule: []time.Duration{}}
	res, err := s.Deliver(testContext(t), bubbletest.MessageCreate(5, 1, "hi"))
	if !errors.Is(err, bubbletest.ErrNotDelivered) {
		t.Errorf("have error %v, want ErrNotDelivered", err)
	}
	if len(res.Attempts) != 1 || res.Attempts[0].Err == nil || res.Attempts[0].Status != 0 {
		t.Errorf("have attempts %+v, want one failed without a status", res.Attempts)
	}
}

func TestDeliverStopsWithContext(t *testing.T) {
	r := newReceiver(t, 10, 500)
	ctx, cancel := context.WithCancel(testContext(t))
	s := bubbletest.WebhookSender{URL: r.URL, OnAttempt: func(bubbletest.Attempt) { cancel() }}

	res, err := s.Deliver(ctx, bubbletest.MessageCreate(5, 1, "hi"))

	if !errors.Is(err, context.Canceled) {
		t.Errorf("have error %v, want context.Canceled", err)
	}
	if len(res.Attempts) != 1 {
		t.Errorf("have %d attempts, want 1 before the 1 s wait was cut short", len(res.Attempts))
	}
}

func TestDeliverEventType(t *testing.T) {
	r := newReceiver(t, 0, 0)
	ctx := testContext(t)

	s := bubbletest.WebhookSender{URL: r.URL}
	if _, err := s.Deliver(ctx, []byte(`{"data":{}}`)); err == nil {
		t.Error("a body without a type was delivered")
	}
	if _, err := s.Deliver(ctx, []byte(`not JSON`)); err == nil {
		t.Error("a body that is not JSON was delivered")
	}
	if have := len(r.received()); have != 0 {
		t.Errorf("receiver got %d requests, want 0", have)
	}

	s.Event = "CUSTOM"
	if _, err := s.Deliver(ctx, []byte(`not JSON`)); err != nil {
		t.Fatal(err)
	}
	if have := r.received()[0].header.Get("X-Bubble-Event"); have != "CUSTOM" {
		t.Errorf("have X-Bubble-Event %q, want CUSTOM", have)
	}
}

func TestDeliverEmptyURL(t *testing.T) {
	var s bubbletest.WebhookSender
	if _, err := s.Deliver(testContext(t), bubbletest.MessageCreate(5, 1, "hi")); err == nil {
		t.Error("Deliver without a URL returned no error")
	}
}
