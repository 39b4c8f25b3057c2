package host_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bubblehost/bubblehost/host"
	"github.com/bubblehost/bubblehost/host/bubbletest"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// fairnessSamples is how many events of tenant B each phase of
// BenchmarkFairness times; with 150, the p99 is not simply the slowest.
const fairnessSamples = 150

// BenchmarkFairness measures tenant B's latency from webhook to action in
// three phases. In "alone", A sends nothing. In "busy", tenant A's plugin
// computes for 0.8 s on every event, well inside its 2 s deadline, so the
// circuit breaker never pauses A. In
// "looping", A's plugin loops until the deadline on every event. A sends
// events as fast as the host takes them. B sends one event every 210 ms,
// under its rate limit, so the figures are the host's own.
//
// The sub-benchmarks run with the default lower_priority_after and with
// every call at full priority, to show what lowering long calls does.
func BenchmarkFairness(b *testing.B) {
	b.Run("lowered", func(b *testing.B) { fairness(b, 0) })
	b.Run("full-priority", func(b *testing.B) { fairness(b, -1) })
}

func fairness(b *testing.B, lowerAfter time.Duration) {
	platform := bubbletest.NewPlatform(bubbletest.Options{
		Rate: 1e9, Burst: 1e9,
		Bots: []bubbletest.Bot{{Token: "token-a", ID: 1}, {Token: "token-b", ID: 2}},
	})
	defer platform.Close()

	dir := b.TempDir()
	tenantDir := func(name string) string {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
		wasm, err := os.ReadFile(wasmtest.Build(b, "internal/testplugins/probe"))
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "probe.wasm"), wasm, 0o644); err != nil {
			b.Fatal(err)
		}
		return d
	}
	tenant := func(token string) host.TenantConfig {
		return host.TenantConfig{Signature: host.SignatureOff, Token: token, APIBase: platform.APIBase(),
			PluginDir: tenantDir(token), Deadline: 2 * time.Second}
	}
	// A runs as many events at once as it may hold guest slots (all but
	// one of the default CPUs+1), so its calls never wait for a slot and
	// keep every CPU busy.
	a := tenant("token-a")
	a.Concurrency, a.Instances = goruntime.NumCPU(), goruntime.NumCPU()
	// A short queue keeps A's backlog, which runs on after A stops
	// sending, to a few seconds between phases.
	h, err := host.New(host.Config{DataDir: dir, CacheDir: wasmtest.CacheDir(b), LowerPriorityAfter: lowerAfter, QueueSize: 4,
		Tenants: map[string]host.TenantConfig{"a": a, "b": tenant("token-b")},
	}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	if err := h.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	defer func() {
		// A's queue is full of slow events; abandon them rather than run them.
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		h.Shutdown(ctx)
	}()
	senderA := bubbletest.WebhookSender{URL: srv.URL + "/webhook/a", Schedule: []time.Duration{}}
	senderB := bubbletest.WebhookSender{URL: srv.URL + "/webhook/b", Schedule: []time.Duration{}}

	channel := int64(1000)
	measure := func(n int) (p50, p99 time.Duration) {
		var lat []time.Duration
		for i := range n {
			channel++
			start := time.Now()
			if _, err := senderB.Deliver(context.Background(), bubbletest.MessageCreate(channel, 7, fmt.Sprintf("!echo %d", i))); err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, err := platform.WaitMessages(ctx, channel, 1)
			cancel()
			if err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
			time.Sleep(210 * time.Millisecond)
		}
		slices.Sort(lat)
		return lat[n/2], lat[n*99/100]
	}

	// aCalls counts A's finished and skipped calls.
	aCalls := func() float64 { return endedCalls(h, "a", "probe") }

	// load keeps tenant A sending content as fast as the host takes it,
	// until the returned stop is called. Stop returns once A's backlog has
	// run, that is once no call of A has ended for longer than a call takes.
	load := func(content string) (stop func()) {
		quit := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; ; i++ {
				select {
				case <-quit:
					return
				default:
				}
				senderA.Deliver(context.Background(), bubbletest.MessageCreate(int64(50000+i), 7, content))
				time.Sleep(5 * time.Millisecond)
			}
		}()
		time.Sleep(time.Second)
		return func() {
			close(quit)
			<-done
			for last := aCalls(); ; {
				time.Sleep(2500 * time.Millisecond)
				n := aCalls()
				if n == last {
					return
				}
				last = n
			}
		}
	}

	for b.Loop() {
		aloneP50, aloneP99 := measure(fairnessSamples)

		calls := h.Metrics().PluginCalls
		okBefore := testutil.ToFloat64(calls.WithLabelValues("a", "probe", "ok"))
		stop := load("!busy 800")
		busyP50, busyP99 := measure(fairnessSamples)
		stop()
		busyOK := testutil.ToFloat64(calls.WithLabelValues("a", "probe", "ok")) - okBefore
		busyTimeouts := testutil.ToFloat64(calls.WithLabelValues("a", "probe", "timeout"))

		stop = load("!loop")
		loopP50, loopP99 := measure(fairnessSamples)
		stop()
		loopTimeouts := testutil.ToFloat64(calls.WithLabelValues("a", "probe", "timeout")) - busyTimeouts
		loopPaused := testutil.ToFloat64(calls.WithLabelValues("a", "probe", "paused"))

		b.ReportMetric(float64(aloneP50.Microseconds()), "alone-p50-µs")
		b.ReportMetric(float64(aloneP99.Microseconds()), "alone-p99-µs")
		b.ReportMetric(float64(busyP50.Microseconds()), "busy-p50-µs")
		b.ReportMetric(float64(busyP99.Microseconds()), "busy-p99-µs")
		b.ReportMetric(busyOK, "busy-a-calls")
		b.ReportMetric(busyTimeouts, "busy-a-timeouts")
		b.ReportMetric(float64(loopP50.Microseconds()), "looping-p50-µs")
		b.ReportMetric(float64(loopP99.Microseconds()), "looping-p99-µs")
		b.ReportMetric(loopTimeouts, "looping-a-timeouts")
		b.ReportMetric(loopPaused, "looping-a-paused")
	}
}
