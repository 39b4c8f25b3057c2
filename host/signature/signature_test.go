package signature_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/bubblehost/bubblehost/host/signature"
)

// hexDigest returns the hex digits of a header value made by Sign.
func hexDigest(header string) string {
	return strings.TrimPrefix(header, "sha256=")
}

func TestSignKnownVector(t *testing.T) {
	const want = "sha256=d9f1cb393afc3d4b28a42b38425c877a7156f9f6651cc5bdb363dd3ed1dcbb0c"

	have := signature.Sign([]byte("s3cret"), readEvent(t))
	if have != want {
		t.Errorf("have %s, want %s", have, want)
	}
}

func TestFormString(t *testing.T) {
	tests := []struct {
		form signature.Form
		want string
	}{
		{signature.FormRaw, "raw"},
		{signature.FormStringify, "stringify"},
		{signature.Form(0), "Form(0)"},
		{signature.Form(7), "Form(7)"},
	}
	for _, tt := range tests {
		if have := tt.form.String(); have != tt.want {
			t.Errorf("Form(%d).String(): have %q, want %q", int(tt.form), have, tt.want)
		}
	}
}

func TestVerify(t *testing.T) {
	body := readEvent(t)
	pretty := indent(t, body)
	s3cret := []byte("s3cret")
	good := signature.Sign(s3cret, body)
	goodForPretty := signature.Sign(s3cret, pretty)
	wrong := signature.Sign([]byte("wrong"), body)
	notJSON := []byte("not JSON")

	tests := []struct {
		name    string
		secrets []string
		header  []string
		body    []byte
		want    signature.Match
		wantErr error
	}{
		{
			name:   "good raw",
			header: []string{good},
			body:   body,
			want:   signature.Match{Form: signature.FormRaw, Secret: 0},
		},
		{
			name:   "good raw pretty-printed body",
			header: []string{goodForPretty},
			body:   pretty,
			want:   signature.Match{Form: signature.FormRaw, Secret: 0},
		},
		{
			name:   "good stringify of pretty-printed body",
			header: []string{good},
			body:   pretty,
			want:   signature.Match{Form: signature.FormStringify, Secret: 0},
		},
		{
			name:   "good raw of invalid JSON",
			header: []string{signature.Sign(s3cret, notJSON)},
			body:   notJSON,
			want:   signature.Match{Form: signature.FormRaw, Secret: 0},
		},
		{
			name:    "wrong secret",
			header:  []string{wrong},
			body:    body,
			wantErr: signature.ErrMismatch,
		},
		{
			name:    "wrong secret pretty-printed body",
			header:  []string{signature.Sign([]byte("wrong"), body)},
			body:    pretty,
			wantErr: signature.ErrMismatch,
		},
		{
			name:    "tampered body",
			header:  []string{good},
			body:    bytes.Replace(body, []byte("!ping"), []byte("!pong"), 1),
			wantErr: signature.ErrMismatch,
		},
		{
			name:    "invalid JSON body",
			header:  []string{good},
			body:    notJSON,
			wantErr: signature.ErrMismatch,
		},
		{
			name:    "empty body",
			header:  []string{good},
			body:    nil,
			wantErr: signature.ErrMismatch,
		},
		{
			name:    "no header",
			header:  nil,
			body:    body,
			wantErr: signature.ErrMissing,
		},
		{
			name:    "empty value",
			header:  []string{""},
			body:    body,
			wantErr: signature.ErrMissing,
		},
		{
			name:    "blank values",
			header:  []string{" \t", "", " , ,"},
			body:    body,
			wantErr: signature.ErrMissing,
		},
		{
			name:    "no prefix",
			header:  []string{hexDigest(good)},
			body:    body,
			wantErr: signature.ErrMalformed,
		},
		{
			name:    "other algorithm",
			header:  []string{"sha1=" + hexDigest(good)},
			body:    body,
			wantErr: signature.ErrMalformed,
		},
		{
			name:    "prefix only",
			header:  []string{"sha256="},
			body:    body,
			wantErr: signature.ErrMalformed,
		},
		{
			name:    "short digest",
			header:  []string{"sha256=0123456789"},
			body:    body,
			wantErr: signature.ErrMalformed,
		},
		{
			name:    "long digest",
			header:  []string{good + "00"},
			body:    body,
			wantErr: signature.ErrMalformed,
		},
		{
			name:    "non-hex digest",
			header:  []string{"sha256=" + strings.Repeat("zz", 32)},
			body:    body,
			wantErr: signature.ErrMalformed,
		},
		{
			name:    "space inside digest",
			header:  []string{"sha256= " + hexDigest(good)[1:]},
			body:    body,
			wantErr: signature.ErrMalformed,
		},
		{
			name:    "malformed beside good",
			header:  []string{good + ", sha256=abc"},
			body:    body,
			wantErr: signature.ErrMalformed,
		},
		{
			name:    "nine signatures",
			header:  []string{strings.Repeat(wrong+",", 8) + good},
			body:    body,
			wantErr: signature.ErrMalformed,
		},
		{
			name:   "uppercase hex",
			header: []string{"sha256=" + strings.ToUpper(hexDigest(good))},
			body:   body,
			want:   signature.Match{Form: signature.FormRaw, Secret: 0},
		},
		{
			name:   "uppercase prefix",
			header: []string{"SHA256=" + hexDigest(good)},
			body:   body,
			want:   signature.Match{Form: signature.FormRaw, Secret: 0},
		},
		{
			name:   "mixed case prefix and hex",
			header: []string{"Sha256=" + strings.ToUpper(hexDigest(good)[:32]) + hexDigest(good)[32:]},
			body:   body,
			want:   signature.Match{Form: signature.FormRaw, Secret: 0},
		},
		{
			name:   "surrounding whitespace",
			header: []string{" \t" + good + "\t "},
			body:   body,
			want:   signature.Match{Form: signature.FormRaw, Secret: 0},
		},
		{
			name:    "rotated old secret",
			secrets: []string{"old", "new"},
			header:  []string{signature.Sign([]byte("old"), body)},
			body:    body,
			want:    signature.Match{Form: signature.FormRaw, Secret: 0},
		},
		{
			name:    "rotated new secret",
			secrets: []string{"old", "new"},
			header:  []string{signature.Sign([]byte("new"), body)},
			body:    body,
			want:    signature.Match{Form: signature.FormRaw, Secret: 1},
		},
		{
			name:    "rotated new secret stringify",
			secrets: []string{"old", "new"},
			header:  []string{signature.Sign([]byte("new"), body)},
			body:    pretty,
			want:    signature.Match{Form: signature.FormStringify, Secret: 1},
		},
		{
			name:    "rotated neither secret",
			secrets: []string{"old", "new"},
			header:  []string{good},
			body:    body,
			wantErr: signature.ErrMismatch,
		},
		{
			name:   "several header values",
			header: []string{wrong, good},
			body:   body,
			want:   signature.Match{Form: signature.FormRaw, Secret: 0},
		},
		{
			name:   "comma-separated signatures",
			header: []string{wrong + ", " + good},
			body:   body,
			want:   signature.Match{Form: signature.FormRaw, Secret: 0},
		},
		{
			name:   "eight signatures",
			header: []string{strings.Repeat(wrong+",", 7) + good},
			body:   body,
			want:   signature.Match{Form: signature.FormRaw, Secret: 0},
		},
		{
			name:   "eight signatures with empty elements",
			header: []string{",, " + strings.Repeat(wrong+",,", 7), "", good + ","},
			body:   body,
			want:   signature.Match{Form: signature.FormRaw, Secret: 0},
		},
		{
			name:    "empty secret skipped",
			secrets: []string{"", "s3cret"},
			header:  []string{good},
			body:    body,
			want:    signature.Match{Form: signature.FormRaw, Secret: 1},
		},
		{
			name:    "empty secret matches nothing",
			secrets: []string{""},
			header:  []string{signature.Sign(nil, body)},
			body:    body,
			wantErr: signature.ErrMismatch,
		},
		{
			name:    "no secrets",
			secrets: []string{},
			header:  []string{good},
			body:    body,
			wantErr: signature.ErrMismatch,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secrets := tt.secrets
			if secrets == nil {
				secrets = []string{"s3cret"}
			}
			v := signature.NewVerifier(secrets)

			have, err := v.Verify(tt.header, tt.body)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("have error %v, want %v", err, tt.wantErr)
				}
				if have != (signature.Match{}) {
					t.Errorf("have match %+v with the error, want zero", have)
				}
				checkNoSignatureInError(t, err, secrets, tt.body)
				return
			}
			if err != nil {
				t.Fatalf("have error %v, want match %+v", err, tt.want)
			}
			if have != tt.want {
				t.Errorf("have match %+v, want %+v", have, tt.want)
			}
		})
	}
}

