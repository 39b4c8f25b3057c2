package intake_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/host/event"
	"github.com/bubblehost/bubblehost/host/intake"
	"github.com/bubblehost/bubblehost/host/signature"
)

func TestWebhookRejected(t *testing.T) {
	body := readSample(t, "MESSAGE_CREATE")
	good := sign(secret, body)
	tampered := bytes.Replace(body, []byte("!ping"), []byte("!pwnd"), 1)
	wrongSecret := sign("not-the-secret", body)

	tests := []struct {
		name        string
		req         request
		wantStatus  int
		wantCode    string
		wantMessage string
		wantHeader  http.Header
	}{
		{
			name:        "unknown tenant",
			req:         signed("nobody", body),
			wantStatus:  http.StatusNotFound,
			wantCode:    "unknown_tenant",
			wantMessage: `no tenant "nobody"`,
		},
		{
			name:        "GET",
			req:         request{method: http.MethodGet, tenant: tenantSigned},
			wantStatus:  http.StatusMethodNotAllowed,
			wantCode:    "method_not_allowed",
			wantMessage: "method GET is not allowed",
			wantHeader:  http.Header{"Allow": {"POST"}},
		},
		{
			name:        "PUT",
			req:         func() request { r := signed(tenantSigned, body); r.method = http.MethodPut; return r }(),
			wantStatus:  http.StatusMethodNotAllowed,
			wantCode:    "method_not_allowed",
			wantMessage: "method PUT is not allowed",
			wantHeader:  http.Header{"Allow": {"POST"}},
		},
		{
			name:        "missing Content-Type",
			req:         signed(tenantSigned, body, "Content-Type", ""),
			wantStatus:  http.StatusUnsupportedMediaType,
			wantCode:    "unsupported_media_type",
			wantMessage: "Content-Type is missing",
		},
		{
			name:        "text/plain",
			req:         signed(tenantSigned, body, "Content-Type", "text/plain"),
			wantStatus:  http.StatusUnsupportedMediaType,
			wantCode:    "unsupported_media_type",
			wantMessage: `Content-Type "text/plain" is not JSON`,
		},
		{
			name:        "form encoding",
			req:         signed(tenantSigned, body, "Content-Type", "application/x-www-form-urlencoded"),
			wantStatus:  http.StatusUnsupportedMediaType,
			wantCode:    "unsupported_media_type",
			wantMessage: "is not JSON",
		},
		{
			name:        "charset other than UTF-8",
			req:         signed(tenantSigned, body, "Content-Type", "application/json; charset=iso-8859-1"),
			wantStatus:  http.StatusUnsupportedMediaType,
			wantCode:    "unsupported_media_type",
			wantMessage: `charset "iso-8859-1" is not supported`,
		},
		{
			name:        "invalid Content-Type",
			req:         signed(tenantSigned, body, "Content-Type", "; charset=utf-8"),
			wantStatus:  http.StatusUnsupportedMediaType,
			wantCode:    "unsupported_media_type",
			wantMessage: "is invalid",
		},
		{
			name:        "malformed JSON",
			req:         signed(tenantSigned, []byte(`{"type":"MESSAGE_CREATE","data":{`)),
			wantStatus:  http.StatusBadRequest,
			wantCode:    "malformed_event",
			wantMessage: "invalid JSON",
		},
		{
			name:        "empty body",
			req:         post(tenantOpen, nil),
			wantStatus:  http.StatusBadRequest,
			wantCode:    "malformed_event",
			wantMessage: "invalid JSON",
		},
		{
			name:        "body not an object",
			req:         signed(tenantSigned, []byte(`[{"type":"MESSAGE_CREATE"}]`)),
			wantStatus:  http.StatusBadRequest,
			wantCode:    "malformed_event",
			wantMessage: "body is not a JSON object",
		},
		{
			name:        "missing type",
			req:         signed(tenantSigned, []byte(`{"data":{"id":1}}`)),
			wantStatus:  http.StatusBadRequest,
			wantCode:    "malformed_event",
			wantMessage: `missing "type"`,
		},
		{
			name:        "data not an object",
			req:         signed(tenantSigned, []byte(`{"type":"MESSAGE_CREATE","data":[1001]}`)),
			wantStatus:  http.StatusBadRequest,
			wantCode:    "malformed_event",
			wantMessage: `"data" is not an object`,
		},
		{
			name:        "event header disagrees with body type",
			req:         signed(tenantSigned, body, intake.HeaderEvent, "MESSAGE_DELETE"),
			wantStatus:  http.StatusBadRequest,
			wantCode:    "event_type_mismatch",
			wantMessage: `header is "MESSAGE_DELETE" but the body's type is "MESSAGE_CREATE"`,
		},
		{
			name:        "event header in another case",
			req:         signed(tenantSigned, body, intake.HeaderEvent, "message_create"),
			wantStatus:  http.StatusBadRequest,
			wantCode:    "event_type_mismatch",
			wantMessage: `"message_create"`,
		},
		{
			name:        "signature under another secret",
			req:         post(tenantSigned, body, intake.HeaderSignature, wrongSecret),
			wantStatus:  http.StatusUnauthorized,
			wantCode:    "invalid_signature",
			wantMessage: "mismatch",
		},
		{
			name:        "tampered body",
			req:         post(tenantSigned, tampered, intake.HeaderSignature, good),
			wantStatus:  http.StatusUnauthorized,
			wantCode:    "invalid_signature",
			wantMessage: "mismatch",
		},
		{
			name:        "signature over a pretty-printed form",
			req:         post(tenantSigned, body, intake.HeaderSignature, sign(secret, indent(t, body))),
			wantStatus:  http.StatusUnauthorized,
			wantCode:    "invalid_signature",
			wantMessage: "mismatch",
		},
		{
			name:        "missing signature",
			req:         post(tenantSigned, body),
			wantStatus:  http.StatusUnauthorized,
			wantCode:    "invalid_signature",
			wantMessage: "missing",
		},
		{
			name:        "empty signature",
			req:         post(tenantSigned, body, intake.HeaderSignature, " "),
			wantStatus:  http.StatusUnauthorized,
			wantCode:    "invalid_signature",
			wantMessage: "missing",
		},
		{
			name:        "signature not hex",
			req:         post(tenantSigned, body, intake.HeaderSignature, "sha256="+strings.Repeat("zz", 32)),
			wantStatus:  http.StatusUnauthorized,
			wantCode:    "invalid_signature",
			wantMessage: "malformed",
		},
		{
			name:        "signature too short",
			req:         post(tenantSigned, body, intake.HeaderSignature, good[:len(good)-2]),
			wantStatus:  http.StatusUnauthorized,
			wantCode:    "invalid_signature",
			wantMessage: "malformed",
		},
		{
			name:        "signature without prefix",
			req:         post(tenantSigned, body, intake.HeaderSignature, strings.TrimPrefix(good, "sha256=")),
			wantStatus:  http.StatusUnauthorized,
			wantCode:    "invalid_signature",
			wantMessage: "malformed",
		},
		{
			name:        "signature with another algorithm",
			req:         post(tenantSigned, body, intake.HeaderSignature, "sha1=2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
			wantStatus:  http.StatusUnauthorized,
			wantCode:    "invalid_signature",
			wantMessage: "malformed",
		},
		{
			name:        "retired secret of a rotated tenant",
			req:         post(tenantRotated, body, intake.HeaderSignature, sign(secret, body)),
			wantStatus:  http.StatusUnauthorized,
			wantCode:    "invalid_signature",
			wantMessage: "mismatch",
		},
		{
			name:        "optional signature that is wrong",
			req:         post(tenantOptional, body, intake.HeaderSignature, wrongSecret),
			wantStatus:  http.StatusUnauthorized,
			wantCode:    "invalid_signature",
			wantMessage: "mismatch",
		},
		{
			name:        "optional signature that is malformed",
			req:         post(tenantOptional, body, intake.HeaderSignature, "sha256=abc"),
			wantStatus:  http.StatusUnauthorized,
			wantCode:    "invalid_signature",
			wantMessage: "malformed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, 8, nil)

			resp := h.send(t, tt.req)

			wantError(t, resp, tt.wantStatus, tt.wantCode, tt.wantMessage)
			for name := range tt.wantHeader {
				if have, want := resp.header.Values(name), tt.wantHeader.Values(name); !slices.Equal(have, want) {
					t.Errorf("%s header: have %q, want %q", name, have, want)
				}
			}
			h.wantQueued(t, tt.req.tenant, 0)

			// A 401 must not help an attacker by showing a valid signature.
			for _, key := range []string{secret, "old-secret", "new-secret"} {
				hexDigest := strings.TrimPrefix(sign(key, tt.req.body), "sha256=")
				if strings.Contains(strings.ToLower(string(resp.body)), hexDigest) {
					t.Errorf("body %s contains the valid signature %s", resp.body, hexDigest)
				}
			}
		})
	}
}

