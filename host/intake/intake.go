// Package intake is the webhook endpoint: POST /webhook/{tenant}. It reads
// the body once under a size cap, verifies the signature on those bytes,
// decodes the event, drops the platform's repeats, and queues the event
// before answering 200. Nothing it rejects reaches a plugin.
package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/bubblehost/bubblehost/host/dedupe"
	"github.com/bubblehost/bubblehost/host/event"
	"github.com/bubblehost/bubblehost/host/metrics"
	"github.com/bubblehost/bubblehost/host/queue"
	"github.com/bubblehost/bubblehost/host/signature"
)

// Mode is the way a tenant's webhooks are authenticated.
type Mode int

const (
	// Required rejects requests without a valid signature.
	Required Mode = iota
	// Optional verifies a signature when one is present.
	Optional
	// Off ignores signatures.
	Off
)

// Tenant is the part of a tenant's configuration that intake uses.
type Tenant struct {
	Mode     Mode
	Verifier *signature.Verifier
}

// Config configures a Handler.
type Config struct {
	// Lookup returns the tenant with the given id. It is called on every
	// request, so tenants can change while the host runs.
	Lookup func(id string) (Tenant, bool)
	Queue  queue.Queue
	Dedupe *dedupe.Set
	// MaxBodyBytes caps a request body. A larger body is rejected with 413.
	// Zero or less means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// RetryAfter is sent with 503 responses.
	RetryAfter time.Duration
	Logger     *slog.Logger
	Metrics    *metrics.Metrics
}

// DefaultMaxBodyBytes is the body cap when Config.MaxBodyBytes is not set.
const DefaultMaxBodyBytes = 1 << 20

// Header names of the platform's webhooks.
const (
	HeaderEvent     = "X-Bubble-Event"
	HeaderSignature = "X-Bubble-Signature"
)

// Handler serves POST /webhook/{tenant}. The tenant id is read from the
// request's path value "tenant".
type Handler struct {
	cfg          Config
	stopping     atomic.Bool
	warnings     rate.Sometimes
	fullWarnings rate.Sometimes
}

// New returns a handler.
func New(cfg Config) *Handler {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{cfg: cfg, warnings: rate.Sometimes{Interval: 10 * time.Second},
		fullWarnings: rate.Sometimes{Interval: 10 * time.Second}}
}

// Stop makes every later request fail with 503, so the platform retries it
// against a host that is still running.
func (h *Handler) Stop() { h.stopping.Store(true) }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("tenant")

	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.reject(w, id, "", http.StatusMethodNotAllowed, "method_not_allowed", fmt.Sprintf("method %s is not allowed; the platform delivers webhooks with POST", r.Method))
		return
	}
	tenant, ok := h.cfg.Lookup(id)
	if !ok {
		// id is not a configured tenant, so it must not become a label.
		h.writeError(w, http.StatusNotFound, "unknown_tenant", fmt.Sprintf("no tenant %q is configured on this host", truncate(id, 64)))
		return
	}
	if h.stopping.Load() {
		h.unavailable(w, id, "", "the host is shutting down")
		return
	}
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		h.reject(w, id, "", http.StatusUnsupportedMediaType, "unsupported_media_type", err.Error())
		return
	}

	// Read the whole body once; everything below works on these bytes.
	body, err := h.readBody(w, r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.reject(w, id, "", http.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("body is over the limit of %d bytes", h.cfg.MaxBodyBytes))
			return
		}
		h.reject(w, id, "", http.StatusBadRequest, "unreadable_body", "reading the body failed: "+err.Error())
		return
	}

	if !h.verify(w, r, id, tenant, body) {
		return
	}

	if !utf8.Valid(body) {
		h.reject(w, id, "", http.StatusBadRequest, "malformed_event", "body is not valid UTF-8, which JSON requires")
		return
	}
	typ, fields, err := event.Decode(body)
	if err != nil {
		h.reject(w, id, "", http.StatusBadRequest, "malformed_event", err.Error())
		return
	}
	if hdr := r.Header.Get(HeaderEvent); hdr != "" && hdr != typ {
		h.reject(w, id, typ, http.StatusBadRequest, "event_type_mismatch",
			fmt.Sprintf("%s header is %q but the body's type is %q", HeaderEvent, truncate(hdr, 64), truncate(typ, 64)))
		return
	}

	h.enqueue(w, r.Context(), &event.Event{
		Tenant:     id,
		Type:       typ,
		Key:        event.Key(body),
		Body:       body,
		ReceivedAt: time.Now(),
		Fields:     fields,
	})
}

func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	limit := h.cfg.MaxBodyBytes
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	return io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
}

