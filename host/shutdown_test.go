package host_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host"
	hostevent "github.com/bubblehost/bubblehost/host/event"
)

// logLines returns every JSON log line in logs whose msg is message.
func logLines(logs, message string) []map[string]any {
	var lines []map[string]any
	scanner := bufio.NewScanner(strings.NewReader(logs))
	scanner.Buffer(nil, 1<<20)
	for scanner.Scan() {
		var line map[string]any
		if json.Unmarshal(scanner.Bytes(), &line) == nil && line["msg"] == message {
			lines = append(lines, line)
		}
	}
	return lines
}

// readyStatus returns the status of GET /readyz.
func (th *testHost) readyStatus(t *testing.T) int {
	t.Helper()
	resp, err := http.Get(th.url + "/readyz")
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestShutdownTimeoutNamesAbandonedEvents(t *testing.T) {
	th := startHost(t, []string{"internal/testplugins/probe"}, func(c *host.Config) {
		tc := c.Tenants["demo"]
		tc.Deadline = 10 * time.Second
		// One event at a time, and at most 4 held by the dispatcher, so
		// that of the 6 events below 1 runs, 3 wait behind it on their
		// channel and 2 stay in the queue.
		tc.Concurrency = 1
		c.Tenants["demo"] = tc
	})

	bodies := [][]byte{event(t, map[string]any{"content": "!spin 3000", "id": 1})}
	for i := range 5 {
		bodies = append(bodies, event(t, map[string]any{"content": fmt.Sprintf("!echo %d", i), "id": 10 + i}))
	}
	var want []string
	for _, body := range bodies {
		th.mustPost(t, body)
		want = append(want, hostevent.Key(body)[:12])
	}
	waitFor(t, "2 events left in the queue", func() bool { return th.Status()[0].Queued == 2 })

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	shutdownErr := make(chan error, 1)
	go func() { shutdownErr <- th.Shutdown(ctx) }()

	// While the host drains, the listener still serves and intake responds
	// 503, so that the platform retries the event later.
	waitFor(t, "/readyz to answer 503", func() bool { return th.readyStatus(t) == http.StatusServiceUnavailable })
	late := event(t, map[string]any{"content": "!echo late", "id": 99})
	if have := th.post(t, late); have != http.StatusServiceUnavailable {
		t.Errorf("webhook during the drain: have status %d, want 503", have)
	}

	var err error
	select {
	case err = <-shutdownErr:
	case <-time.After(10 * time.Second):
		t.Fatal("Shutdown did not return within 10s of a 500ms timeout")
	}
	if err == nil || !strings.Contains(err.Error(), "6 accepted events unfinished") {
		t.Errorf("Shutdown error: have %v, want one that counts 6 unfinished events", err)
	}

	lines := logLines(th.logs.String(), "stop timed out; abandoning accepted events")
	if len(lines) != 1 {
		t.Fatalf("abandon log lines: have %d, want 1; log:\n%s", len(lines), th.logs.String())
	}
	keys, ok := lines[0]["event_keys"].([]any)
	if !ok {
		t.Fatalf("abandon log line has no list event_keys: %v", lines[0])
	}
	var have []string
	for _, key := range keys {
		have = append(have, fmt.Sprint(key))
	}
	if !slices.Equal(have, want) {
		t.Errorf("event_keys:\nhave %q\nwant %q (in the order received)", have, want)
	}
	if lines[0]["tenant"] != "demo" {
		t.Errorf("abandon log line: have tenant %v, want demo", lines[0]["tenant"])
	}
	if slices.Contains(have, hostevent.Key(late)[:12]) {
		t.Errorf("event_keys name the event answered 503, which was never accepted")
	}
	if replies := th.api.contents(); len(replies) != 0 {
		t.Errorf("replies after abandoning every event: have %q, want none", replies)
	}
}

func TestShutdownInTimeAbandonsNothing(t *testing.T) {
	th := startHost(t, []string{"internal/testplugins/probe"}, func(c *host.Config) {
		tc := c.Tenants["demo"]
		tc.Deadline = 5 * time.Second
		c.Tenants["demo"] = tc
	})

	th.mustPost(t, event(t, map[string]any{"content": "!spin 300", "id": 1}))
	th.mustPost(t, event(t, map[string]any{"content": "!echo after", "id": 2}))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := th.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: have error %v, want nil", err)
	}

	if have := th.api.contents(); !slices.Equal(have, []string{"done", "after"}) {
		t.Errorf("replies: have %q, want [done after] (the call in flight, then the one behind it)", have)
	}
	if lines := logLines(th.logs.String(), "stop timed out; abandoning accepted events"); len(lines) != 0 {
		t.Errorf("abandon log lines: have %v, want none", lines)
	}
}
