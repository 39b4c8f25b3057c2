package intake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/bubblehost/bubblehost/host/dedupe"
	"github.com/bubblehost/bubblehost/host/event"
	"github.com/bubblehost/bubblehost/host/intake"
	"github.com/bubblehost/bubblehost/host/metrics"
	"github.com/bubblehost/bubblehost/host/queue"
	"github.com/bubblehost/bubblehost/host/signature"
)

// The tenants every harness serves, one per signature setup.
const (
	tenantSigned   = "signed"   // Required, secret s3cret
	tenantRotated  = "rotated"  // Required, secrets old-secret and new-secret
	tenantOptional = "optional" // Optional, secret s3cret
	tenantOpen     = "open"     // Off
)

var tenantIDs = []string{tenantSigned, tenantRotated, tenantOptional, tenantOpen}

const (
	secret = "s3cret"
	// knownSignature is the platform's signature of testdata/MESSAGE_CREATE.json
	// under secret, computed independently of package signature.
	knownSignature = "sha256=d9f1cb393afc3d4b28a42b38425c877a7156f9f6651cc5bdb363dd3ed1dcbb0c"
	// maxBody is the harness's body cap. It is small so that bodies over it
	// are cheap to send.
	maxBody = 4096
	// retryAfter is the harness's Retry-After for 503 responses.
	retryAfter = 7 * time.Second
)

// harness is an intake handler behind a real HTTP server, with a real queue
// and dedupe set, as the host wires them.
type harness struct {
	url     string
	client  *http.Client
	handler *intake.Handler
	queue   *queue.Memory
	metrics *metrics.Metrics
	logs    *lockedBuffer

	mu                sync.Mutex
	transferEncodings [][]string // of each request the handler served
}

// newHarness starts a server routing /webhook/{tenant} to an intake handler
// whose queue holds queueSize events per tenant. configure, when not nil,
// changes the handler's configuration before it is built.
func newHarness(t testing.TB, queueSize int, configure func(*intake.Config)) *harness {
	t.Helper()
	tenants := map[string]intake.Tenant{
		tenantSigned:   {Mode: intake.Required, Verifier: signature.NewVerifier([]string{secret})},
		tenantRotated:  {Mode: intake.Required, Verifier: signature.NewVerifier([]string{"old-secret", "new-secret"})},
		tenantOptional: {Mode: intake.Optional, Verifier: signature.NewVerifier([]string{secret})},
		tenantOpen:     {Mode: intake.Off, Verifier: signature.NewVerifier(nil)},
	}
	h := &harness{
		queue:   queue.NewMemory(queueSize),
		metrics: metrics.New(),
		logs:    &lockedBuffer{},
	}
	cfg := intake.Config{
		Lookup: func(id string) (intake.Tenant, bool) {
			tenant, ok := tenants[id]
			return tenant, ok
		},
		Queue:        h.queue,
		Dedupe:       dedupe.New(time.Minute),
		MaxBodyBytes: maxBody,
		RetryAfter:   retryAfter,
		Logger:       slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Metrics:      h.metrics,
	}
	if configure != nil {
		configure(&cfg)
	}
	h.handler = intake.New(cfg)

	mux := http.NewServeMux()
	mux.Handle("/webhook/{tenant}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.transferEncodings = append(h.transferEncodings, r.TransferEncoding)
		h.mu.Unlock()
		h.handler.ServeHTTP(w, r)
	}))
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)
	h.url, h.client = server.URL, server.Client()
	return h
}

// lastTransferEncoding returns the transfer codings of the last request the
// handler served, as the server decoded them.
func (h *harness) lastTransferEncoding() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.transferEncodings) == 0 {
		return nil
	}
	return h.transferEncodings[len(h.transferEncodings)-1]
}

// queued returns the number of events waiting for each tenant.
func (h *harness) queued() map[string]int {
	n := map[string]int{}
	for _, id := range tenantIDs {
		n[id] = h.queue.Len(id)
	}
	return n
}

// wantQueued fails the test unless tenant has want events waiting and every
// other tenant none.
func (h *harness) wantQueued(t *testing.T, tenant string, want int) {
	t.Helper()
	for id, have := range h.queued() {
		if id == tenant && have != want {
			t.Errorf("events queued for %s: have %d, want %d", id, have, want)
		}
		if id != tenant && have != 0 {
			t.Errorf("events queued for %s: have %d, want 0", id, have)
		}
	}
}

// take returns the next event queued for tenant, and fails the test when
// there is none instead of waiting for one.
func (h *harness) take(t *testing.T, tenant string) *event.Event {
	t.Helper()
	if h.queue.Len(tenant) == 0 {
		t.Fatalf("no event queued for %s, want one", tenant)
	}
	d, err := h.queue.Next(t.Context(), tenant)
	if err != nil {
		t.Fatalf("Next(%s): have error %v, want an event", tenant, err)
	}
	return d.Event
}

// request is one webhook delivery to send through the harness.
type request struct {
	method string // POST when empty
	tenant string
	header http.Header
	body   []byte
	// chunked sends the body without a Content-Length.
	chunked bool
}

