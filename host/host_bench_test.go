package host_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/bubblehost/bubblehost/host"
	"github.com/bubblehost/bubblehost/host/bubbletest"
	"github.com/bubblehost/bubblehost/host/signature"
)

// BenchmarkWebhookHTTP posts signed webhooks to a running host over
// loopback HTTP from parallel clients and counts accepted events per
// second. The tenant has no plugins, so this is the intake's throughput:
// HTTP, reading the body, verifying, decoding, de-duplicating and queueing.
func BenchmarkWebhookHTTP(b *testing.B) {
	h, err := host.New(host.Config{
		DataDir:   b.TempDir(),
		QueueSize: 1 << 20,
		Tenants: map[string]host.TenantConfig{"bench": {
			Secrets:   []string{"bench-secret"},
			PluginDir: b.TempDir(),
		}},
	}, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := h.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	defer h.Shutdown(context.Background())
	client := srv.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64

	var seq atomic.Int64
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := bubbletest.MessageCreate(5, 1, fmt.Sprintf("message %d", seq.Add(1)))
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhook/bench", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Bubble-Signature", signature.Sign([]byte("bench-secret"), body))
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "webhooks/s")
}