func TestWebhookAccepted(t *testing.T) {
	body := readSample(t, "MESSAGE_CREATE")
	good := sign(secret, body)
	goodHex := strings.TrimPrefix(good, "sha256=")
	pretty := indent(t, body)
	stringified, err := signature.Stringify(pretty)
	if err != nil {
		t.Fatalf("Stringify: %v", err)
	}
	unknownType := []byte(`{"type":"THREAD_CREATE","data":{"id":3,"channelId":5,"novel":true}}`)

	tests := []struct {
		name     string
		req      request
		wantType string
	}{
		{
			name:     "known signature vector",
			req:      post(tenantSigned, body, intake.HeaderSignature, knownSignature),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "uppercase hex",
			req:      post(tenantSigned, body, intake.HeaderSignature, "sha256="+strings.ToUpper(goodHex)),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "uppercase prefix",
			req:      post(tenantSigned, body, intake.HeaderSignature, "SHA256="+goodHex),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "one good signature among several",
			req:      post(tenantSigned, body, intake.HeaderSignature, sign("other", body)+", "+good),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "signature in a second header line",
			req:      post(tenantSigned, body, intake.HeaderSignature, sign("other", body), intake.HeaderSignature, good),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "rotated tenant, old secret",
			req:      post(tenantRotated, body, intake.HeaderSignature, sign("old-secret", body)),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "rotated tenant, new secret",
			req:      post(tenantRotated, body, intake.HeaderSignature, sign("new-secret", body)),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "pretty-printed body signed over its stringify form",
			req:      post(tenantSigned, pretty, intake.HeaderSignature, sign(secret, stringified)),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "pretty-printed body signed raw",
			req:      signed(tenantSigned, pretty),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "charset utf-8",
			req:      signed(tenantSigned, body, "Content-Type", "application/json; charset=utf-8"),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "charset UTF-8 in upper case",
			req:      signed(tenantSigned, body, "Content-Type", "Application/JSON; charset=UTF-8"),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "structured JSON media type",
			req:      signed(tenantSigned, body, "Content-Type", "application/vnd.bubble+json"),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "event header agrees with body type",
			req:      signed(tenantSigned, body, intake.HeaderEvent, "MESSAGE_CREATE"),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "unknown event type",
			req:      signed(tenantSigned, unknownType, intake.HeaderEvent, "THREAD_CREATE"),
			wantType: "THREAD_CREATE",
		},
		{
			name:     "event without data",
			req:      signed(tenantSigned, []byte(`{"type":"BOT_READY"}`)),
			wantType: "BOT_READY",
		},
		{
			name:     "optional signature absent",
			req:      post(tenantOptional, body),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "optional signature present and good",
			req:      signed(tenantOptional, body),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "signatures off, none sent",
			req:      post(tenantOpen, body),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "signatures off, a wrong one sent",
			req:      post(tenantOpen, body, intake.HeaderSignature, sign("not-the-secret", body)),
			wantType: "MESSAGE_CREATE",
		},
		{
			name:     "signatures off, a malformed one sent",
			req:      post(tenantOpen, body, intake.HeaderSignature, "garbage"),
			wantType: "MESSAGE_CREATE",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, 8, nil)

			resp := h.send(t, tt.req)

			wantStatus(t, resp, "accepted")
			h.wantQueued(t, tt.req.tenant, 1)
			ev := h.take(t, tt.req.tenant)
			if ev.Tenant != tt.req.tenant || ev.Type != tt.wantType {
				t.Errorf("queued event: have tenant %q type %q, want %q and %q", ev.Tenant, ev.Type, tt.req.tenant, tt.wantType)
			}
			if !bytes.Equal(ev.Body, tt.req.body) {
				t.Errorf("queued body: have %s, want the bytes sent %s", ev.Body, tt.req.body)
			}
			if want := event.Key(tt.req.body); ev.Key != want {
				t.Errorf("queued key: have %s, want %s", ev.Key, want)
			}
			if ev.ReceivedAt.IsZero() {
				t.Error("queued event has no ReceivedAt")
			}
		})
	}
}

