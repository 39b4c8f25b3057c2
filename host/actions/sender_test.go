package actions_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/bubblehost/bubblehost/host/actions"
	"github.com/bubblehost/bubblehost/host/metrics"
)

// pingJob is a reply of the ping plugin to a message in channel 5.
func pingJob(content string) actions.Job {
	return actions.Job{ChannelID: 5, Content: content, Plugin: "ping", EventType: "MESSAGE_CREATE"}
}

// newLogger returns a logger that writes JSON lines without the time to buf.
func newLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}

// logLines decodes the JSON lines in buf.
func logLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range strings.Lines(buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// sentIDs collects the message ids passed to OnSent.
type sentIDs []int64

func (s *sentIDs) record(id int64) { *s = append(*s, id) }

// runSender enqueues jobs on a sender built from cfg, then runs it until it
// has handled all of them.
func runSender(t *testing.T, cfg actions.SenderConfig, jobs ...actions.Job) {
	t.Helper()
	s := actions.NewSender(cfg)
	for i, j := range jobs {
		if err := s.Enqueue(j); err != nil {
			t.Fatalf("Enqueue(job %d): have error %v, want nil", i, err)
		}
	}
	s.Close()
	s.Run(t.Context()) // returns once the queue is empty, because Close was called
}

// apiRequests returns how many API requests with the given status the
// sender counted for tenant "t1" on channel messages.
func apiRequests(t *testing.T, m *metrics.Metrics, status string) float64 {
	t.Helper()
	var out dto.Metric
	if err := m.APIRequests.WithLabelValues("t1", "channel_messages", status).Write(&out); err != nil {
		t.Fatalf("reading api_requests_total{status=%q}: %v", status, err)
	}
	return out.GetCounter().GetValue()
}

func TestSenderRetriesUntilDelivered(t *testing.T) {
	tests := []struct {
		name  string
		first reply
	}{
		{
			// Without Retry-After the sender waits its InitialBackoff.
			name:  "500",
			first: reply{status: http.StatusInternalServerError, body: `{"error":{"code":"INTERNAL","message":"try again"}}`},
		},
		{
			// Retry-After: 0 requests no particular wait, so the sender
			// also waits its InitialBackoff.
			name:  "429 with Retry-After 0",
			first: reply{status: http.StatusTooManyRequests, header: map[string]string{"Retry-After": "0"}},
		},
		{
			name: "429 with retryAfter in the body",
			first: reply{status: http.StatusTooManyRequests,
				body: `{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"slow down","retryAfter":0.01}}`},
		},
		{
			name:  "503 with Retry-After",
			first: reply{status: http.StatusServiceUnavailable, header: map[string]string{"Retry-After": "0.01"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api, client := newFakeAPI(t, tt.first, created(42))
			var sent sentIDs

			cfg := actions.SenderConfig{Tenant: "t1", Client: client, OnSent: sent.record, InitialBackoff: time.Millisecond}
			runSender(t, cfg, pingJob("pong"))

			reqs := api.received()
			if len(reqs) != 2 {
				t.Fatalf("requests: have %d, want 2 (a failure, then the retry)", len(reqs))
			}
			if reqs[0].Body != reqs[1].Body {
				t.Errorf("retry body: have %s, want the first request's %s", reqs[1].Body, reqs[0].Body)
			}
			if !slices.Equal(sent, sentIDs{42}) {
				t.Errorf("OnSent ids: have %v, want [42]", sent)
			}
		})
	}
}

func TestSenderCountsRequests(t *testing.T) {
	t.Parallel()
	_, client := newFakeAPI(t,
		reply{status: http.StatusServiceUnavailable, header: map[string]string{"Retry-After": "0.01"}},
		created(42))
	m := metrics.New()

	runSender(t, actions.SenderConfig{Tenant: "t1", Client: client, Metrics: m}, pingJob("pong"))

	if have := apiRequests(t, m, "503"); have != 1 {
		t.Errorf("requests counted with status 503: have %v, want 1", have)
	}
	if have := apiRequests(t, m, "200"); have != 1 {
		t.Errorf("requests counted with status 200: have %v, want 1", have)
	}
}

func TestSenderClientErrorNotRetried(t *testing.T) {
	t.Parallel()
	api, client := newFakeAPI(t,
		reply{status: http.StatusBadRequest, body: `{"error":{"code":"INVALID_CONTENT","message":"content is empty"}}`},
		created(42))
	var logs bytes.Buffer
	var sent sentIDs

	runSender(t, actions.SenderConfig{Tenant: "t1", Client: client, OnSent: sent.record, Logger: newLogger(&logs)}, pingJob("pong"))

	if have := len(api.received()); have != 1 {
		t.Errorf("requests: have %d, want 1", have)
	}
	if len(sent) != 0 {
		t.Errorf("OnSent ids: have %v, want none", sent)
	}
	lines := logLines(t, &logs)
	if len(lines) != 1 {
		t.Fatalf("log lines: have %d, want 1:\n%s", len(lines), logs.String())
	}
	line := lines[0]
	if line["level"] != "ERROR" || line["msg"] != "action failed" {
		t.Errorf("log line: have level %v and msg %q, want ERROR and %q", line["level"], line["msg"], "action failed")
	}
	if line["status"] != 400.0 || line["code"] != "INVALID_CONTENT" || line["plugin"] != "ping" {
		t.Errorf("log line attributes: have %v, want status 400, code INVALID_CONTENT and plugin ping", line)
	}
}

func TestSenderGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	api, client := newFakeAPI(t, reply{status: http.StatusBadGateway, header: map[string]string{"Retry-After": "0.01"}})
	var logs bytes.Buffer

	runSender(t, actions.SenderConfig{Tenant: "t1", Client: client, MaxAttempts: 3, Logger: newLogger(&logs)}, pingJob("pong"))

	if have := len(api.received()); have != 3 {
		t.Errorf("requests: have %d, want MaxAttempts 3", have)
	}
	retries, failures := 0, 0
	for _, line := range logLines(t, &logs) {
		switch line["msg"] {
		case "retrying api request":
			retries++
		case "action failed":
			failures++
			if line["status"] != 502.0 {
				t.Errorf("failure log line: have status %v, want 502", line["status"])
			}
		}
	}
	if retries != 2 || failures != 1 {
		t.Errorf("log: have %d retry and %d failure lines, want 2 and 1:\n%s", retries, failures, logs.String())
	}
}

func TestSenderDryRun(t *testing.T) {
	var logs bytes.Buffer

	runSender(t, actions.SenderConfig{Tenant: "t1", Logger: newLogger(&logs)}, pingJob("pong"))

	want := `{"level":"INFO","msg":"dry run: no token set, message not sent",` +
		`"plugin":"ping","event":"MESSAGE_CREATE","action":"send","channel":5,"dm":false,"content":"pong"}` + "\n"
	if have := logs.String(); have != want {
		t.Errorf("log:\nhave %s\nwant %s", have, want)
	}
}

func TestSenderSplitsLongMessage(t *testing.T) {
	text := chineseText(4000, 0)
	api, client := newFakeAPI(t, created(1), created(2))
	var sent sentIDs

	runSender(t, actions.SenderConfig{Tenant: "t1", Client: client, OnSent: sent.record}, pingJob(text))

	reqs := api.received()
	if len(reqs) != 2 {
		t.Fatalf("requests: have %d, want 2", len(reqs))
	}
	var rejoined strings.Builder
	for i, req := range reqs {
		var body struct {
			Content string `json:"content"`
		}
		if err := json.Unmarshal([]byte(req.Body), &body); err != nil {
			t.Fatalf("request %d body %q: %v", i, req.Body, err)
		}
		if units := utf16Units(body.Content); units > actions.MaxMessageChars {
			t.Errorf("request %d: have %d UTF-16 units, want at most %d", i, units, actions.MaxMessageChars)
		}
		rejoined.WriteString(body.Content)
	}
	if rejoined.String() != text {
		t.Error("pieces in request order do not rejoin to the message")
	}
	if !slices.Equal(sent, sentIDs{1, 2}) {
		t.Errorf("OnSent ids: have %v, want [1 2]", sent)
	}
}

func TestSenderStopsSplitMessageOnFailure(t *testing.T) {
	long := chineseText(5000, 0) // three pieces
	api, client := newFakeAPI(t,
		created(1),
		reply{status: http.StatusForbidden, body: `{"error":"forbidden","message":"missing permission"}`},
		created(3))
	var sent sentIDs
	next := actions.Job{ChannelID: 6, Content: "next job", Plugin: "ping", EventType: "MESSAGE_CREATE"}

	runSender(t, actions.SenderConfig{Tenant: "t1", Client: client, OnSent: sent.record}, pingJob(long), next)

	// The rest of a split message would read out of context, so the third
	// piece is dropped, but the next job is still sent.
	var paths []string
	for _, req := range api.received() {
		paths = append(paths, req.Path)
	}
	want := []string{
		"/api/bot/v1/channels/5/messages",
		"/api/bot/v1/channels/5/messages",
		"/api/bot/v1/channels/6/messages",
	}
	if !slices.Equal(paths, want) {
		t.Errorf("request paths:\nhave %v\nwant %v", paths, want)
	}
	if !slices.Equal(sent, sentIDs{1, 3}) {
		t.Errorf("OnSent ids: have %v, want [1 3]", sent)
	}
}

func TestSenderDMEndpoint(t *testing.T) {
	api, client := newFakeAPI(t, created(1))
	job := actions.Job{ChannelID: 456, DM: true, Content: "pong", Plugin: "ping", EventType: "DM_MESSAGE_CREATE"}

	runSender(t, actions.SenderConfig{Tenant: "t1", Client: client}, job)

	if have, want := api.received()[0].Path, "/api/bot/v1/dm/channels/456/messages"; have != want {
		t.Errorf("path: have %s, want %s", have, want)
	}
}

func TestSenderEnqueueFull(t *testing.T) {
	s := actions.NewSender(actions.SenderConfig{Tenant: "t1", QueueSize: 2})
	for i := range 2 {
		if err := s.Enqueue(pingJob("pong")); err != nil {
			t.Fatalf("Enqueue %d: have error %v, want nil", i, err)
		}
	}
	if err := s.Enqueue(pingJob("pong")); !errors.Is(err, actions.ErrQueueFull) {
		t.Errorf("Enqueue beyond QueueSize 2: have error %v, want %v", err, actions.ErrQueueFull)
	}
}

func TestSenderRunStopsOnCancel(t *testing.T) {
	s := actions.NewSender(actions.SenderConfig{Tenant: "t1"})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	// Run returns without Close because its context is done.
	s.Run(ctx)
}

func TestSenderBusyPluginDoesNotStarveOthers(t *testing.T) {
	t.Parallel()
	api, client := newFakeAPI(t, created(1))
	s := actions.NewSender(actions.SenderConfig{Tenant: "t1", Client: client, QueueSize: 100, PluginQueueSize: 10})

	// The noisy plugin fills its share of the queue and is refused beyond it.
	for i := range 10 {
		if err := s.Enqueue(actions.Job{ChannelID: 5, Content: "noise", Plugin: "noisy"}); err != nil {
			t.Fatalf("Enqueue noisy %d: %v", i, err)
		}
	}
	if err := s.Enqueue(actions.Job{ChannelID: 5, Content: "noise", Plugin: "noisy"}); !errors.Is(err, actions.ErrQueueFull) {
		t.Errorf("Enqueue past the plugin's share: have %v, want %v", err, actions.ErrQueueFull)
	}
	// A quiet plugin still gets in, and is served second, not eleventh.
	if err := s.Enqueue(actions.Job{ChannelID: 5, Content: "quiet", Plugin: "quiet"}); err != nil {
		t.Fatalf("Enqueue quiet: %v", err)
	}
	s.Close()
	s.Run(t.Context())

	reqs := api.received()
	if len(reqs) != 11 {
		t.Fatalf("requests: have %d, want 11", len(reqs))
	}
	if !strings.Contains(reqs[1].Body, "quiet") {
		t.Errorf("second request: have %s, want the quiet plugin's message", reqs[1].Body)
	}
}
