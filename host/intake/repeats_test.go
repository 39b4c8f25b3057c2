package intake_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
)

func TestWebhookRepeatQueuedOnce(t *testing.T) {
	h := newHarness(t, 8, nil)
	req := signed(tenantSigned, readSample(t, "MESSAGE_CREATE"))

	// The platform delivers an event at most 4 times: once and 3 retries.
	wantStatus(t, h.send(t, req), "accepted")
	for range 3 {
		wantStatus(t, h.send(t, req), "duplicate")
	}
	h.wantQueued(t, tenantSigned, 1)
}

func TestWebhookEditIsNotRepeat(t *testing.T) {
	h := newHarness(t, 8, nil)
	edit := readSample(t, "MESSAGE_UPDATE")
	secondEdit := bytes.Replace(edit, []byte("!ping (edited)"), []byte("!ping (edited twice)"), 1)
	if bytes.Equal(edit, secondEdit) {
		t.Fatal("the second edit is the same body as the first, want a different one")
	}

	// Both edits carry message id 1001, but they are different events.
	wantStatus(t, h.send(t, signed(tenantSigned, edit)), "accepted")
	wantStatus(t, h.send(t, signed(tenantSigned, secondEdit)), "accepted")
	h.wantQueued(t, tenantSigned, 2)
}

func TestWebhookRepeatsPerTenant(t *testing.T) {
	h := newHarness(t, 8, nil)
	body := readSample(t, "MESSAGE_CREATE")

	// One body sent to two bots is one event for each.
	wantStatus(t, h.send(t, signed(tenantSigned, body)), "accepted")
	wantStatus(t, h.send(t, post(tenantOpen, body)), "accepted")
	if have := h.queue.Len(tenantSigned); have != 1 {
		t.Errorf("events queued for %s: have %d, want 1", tenantSigned, have)
	}
	if have := h.queue.Len(tenantOpen); have != 1 {
		t.Errorf("events queued for %s: have %d, want 1", tenantOpen, have)
	}
}

func TestWebhookConcurrentRepeats(t *testing.T) {
	const senders = 20
	h := newHarness(t, 8, nil)
	req := signed(tenantSigned, readSample(t, "MESSAGE_CREATE"))

	start := make(chan struct{})
	statuses := make([]string, senders)
	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			<-start
			resp, err := h.do(t.Context(), req)
			if err != nil {
				t.Errorf("sender %d: %v", i, err)
				return
			}
			var body map[string]string
			if resp.status != http.StatusOK || json.Unmarshal(resp.body, &body) != nil {
				t.Errorf("sender %d: have status %d and body %s, want 200 with a status", i, resp.status, resp.body)
				return
			}
			statuses[i] = body["status"]
		})
	}
	close(start)
	wg.Wait()

	count := map[string]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count["accepted"] != 1 || count["duplicate"] != senders-1 {
		t.Errorf("statuses: have %v, want 1 accepted and %d duplicate", count, senders-1)
	}
	h.wantQueued(t, tenantSigned, 1)
}

func TestWebhookQueueFullThenRetry(t *testing.T) {
	h := newHarness(t, 1, nil)
	first := signed(tenantSigned, readSample(t, "MESSAGE_CREATE"))
	second := signed(tenantSigned, readSample(t, "MESSAGE_UPDATE"))
	wantStatus(t, h.send(t, first), "accepted")

	// The queue holds one event, so the second gets 503 and is not kept.
	resp := h.send(t, second)
	wantError(t, resp, http.StatusServiceUnavailable, "unavailable", "busy")
	if have := resp.header.Get("Retry-After"); have != "7" {
		t.Errorf("Retry-After: have %q, want %q", have, "7")
	}
	h.wantQueued(t, tenantSigned, 1)

	// Once the queue drains, the platform's retry of the same body is a new
	// delivery, because the 503 released its dedupe claim.
	h.take(t, tenantSigned)
	wantStatus(t, h.send(t, second), "accepted")
	h.wantQueued(t, tenantSigned, 1)
	if have := h.take(t, tenantSigned).Body; !bytes.Equal(have, second.body) {
		t.Errorf("queued body: have %s, want the retried %s", have, second.body)
	}

	// A further retry is now a repeat of a queued event.
	wantStatus(t, h.send(t, second), "duplicate")
}

func TestWebhookQueueClosed(t *testing.T) {
	h := newHarness(t, 8, nil)
	req := signed(tenantSigned, readSample(t, "MESSAGE_CREATE"))
	h.queue.Close()

	wantError(t, h.send(t, req), http.StatusServiceUnavailable, "unavailable", "queueing the event failed")
	h.wantQueued(t, tenantSigned, 0)
}