func TestWebhookFields(t *testing.T) {
	h := newHarness(t, 8, nil)
	body := readSample(t, "MESSAGE_CREATE")

	wantStatus(t, h.send(t, signed(tenantSigned, body)), "accepted")

	want := event.Fields{ID: 1001, ChannelID: 5, GuildID: 10, AuthorID: 1}
	if have := h.take(t, tenantSigned).Fields; have != want {
		t.Errorf("fields: have %+v, want %+v", have, want)
	}
}

func TestWebhookBodyLimit(t *testing.T) {
	// valid is a webhook body. Padded with spaces past the cap, it must be
	// rejected whole, never cut back to the valid event and queued.
	valid := []byte(`{"type":"MESSAGE_CREATE","data":{"id":1,"channelId":5,"content":"x"}}`)
	atCap := append(bytes.Clone(valid), bytes.Repeat([]byte(" "), maxBody-len(valid))...)
	overCap := append(bytes.Clone(atCap), ' ')
	farOver := append(bytes.Clone(valid), bytes.Repeat([]byte(" "), 64*maxBody)...)

	tests := []struct {
		name       string
		body       []byte
		chunked    bool
		wantStatus int
	}{
		{"at the cap with Content-Length", atCap, false, http.StatusOK},
		{"at the cap chunked", atCap, true, http.StatusOK},
		{"1 byte over with Content-Length", overCap, false, http.StatusRequestEntityTooLarge},
		{"1 byte over chunked", overCap, true, http.StatusRequestEntityTooLarge},
		{"far over with Content-Length", farOver, false, http.StatusRequestEntityTooLarge},
		{"far over chunked", farOver, true, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// net/http's server sleeps 500ms (rstAvoidanceDelay) before
			// closing a connection whose body it stopped reading, so these
			// cases run side by side.
			t.Parallel()
			h := newHarness(t, 8, nil)
			req := signed(tenantSigned, tt.body)
			req.chunked = tt.chunked

			resp := h.send(t, req)

			wantChunked := []string(nil)
			if tt.chunked {
				wantChunked = []string{"chunked"}
			}
			if have := h.lastTransferEncoding(); !slices.Equal(have, wantChunked) {
				t.Fatalf("Transfer-Encoding the server saw: have %q, want %q", have, wantChunked)
			}
			if tt.wantStatus == http.StatusOK {
				wantStatus(t, resp, "accepted")
				h.wantQueued(t, tenantSigned, 1)
				return
			}
			wantError(t, resp, tt.wantStatus, "body_too_large", "over the limit of 4096 bytes")
			h.wantQueued(t, tenantSigned, 0)
		})
	}
}

func TestWebhookDefaultBodyLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 8, func(cfg *intake.Config) { cfg.MaxBodyBytes = 0 })

	// With no cap configured, a body of the usual size is still accepted.
	wantStatus(t, h.send(t, signed(tenantSigned, readSample(t, "MESSAGE_CREATE"))), "accepted")

	// The default cap is 1 MiB.
	huge := append([]byte(`{"type":"X"}`), bytes.Repeat([]byte(" "), 1<<20)...)
	wantError(t, h.send(t, signed(tenantSigned, huge)), http.StatusRequestEntityTooLarge, "body_too_large", "1048576 bytes")
}

func TestWebhookStop(t *testing.T) {
	h := newHarness(t, 8, nil)
	body := readSample(t, "MESSAGE_CREATE")

	h.handler.Stop()
	resp := h.send(t, signed(tenantSigned, body))

	wantError(t, resp, http.StatusServiceUnavailable, "unavailable", "shutting down")
	if have := resp.header.Get("Retry-After"); have != "7" {
		t.Errorf("Retry-After: have %q, want %q", have, "7")
	}
	h.wantQueued(t, tenantSigned, 0)
}

func TestWebhookRejectionLog(t *testing.T) {
	const wrongSecret = "wrong-secret-7f3a"
	h := newHarness(t, 8, nil)
	body := readSample(t, "MESSAGE_CREATE")

	for range 3 {
		wantError(t, h.send(t, post(tenantSigned, body, intake.HeaderSignature, sign(wrongSecret, body))),
			http.StatusUnauthorized, "invalid_signature", "mismatch")
	}

	logs := h.logs.String()
	if have := strings.Count(logs, `"level":"WARN"`); have != 1 {
		t.Errorf("warnings for 3 bad signatures in a row: have %d, want 1 (they are rate-limited):\n%s", have, logs)
	}
	if !strings.Contains(logs, `"tenant":"signed","reason":"mismatch"`) {
		t.Errorf("log: have\n%s\nwant the tenant and reason of the rejection", logs)
	}
	for _, secretText := range []string{secret, wrongSecret, strings.TrimPrefix(sign(secret, body), "sha256=")} {
		if strings.Contains(logs, secretText) {
			t.Errorf("log contains %q, a secret or a valid signature:\n%s", secretText, logs)
		}
	}
}