// verify checks the signature as the tenant's mode demands and answers 401
// when it fails. The answer never contains a computed signature.
func (h *Handler) verify(w http.ResponseWriter, r *http.Request, id string, t Tenant, body []byte) bool {
	values := r.Header.Values(HeaderSignature)
	present := false
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			present = true
		}
	}
	switch {
	case t.Mode == Off:
		return true
	case t.Mode == Optional && !present:
		return true
	}

	match, err := t.Verifier.Verify(values, body)
	if err != nil {
		reason := "mismatch"
		switch {
		case errors.Is(err, signature.ErrMissing):
			reason = "missing"
		case errors.Is(err, signature.ErrMalformed):
			reason = "malformed"
		}
		h.count(func(m *metrics.Metrics) { m.VerifyFailures.WithLabelValues(id, reason).Inc() })
		h.warnings.Do(func() {
			h.cfg.Logger.Warn("rejected webhook with a bad signature; further rejections are logged at most every 10s",
				"tenant", id, "reason", reason, "err", err)
		})
		h.reject(w, id, "", http.StatusUnauthorized, "invalid_signature", err.Error())
		return false
	}
	h.count(func(m *metrics.Metrics) { m.SignatureMatches.WithLabelValues(id, match.Form.String()).Inc() })
	return true
}

// enqueue drops a repeat of an event already queued, or queues the event.
// A repeat that arrives while the first attempt is still being queued waits
// for its outcome, so that it never answers 200 for an event that failed.
func (h *Handler) enqueue(w http.ResponseWriter, ctx context.Context, ev *event.Event) {
	claim, duplicate, err := h.cfg.Dedupe.Claim(ctx, ev.Tenant+"/"+ev.Key)
	if err != nil {
		h.unavailable(w, ev.Tenant, ev.Type, "waiting for an earlier delivery of this event: "+err.Error())
		return
	}
	if duplicate {
		h.count(func(m *metrics.Metrics) {
			m.EventsReceived.WithLabelValues(ev.Tenant, metrics.TypeLabel(ev.Type), "duplicate").Inc()
		})
		h.cfg.Logger.Debug("dropped a repeated delivery", "tenant", ev.Tenant, "event", ev.Type, "event_key", ev.Key[:12])
		writeJSON(w, http.StatusOK, map[string]string{"status": "duplicate"})
		return
	}

	if err := h.cfg.Queue.Publish(ctx, ev); err != nil {
		claim.Release()
		if errors.Is(err, queue.ErrFull) {
			h.fullWarnings.Do(func() {
				h.cfg.Logger.Warn("queue full; responding 503 so the platform retries; further ones are logged at most every 10s",
					"tenant", ev.Tenant, "event", ev.Type)
			})
			h.unavailable(w, ev.Tenant, ev.Type, "the host is busy; retry later")
			return
		}
		h.unavailable(w, ev.Tenant, ev.Type, "queueing the event failed")
		h.cfg.Logger.Error("queueing event failed", "tenant", ev.Tenant, "event", ev.Type, "err", err)
		return
	}
	claim.Commit()

	h.count(func(m *metrics.Metrics) {
		m.EventsReceived.WithLabelValues(ev.Tenant, metrics.TypeLabel(ev.Type), "accepted").Inc()
	})
	h.cfg.Logger.Debug("accepted event", "tenant", ev.Tenant, "event", ev.Type, "event_key", ev.Key[:12])
	writeJSON(w, http.StatusOK, map[string]string{"status": "accepted"})
}

func (h *Handler) unavailable(w http.ResponseWriter, tenant, typ, msg string) {
	w.Header().Set("Retry-After", strconv.Itoa(int(h.cfg.RetryAfter.Round(time.Second)/time.Second)))
	h.count(func(m *metrics.Metrics) {
		m.EventsReceived.WithLabelValues(tenant, metrics.TypeLabel(typ), "unavailable").Inc()
	})
	h.writeError(w, http.StatusServiceUnavailable, "unavailable", msg)
}

func (h *Handler) reject(w http.ResponseWriter, tenant, typ string, status int, code, msg string) {
	if tenant != "" {
		if _, ok := h.cfg.Lookup(tenant); ok {
			h.count(func(m *metrics.Metrics) {
				m.EventsReceived.WithLabelValues(tenant, metrics.TypeLabel(typ), "rejected").Inc()
			})
		}
	}
	h.cfg.Logger.Debug("rejected webhook", "tenant", truncate(tenant, 64), "status", status, "reason", code)
	h.writeError(w, status, code, msg)
}

func (h *Handler) count(f func(*metrics.Metrics)) {
	if h.cfg.Metrics != nil {
		f(h.cfg.Metrics)
	}
}

func (h *Handler) writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"error": code, "message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// checkContentType accepts application/json and any application/*+json type,
// with or without parameters such as charset.
func checkContentType(value string) error {
	if value == "" {
		return errors.New("Content-Type is missing; want application/json")
	}
	mt, params, err := mime.ParseMediaType(value)
	if err != nil {
		return fmt.Errorf("Content-Type %q is invalid; want application/json", truncate(value, 64))
	}
	if mt != "application/json" && !(strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return fmt.Errorf("Content-Type %q is not JSON; want application/json", truncate(mt, 64))
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return fmt.Errorf("charset %q is not supported; want utf-8", truncate(cs, 32))
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
