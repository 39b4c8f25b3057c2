package dispatch

import (
	"testing"
	"time"
)

func TestBreakerPausesAndProbes(t *testing.T) {
	var b breaker
	now := time.Unix(1000, 0)

	for i := range breakerThreshold - 1 {
		if paused, _, _ := b.record(false, now, now); paused {
			t.Fatalf("paused after %d failures, want only after %d", i+1, breakerThreshold)
		}
		if !b.allow(now) {
			t.Fatalf("call refused after %d failures", i+1)
		}
	}
	paused, pause, _ := b.record(false, now, now)
	if !paused || pause != breakerBase {
		t.Fatalf("after %d failures: paused=%v pause=%v, want true and %v", breakerThreshold, paused, pause, breakerBase)
	}
	if b.allow(now.Add(breakerBase - time.Millisecond)) {
		t.Errorf("call allowed during the pause")
	}

	// After the pause one probe runs; others wait for its result.
	later := now.Add(breakerBase)
	if !b.allow(later) {
		t.Fatalf("probe refused after the pause")
	}
	if b.allow(later) {
		t.Errorf("a second call allowed while the probe runs")
	}
	paused, pause, _ = b.record(false, later, later)
	if !paused || pause != 2*breakerBase {
		t.Errorf("failed probe: paused=%v pause=%v, want true and %v", paused, pause, 2*breakerBase)
	}

	// A successful probe closes the breaker.
	latest := later.Add(2 * breakerBase)
	if !b.allow(latest) {
		t.Fatalf("second probe refused")
	}
	if _, _, resumed := b.record(true, latest, latest); !resumed {
		t.Errorf("successful probe did not report the resume")
	}
	if !b.allow(latest) || !b.allow(latest) {
		t.Errorf("calls refused after the breaker closed")
	}
}

func TestBreakerBackoffIsCapped(t *testing.T) {
	var b breaker
	now := time.Unix(1000, 0)
	for range breakerThreshold {
		b.record(false, now, now)
	}
	var pause time.Duration
	for range 20 {
		now = now.Add(breakerMax)
		b.allow(now)
		_, pause, _ = b.record(false, now, now)
	}
	if pause != breakerMax {
		t.Errorf("pause after many failed probes = %v, want the cap %v", pause, breakerMax)
	}
}

func TestBreakerIgnoresCallsFromBeforeThePause(t *testing.T) {
	var b breaker
	start := time.Unix(1000, 0)
	now := start.Add(time.Second)
	for range breakerThreshold {
		b.record(false, start, now)
	}
	// Calls that were already running when the pause began end later: they
	// neither lengthen the pause nor end it.
	if paused, _, _ := b.record(false, start, now.Add(time.Millisecond)); paused {
		t.Errorf("a call from before the pause paused the plugin again")
	}
	if _, _, resumed := b.record(true, start, now.Add(2*time.Millisecond)); resumed {
		t.Errorf("a call from before the pause resumed the plugin")
	}
	if b.allow(now.Add(3 * time.Millisecond)) {
		t.Errorf("call allowed during the pause")
	}
}
