package cli_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/cli"
	"github.com/bubblehost/bubblehost/host/event"
)

func TestServeStopDrainsBehind503(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the probe plugin")
	}
	h := startOperateHost(t, operateOptions{probe: true})

	// A call that outlasts the shutdown timeout of 1s.
	slow := messageBody(1, "!spin 3000")
	if status, body := postWebhook(t, h.webhookURL, operateSecret, slow); status != http.StatusOK {
		t.Fatalf("webhook: have status %d (%s), want 200", status, body)
	}
	waitFor(t, 10*time.Second, "the event to leave the queue", func() bool {
		rows := tableRows(h.admin(t, nil, "status").stdout)
		return len(rows) == 2 && len(rows[1]) == 5 && rows[1][3] == "0"
	})

	// Cancelling the context is what SIGTERM does to serve. Until the
	// listener closes, a webhook must get 503, never a refused connection:
	// an unsigned POST without a body gets 415 while the host runs and
	// 503 once it drains.
	start := time.Now()
	h.cancel()
	var statuses []int
	for time.Since(start) < 5*time.Second {
		resp, err := http.Post(h.webhookURL, "", nil)
		if err != nil {
			break
		}
		resp.Body.Close()
		if len(statuses) == 0 || statuses[len(statuses)-1] != resp.StatusCode {
			statuses = append(statuses, resp.StatusCode)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !slices.Contains(statuses, http.StatusServiceUnavailable) {
		t.Errorf("webhook statuses during the stop: have %v, want 503 before the listener closed", statuses)
	}
	if i := slices.Index(statuses, http.StatusServiceUnavailable); i >= 0 && i != len(statuses)-1 {
		t.Errorf("webhook statuses during the stop: have %v, want 503 to the end", statuses)
	}

	code := h.stop(t)
	if code != cli.ExitFailure {
		t.Errorf("exit after an incomplete drain: have %d, want %d", code, cli.ExitFailure)
	}
	line := logLine(h.stderr.String(), "stop timed out; abandoning accepted events", map[string]any{"tenant": "demo"})
	if line == nil {
		t.Fatalf("no log line naming the abandoned events; log:\n%s", h.stderr.String())
	}
	want := event.Key(slow)[:12]
	if keys := fmt.Sprint(line["event_keys"]); keys != "["+want+"]" {
		t.Errorf("event_keys: have %s, want [%s]", keys, want)
	}
	if elapsed := time.Since(start); elapsed > 8*time.Second {
		t.Errorf("stop took %v, want about the shutdown timeout of 1s", elapsed)
	}
}