// checkNoSignatureInError fails t when the text of err contains the correct
// signature of body, in either form, under any of secrets.
func checkNoSignatureInError(t *testing.T, err error, secrets []string, body []byte) {
	t.Helper()
	message := strings.ToLower(err.Error())

	forms := [][]byte{body}
	if stringified, err := signature.Stringify(body); err == nil {
		forms = append(forms, stringified)
	}
	for _, secret := range secrets {
		if secret != "" && strings.Contains(message, strings.ToLower(secret)) {
			t.Errorf("error %q contains secret %q", message, secret)
		}
		for _, form := range forms {
			digest := hexDigest(signature.Sign([]byte(secret), form))
			if strings.Contains(message, digest) || strings.Contains(message, digest[:16]) {
				t.Errorf("error %q contains the correct signature %s", message, digest)
			}
		}
	}
}

func TestVerifyErrorText(t *testing.T) {
	body := readEvent(t)
	v := signature.NewVerifier([]string{"s3cret"})

	tests := []struct {
		name   string
		header []string
		body   []byte
		want   string
	}{
		{"no header", nil, body, "signature: missing: no X-Bubble-Signature header"},
		{"empty value", []string{" "}, body, "signature: missing: X-Bubble-Signature header is empty"},
		{"no prefix", []string{"abc"}, body, "signature: malformed: signature 1: missing sha256= prefix"},
		{"short digest", []string{"sha256=0123456789"}, body, "signature: malformed: signature 1: digest is 10 hex digits, want 64"},
		{"non-hex", []string{"sha256=" + strings.Repeat("g", 64)}, body, "signature: malformed: signature 1: digest contains a character that is not a hex digit"},
		{"second signature", []string{"sha256=" + strings.Repeat("0", 64) + ",x"}, body, "signature: malformed: signature 2: missing sha256= prefix"},
		{"too many", []string{strings.Repeat("sha256="+strings.Repeat("0", 64)+",", 9)}, body, "signature: malformed: more than 8 signatures"},
		{
			"mismatch", []string{"sha256=" + strings.Repeat("0", 64)}, body,
			"signature: mismatch: checked 1 signature against 1 secret over the raw body and its stringify form",
		},
		{
			"mismatch invalid JSON", []string{"sha256=" + strings.Repeat("0", 64), "sha256=" + strings.Repeat("1", 64)}, []byte("{x"),
			"signature: mismatch: checked 2 signatures against 1 secret over the raw body only, because the body has invalid JSON at offset 1: invalid character 'x' in object, want a string key",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(tt.header, tt.body)
			if err == nil {
				t.Fatalf("have no error, want %q", tt.want)
			}
			if have := err.Error(); have != tt.want {
				t.Errorf("have %q, want %q", have, tt.want)
			}
		})
	}
}

func TestVerifyNoSecretsErrorText(t *testing.T) {
	v := signature.NewVerifier([]string{"", ""})
	body := readEvent(t)

	_, err := v.Verify([]string{signature.Sign(nil, body)}, body)
	const want = "signature: mismatch: no secret is configured, or every secret is empty"
	if err == nil || err.Error() != want {
		t.Errorf("have %v, want %q", err, want)
	}
}

// TestVerifyConcurrent is meant for the race detector: one Verifier used by
// many goroutines, through both forms.
func TestVerifyConcurrent(t *testing.T) {
	body := readEvent(t)
	pretty := indent(t, body)
	secrets := []string{"old", "new"}
	v := signature.NewVerifier(secrets)

	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for worker := range 16 {
		wg.Go(func() {
			secret := secrets[worker%2]
			header := []string{signature.Sign([]byte(secret), body)}
			for range 50 {
				match, err := v.Verify(header, pretty)
				if err != nil || match.Form != signature.FormStringify || match.Secret != worker%2 {
					errs <- fmt.Errorf("worker %d: have %+v, %v", worker, match, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
