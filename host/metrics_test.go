package host_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host"
	"github.com/bubblehost/bubblehost/host/bubbletest"
	"github.com/bubblehost/bubblehost/host/signature"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// scrape returns the host's /metrics text.
func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// metricValue returns the value of the sample whose name and labels
// (as written in the exposition, e.g. `x_total{a="b"}`) start the line.
func metricValue(text, sample string) string {
	for line := range strings.Lines(text) {
		if rest, ok := strings.CutPrefix(line, sample+" "); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

func TestMetricsAfterScriptedRun(t *testing.T) {
	platform := bubbletest.NewPlatform(bubbletest.Options{
		Bots: []bubbletest.Bot{{Token: platformToken, ID: 42, UserID: platformBot}},
	})
	defer platform.Close()
	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	os.MkdirAll(pluginDir, 0o755)
	wasm, err := os.ReadFile(wasmtest.Build(t, "internal/testplugins/probe"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(pluginDir, "probe.wasm"), wasm, 0o644)

	h, err := host.New(host.Config{DataDir: dir, CacheDir: wasmtest.CacheDir(t), Tenants: map[string]host.TenantConfig{
		"demo": {Secrets: []string{platformSecret}, Token: platformToken, APIBase: platform.APIBase(),
			// Room for one of the two lines !print writes.
			PluginDir: pluginDir, Deadline: 300 * time.Millisecond, LogBytes: 100},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()

	// Not ready until the plugins are loaded.
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz before Start: %d, want 503", resp.StatusCode)
	}
	if err := h.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer h.Shutdown(context.Background())
	resp, err = http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz after Start: %d, want 200", resp.StatusCode)
	}

	sender := bubbletest.WebhookSender{URL: srv.URL + "/webhook/demo", Secret: platformSecret, Schedule: []time.Duration{}}
	deliver := func(body []byte) {
		t.Helper()
		if _, err := sender.Deliver(context.Background(), body); err != nil {
			t.Fatal(err)
		}
	}

	// The script: a reply, the same event again, a reply sent through one
	// 429, a loop stopped at its deadline, output over the log limit, a bad
	// signature, and a body signed over its JSON.stringify form.
	echo := bubbletest.MessageCreate(5, 1, "!echo one")
	deliver(echo)
	deliver(echo)
	waitMessages(t, platform, 5, 1)
	platform.SetFault(bubbletest.Fault{RateLimitErrors: 1, RetryAfter: 100 * time.Millisecond})
	deliver(bubbletest.MessageCreate(5, 1, "!echo two"))
	waitMessages(t, platform, 5, 2)
	deliver(bubbletest.MessageCreate(6, 1, "!loop"))
	deliver(bubbletest.MessageCreate(8, 1, "!print"))

	bad := bubbletest.WebhookSender{URL: sender.URL, Secret: "not-the-secret", Schedule: []time.Duration{}}
	if _, err := bad.Deliver(context.Background(), bubbletest.MessageCreate(5, 1, "x")); err == nil {
		t.Fatal("a wrongly signed event was accepted")
	}
	var pretty bytes.Buffer
	json.Indent(&pretty, bubbletest.MessageCreate(7, 1, "!echo three"), "", "  ")
	compact, err := signature.Stringify(pretty.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, sender.URL, bytes.NewReader(pretty.Bytes()))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Bubble-Signature", signature.Sign([]byte(platformSecret), compact))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("body signed over its stringify form: status %d", resp.StatusCode)
	}
	waitMessages(t, platform, 7, 1)

	// Every counter the script should have moved, read from /metrics.
	var text string
	want := map[string]string{
		`bubblehost_events_received_total{outcome="accepted",tenant="demo",type="MESSAGE_CREATE"}`:  "5",
		`bubblehost_events_received_total{outcome="duplicate",tenant="demo",type="MESSAGE_CREATE"}`: "1",
		`bubblehost_events_received_total{outcome="rejected",tenant="demo",type="none"}`:            "1",
		`bubblehost_signature_failures_total{reason="mismatch",tenant="demo"}`:                      "1",
		`bubblehost_signature_matches_total{form="raw",tenant="demo"}`:                              "5",
		`bubblehost_signature_matches_total{form="stringify",tenant="demo"}`:                        "1",
		`bubblehost_plugin_calls_total{outcome="ok",plugin="probe",tenant="demo"}`:                  "4",
		`bubblehost_plugin_calls_total{outcome="timeout",plugin="probe",tenant="demo"}`:             "1",
		`bubblehost_plugin_loads_total{outcome="ok",tenant="demo"}`:                                 "1",
		`bubblehost_api_requests_total{endpoint="channel_messages",status="200",tenant="demo"}`:     "3",
		`bubblehost_api_requests_total{endpoint="channel_messages",status="429",tenant="demo"}`:     "1",
		`bubblehost_actions_total{action="reply",outcome="queued",tenant="demo"}`:                   "3",
		`bubblehost_plugin_call_duration_seconds_count{plugin="probe",tenant="demo"}`:               "5",
		`bubblehost_api_retries_total{endpoint="channel_messages",tenant="demo"}`:                   "1",
		`bubblehost_plugin_limit_hits_total{limit="log_bytes",plugin="probe",tenant="demo"}`:        "1",
		`bubblehost_queue_depth{tenant="demo"}`:                                                     "0",
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		text = scrape(t, srv.URL)
		missing := 0
		for sample, value := range want {
			if metricValue(text, sample) != value {
				missing++
			}
		}
		if missing == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for sample, value := range want {
		if have := metricValue(text, sample); have != value {
			t.Errorf("%s = %q, want %s", sample, have, value)
		}
	}
	if !strings.Contains(text, `bubblehost_queue_depth{tenant="demo"}`) {
		t.Errorf("/metrics has no queue depth for the tenant")
	}
	if strings.Contains(text, platformSecret) || strings.Contains(text, platformToken) {
		t.Errorf("/metrics contains a secret or a token")
	}
}
