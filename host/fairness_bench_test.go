package host_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host"
	"github.com/bubblehost/bubblehost/host/bubbletest"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// BenchmarkFairness measures tenant B's latency from webhook to action,
// first alone and then while tenant A's plugin spins until its deadline on
// every event, and reports B's p50 and p99 for both. B sends one event
// every 210 ms, under its rate limit, so the figures are the host's own.
func BenchmarkFairness(b *testing.B) {
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
	h, err := host.New(host.Config{DataDir: dir, CacheDir: wasmtest.CacheDir(b), Tenants: map[string]host.TenantConfig{
		"a": tenant("token-a"), "b": tenant("token-b"),
	}}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	if err := h.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	defer h.Shutdown(context.Background())
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

	for b.Loop() {
		aloneP50, aloneP99 := measure(40)

		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				senderA.Deliver(context.Background(), bubbletest.MessageCreate(int64(50000+i), 7, "!loop"))
				time.Sleep(5 * time.Millisecond)
			}
		}()
		time.Sleep(time.Second)
		loadedP50, loadedP99 := measure(40)
		close(stop)
		<-done

		b.ReportMetric(float64(aloneP50.Microseconds()), "alone-p50-µs")
		b.ReportMetric(float64(aloneP99.Microseconds()), "alone-p99-µs")
		b.ReportMetric(float64(loadedP50.Microseconds()), "loaded-p50-µs")
		b.ReportMetric(float64(loadedP99.Microseconds()), "loaded-p99-µs")
	}
}