// post returns a POST of body to tenant with Content-Type application/json
// and the given header names and values. A name's first value replaces the
// header and later ones are added to it. An empty value removes the header.
func post(tenant string, body []byte, nameValues ...string) request {
	header := http.Header{"Content-Type": {"application/json"}}
	set := map[string]bool{}
	for i := 0; i+1 < len(nameValues); i += 2 {
		name, value := http.CanonicalHeaderKey(nameValues[i]), nameValues[i+1]
		switch {
		case value == "":
			header.Del(name)
		case set[name]:
			header.Add(name, value)
		default:
			header.Set(name, value)
		}
		set[name] = true
	}
	return request{tenant: tenant, header: header, body: body}
}

// signed returns post(tenant, body) with a signature of body under secret.
func signed(tenant string, body []byte, nameValues ...string) request {
	return post(tenant, body, append([]string{intake.HeaderSignature, sign(secret, body)}, nameValues...)...)
}

// sign returns the X-Bubble-Signature value of body under key.
func sign(key string, body []byte) string {
	return signature.Sign([]byte(key), body)
}

// response is the handler's response as the client read it.
type response struct {
	status int
	header http.Header
	body   []byte
}

// send delivers req and reads the whole response. It must be called from
// the test's goroutine; other goroutines call do.
func (h *harness) send(t testing.TB, req request) response {
	t.Helper()
	resp, err := h.do(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// do delivers req and reads the whole response.
func (h *harness) do(ctx context.Context, req request) (response, error) {
	method := req.method
	if method == "" {
		method = http.MethodPost
	}
	var body io.Reader = bytes.NewReader(req.body)
	if req.chunked {
		body = io.MultiReader(bytes.NewReader(req.body)) // hides the length
	}
	r, err := http.NewRequestWithContext(ctx, method, h.url+"/webhook/"+req.tenant, body)
	if err != nil {
		return response{}, fmt.Errorf("building request: %w", err)
	}
	if req.chunked {
		r.ContentLength = -1
	}
	for name, values := range req.header {
		r.Header[name] = values
	}

	resp, err := h.client.Do(r)
	if err != nil {
		return response{}, fmt.Errorf("%s /webhook/%s: %w", method, req.tenant, err)
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, fmt.Errorf("reading response: %w", err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: respBody}, nil
}

// wantStatus fails the test unless resp is a JSON body {"status": want}
// with status 200.
func wantStatus(t *testing.T, resp response, want string) {
	t.Helper()
	if resp.status != http.StatusOK {
		t.Fatalf("status: have %d, want 200; body %s", resp.status, resp.body)
	}
	var have map[string]string
	if err := json.Unmarshal(resp.body, &have); err != nil {
		t.Fatalf("body %q is not a JSON object of strings: %v", resp.body, err)
	}
	if len(have) != 1 || have["status"] != want {
		t.Errorf("body: have %s, want {\"status\":%q}", resp.body, want)
	}
}

// wantError fails the test unless resp has the status and a JSON body
// {"error": code, "message": ...} whose message contains wantMessage.
func wantError(t *testing.T, resp response, status int, code, wantMessage string) {
	t.Helper()
	if resp.status != status {
		t.Errorf("status: have %d, want %d; body %s", resp.status, status, resp.body)
	}
	if have := resp.header.Get("Content-Type"); have != "application/json; charset=utf-8" {
		t.Errorf("Content-Type: have %q, want application/json; charset=utf-8", have)
	}
	var have map[string]string
	if err := json.Unmarshal(resp.body, &have); err != nil {
		t.Fatalf("body %q is not a JSON object of strings: %v", resp.body, err)
	}
	if len(have) != 2 || have["error"] != code || have["message"] == "" {
		t.Errorf("body: have %s, want {\"error\":%q,\"message\":...}", resp.body, code)
	}
	if !strings.Contains(have["message"], wantMessage) {
		t.Errorf("message: have %q, want it to contain %q", have["message"], wantMessage)
	}
}

// readSample returns the bytes of testdata/<name>.json.
func readSample(t testing.TB, name string) []byte {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatalf("reading sample: %v", err)
	}
	return body
}

// indent returns body pretty-printed, as a sender that does not serialize
// like JSON.stringify might send it.
func indent(t testing.TB, body []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := json.Indent(&out, body, "", "  "); err != nil {
		t.Fatalf("indenting body: %v", err)
	}
	return out.Bytes()
}

// counter returns the value of the counter of vec with the labels. It reads
// the counter as prometheus/testutil.ToFloat64 does, without the extra
// module (github.com/kylelemons/godebug) that testutil would add to go.mod.
func counter(t *testing.T, vec *prometheus.CounterVec, labels ...string) float64 {
	t.Helper()
	var m dto.Metric
	if err := vec.WithLabelValues(labels...).Write(&m); err != nil {
		t.Fatalf("reading counter %v: %v", labels, err)
	}
	return m.GetCounter().GetValue()
}

// lockedBuffer is a bytes.Buffer that the server's goroutines may write
// while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
