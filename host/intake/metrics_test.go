package intake_test

import (
	"net/http"
	"testing"

	"github.com/bubblehost/bubblehost/host/intake"
	"github.com/bubblehost/bubblehost/host/signature"
)

func TestWebhookMetrics(t *testing.T) {
	h := newHarness(t, 8, nil)
	m := h.metrics
	create := readSample(t, "MESSAGE_CREATE")
	pretty := indent(t, readSample(t, "MESSAGE_UPDATE"))
	stringified, err := signature.Stringify(pretty)
	if err != nil {
		t.Fatalf("Stringify: %v", err)
	}

	// Accepted over the raw body, then its repeat.
	wantStatus(t, h.send(t, signed(tenantSigned, create)), "accepted")
	wantStatus(t, h.send(t, signed(tenantSigned, create)), "duplicate")
	// Accepted over the stringify form.
	wantStatus(t, h.send(t, post(tenantSigned, pretty, intake.HeaderSignature, sign(secret, stringified))), "accepted")
	// Rejected: a bad signature, a missing one, and a type mismatch.
	h.send(t, post(tenantSigned, create, intake.HeaderSignature, sign("wrong", create)))
	h.send(t, post(tenantSigned, create))
	h.send(t, signed(tenantSigned, create, intake.HeaderEvent, "MESSAGE_DELETE"))
	// An unknown type, labeled "other".
	wantStatus(t, h.send(t, post(tenantOpen, []byte(`{"type":"THREAD_CREATE"}`))), "accepted")
	// An unknown tenant, which must not become a label.
	h.send(t, signed("nobody", create))

	tests := []struct {
		name string
		have float64
		want float64
	}{
		{"accepted MESSAGE_CREATE", counter(t, m.EventsReceived, tenantSigned, "MESSAGE_CREATE", "accepted"), 1},
		{"duplicate MESSAGE_CREATE", counter(t, m.EventsReceived, tenantSigned, "MESSAGE_CREATE", "duplicate"), 1},
		{"accepted MESSAGE_UPDATE", counter(t, m.EventsReceived, tenantSigned, "MESSAGE_UPDATE", "accepted"), 1},
		{"rejected before decoding", counter(t, m.EventsReceived, tenantSigned, "none", "rejected"), 2},
		{"rejected after decoding", counter(t, m.EventsReceived, tenantSigned, "MESSAGE_CREATE", "rejected"), 1},
		{"accepted unknown type", counter(t, m.EventsReceived, tenantOpen, "other", "accepted"), 1},
		{"signature matches raw", counter(t, m.SignatureMatches, tenantSigned, "raw"), 3},
		{"signature matches stringify", counter(t, m.SignatureMatches, tenantSigned, "stringify"), 1},
		{"signature failures mismatch", counter(t, m.VerifyFailures, tenantSigned, "mismatch"), 1},
		{"signature failures missing", counter(t, m.VerifyFailures, tenantSigned, "missing"), 1},
	}
	for _, tt := range tests {
		if tt.have != tt.want {
			t.Errorf("%s: have %v, want %v", tt.name, tt.have, tt.want)
		}
	}

	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	for _, family := range families {
		for _, metric := range family.GetMetric() {
			for _, label := range metric.GetLabel() {
				if label.GetName() == "tenant" && label.GetValue() == "nobody" {
					t.Errorf("%s has a series for the unknown tenant %q", family.GetName(), label.GetValue())
				}
			}
		}
	}
}

func TestWebhookMetricsUnavailable(t *testing.T) {
	h := newHarness(t, 1, nil)
	wantStatus(t, h.send(t, signed(tenantSigned, readSample(t, "MESSAGE_CREATE"))), "accepted")

	resp := h.send(t, signed(tenantSigned, readSample(t, "MESSAGE_UPDATE")))
	if resp.status != http.StatusServiceUnavailable {
		t.Fatalf("status with a full queue: have %d, want 503", resp.status)
	}
	if have := counter(t, h.metrics.EventsReceived, tenantSigned, "MESSAGE_UPDATE", "unavailable"); have != 1 {
		t.Errorf("unavailable MESSAGE_UPDATE: have %v, want 1", have)
	}
}
