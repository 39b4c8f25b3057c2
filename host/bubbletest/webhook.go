package bubbletest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/bubblehost/bubblehost/host/signature"
)

// DefaultTimeout is how long the platform waits for a webhook's response.
const DefaultTimeout = 5 * time.Second

// DefaultSchedule returns the platform's waits before its retries of a
// failed delivery: 1 s, 5 s and 15 s, so one event is sent at most 4 times.
func DefaultSchedule() []time.Duration {
	return []time.Duration{1 * time.Second, 5 * time.Second, 15 * time.Second}
}

// ErrNotDelivered is wrapped by Deliver's error when no attempt got
// a 200 response.
var ErrNotDelivered = errors.New("event not delivered")

// maxResponseBytes caps how much of a webhook's response an attempt reads.
const maxResponseBytes = 64 << 10

// WebhookSender delivers events to a webhook URL as the platform does. The
// zero value of each optional field is the platform's behaviour.
type WebhookSender struct {
	// URL is the webhook's address.
	URL string
	// Secret keys the X-Bubble-Signature HMAC. Empty sends no signature,
	// as the platform did before it signed.
	Secret string
	// Event overrides the X-Bubble-Event header, which is otherwise the
	// body's "type" field. Set it to send a body without one.
	Event string
	// Timeout bounds each attempt, from sending the request to reading the
	// response. Default: DefaultTimeout.
	Timeout time.Duration
	// Schedule holds the waits before each retry, measured from the end of
	// the failed attempt. Nil means DefaultSchedule; an empty non-nil
	// slice means no retries. Tests may shorten it.
	Schedule []time.Duration
	// Client sends the requests. Default: a client that does not follow
	// redirects, so that a 3xx response is a failure as any status but 200.
	Client *http.Client
	// Sleep waits d before a retry, or returns ctx's error. Default: a
	// timer. Tests replace it to check the schedule without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnAttempt, when set, is called after each attempt with its outcome.
	OnAttempt func(Attempt)
}

// Attempt is the outcome of one sending of an event.
type Attempt struct {
	// Number counts the attempts of one Deliver from 1.
	Number int
	// Time is when the request was sent.
	Time time.Time
	// Status is the response status, zero when there was no response.
	Status int
	// Err is nil when the webhook responded 200 in time, and otherwise describes
	// what failed: a timeout, a connection error or another status.
	Err error
	// Duration is how long the attempt took, up to its response or failure.
	Duration time.Duration
}

// Result lists every attempt of one Deliver in order.
type Result struct {
	Attempts []Attempt
}

// Delivered reports whether the last attempt got a 200 response.
func (r Result) Delivered() bool {
	return len(r.Attempts) > 0 && r.Attempts[len(r.Attempts)-1].Err == nil
}

// Deliver sends body to the webhook until it responds 200: once, then again
// after each wait of the schedule. Each request carries Content-Type
// application/json, X-Bubble-Event and, when Secret is set,
// X-Bubble-Signature: sha256= and the hex HMAC-SHA256 of the exact bytes.
//
// The error wraps ErrNotDelivered and the last attempt's failure when every
// attempt failed, or is ctx's error when ctx ended first. Before any
// attempt, Deliver fails when the URL is empty or the event type cannot be
// read from the body.
func (s WebhookSender) Deliver(ctx context.Context, body []byte) (Result, error) {
	if s.URL == "" {
		return Result{}, errors.New("delivering an event: the webhook URL is empty")
	}
	eventType := s.Event
	if eventType == "" {
		var err error
		if eventType, err = EventType(body); err != nil {
			return Result{}, fmt.Errorf("delivering an event: %w; set WebhookSender.Event to send it anyway", err)
		}
	}

	var res Result
	for {
		attempt := s.attempt(ctx, eventType, body)
		attempt.Number = len(res.Attempts) + 1
		res.Attempts = append(res.Attempts, attempt)
		if s.OnAttempt != nil {
			s.OnAttempt(attempt)
		}
		if attempt.Err == nil {
			return res, nil
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}

		retry := len(res.Attempts) - 1
		schedule := s.RetryDelays()
		if retry >= len(schedule) {
			return res, fmt.Errorf("%w after %d attempts to %s: %w", ErrNotDelivered, len(res.Attempts), s.URL, attempt.Err)
		}
		if err := s.sleep(ctx, schedule[retry]); err != nil {
			return res, err
		}
	}
}

// RetryDelays returns the waits before each retry that Deliver uses: the
// Schedule, or DefaultSchedule when it is nil.
func (s WebhookSender) RetryDelays() []time.Duration {
	if s.Schedule == nil {
		return DefaultSchedule()
	}
	return slices.Clone(s.Schedule)
}

// AttemptTimeout returns the bound that Deliver puts on each attempt: the
// Timeout, or DefaultTimeout when it is zero.
func (s WebhookSender) AttemptTimeout() time.Duration {
	if s.Timeout <= 0 {
		return DefaultTimeout
	}
	return s.Timeout
}

// attempt sends body once and returns the outcome, without Number.
func (s WebhookSender) attempt(parent context.Context, eventType string, body []byte) Attempt {
	timeout := s.AttemptTimeout()
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()

	start := time.Now()
	a := Attempt{Time: start}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		a.Err = fmt.Errorf("building the request: %w", err)
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Bubble-Event", eventType)
	if s.Secret != "" {
		req.Header.Set("X-Bubble-Signature", signature.Sign([]byte(s.Secret), body))
	}

	resp, err := s.client().Do(req)
	if err == nil {
		a.Status = resp.StatusCode
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBytes))
		resp.Body.Close()
	}
	a.Duration = time.Since(start)

	switch {
	case parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		a.Err = fmt.Errorf("timed out after %v: %w", timeout, context.DeadlineExceeded)
	case err != nil && a.Status == 0:
		a.Err = err
	case a.Status != http.StatusOK:
		a.Err = fmt.Errorf("webhook responded %d, want 200", a.Status)
	case err != nil:
		a.Err = fmt.Errorf("reading the response: %w", err)
	}
	return a
}

func (s WebhookSender) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return noRedirectClient
}

// noRedirectClient is the default Client.
var noRedirectClient = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func (s WebhookSender) sleep(ctx context.Context, d time.Duration) error {
	if s.Sleep != nil {
		return s.Sleep(ctx, d)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
