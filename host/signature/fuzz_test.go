package signature_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bubblehost/bubblehost/host/signature"
)

// FuzzStringify checks that Stringify never panics, that it accepts exactly
// the documents that encoding/json accepts, and that its output is valid
// UTF-8 JSON which Stringify returns unchanged.
func FuzzStringify(f *testing.F) {
	f.Add(readEvent(f))
	f.Add(indent(f, readEvent(f)))
	for _, seed := range []string{
		`{"b":1,"a":2,"1":3,"0":4,"b":5}`,
		`"\ud800\udc00\ud800\u0000\u001f"`,
		`[1e21,1e-7,-0,1e400,12345678901234567890,0.1]`,
		"\uFEFF[]",
		"\"\xe2\x82\xed\xa0\x80\xf0\x9f\x98\"",
		`{"a":{"b":{"c":[]}},"a":null}`,
	} {
		f.Add([]byte(seed))
	}

	f.Fuzz(func(t *testing.T, input []byte) {
		out, err := signature.Stringify(input)

		// encoding/json.Valid accepts the same grammar and the same
		// nesting limit, but no byte order mark.
		wantValid := json.Valid(bytes.TrimPrefix(input, []byte("\uFEFF")))
		if err != nil {
			if wantValid {
				t.Fatalf("have error %v, want output for a document that encoding/json accepts", err)
			}
			if !strings.Contains(err.Error(), "at offset ") {
				t.Errorf("error %q does not name the offset", err)
			}
			return
		}
		if !wantValid {
			t.Fatalf("have %q, want an error for a document that encoding/json rejects", out)
		}

		if !utf8.Valid(out) {
			t.Errorf("output %q is not valid UTF-8", out)
		}
		if !json.Valid(out) {
			t.Errorf("output %q is not valid JSON", out)
		}
		again, err := signature.Stringify(out)
		if err != nil {
			t.Fatalf("Stringify of output %q: %v", out, err)
		}
		if !bytes.Equal(again, out) {
			t.Errorf("Stringify of output changed it:\nhave %q\nwant %q", again, out)
		}
	})
}

// FuzzVerifyHeader checks that Verify never panics, never accepts a header
// without the right signature, and never rejects one with it as a mismatch.
// The header string is split at newlines into several header values.
func FuzzVerifyHeader(f *testing.F) {
	body := readEvent(f)
	pretty := indent(f, body)
	good := signature.Sign([]byte("s3cret"), body)
	rotated := signature.Sign([]byte("rotated"), body)
	for _, seed := range []struct {
		header string
		body   []byte
	}{
		{good, body},
		{good, pretty},
		{rotated, pretty},
		{strings.ToUpper(good), body},
		{" " + rotated + " ,\n" + good, body},
		{"sha256=" + strings.Repeat("0", 64) + "," + good, body},
		{strings.Repeat(good+",", 9), body},
		{"sha256=abc", body},
		{"", body},
		{good, []byte("not JSON")},
	} {
		f.Add(seed.header, seed.body)
	}

	secrets := []string{"s3cret", "rotated"}
	v := signature.NewVerifier(secrets)

	f.Fuzz(func(t *testing.T, header string, body []byte) {
		match, err := v.Verify(strings.Split(header, "\n"), body)

		// The correct digests, by form and secret.
		forms := map[signature.Form][]byte{signature.FormRaw: body}
		if stringified, err := signature.Stringify(body); err == nil {
			forms[signature.FormStringify] = stringified
		}
		correct := func(form signature.Form, secret int) string {
			mac := hmac.New(sha256.New, []byte(secrets[secret]))
			mac.Write(forms[form])
			return hex.EncodeToString(mac.Sum(nil))
		}
		lowerHeader := strings.ToLower(header)

		if err == nil {
			if _, ok := forms[match.Form]; !ok || match.Secret < 0 || match.Secret >= len(secrets) {
				t.Fatalf("have match %+v, which names no form or secret", match)
			}
			if want := correct(match.Form, match.Secret); !strings.Contains(lowerHeader, want) {
				t.Fatalf("accepted %q as %+v without the signature %s", header, match, want)
			}
			return
		}

		if !errors.Is(err, signature.ErrMissing) && !errors.Is(err, signature.ErrMalformed) && !errors.Is(err, signature.ErrMismatch) {
			t.Fatalf("have error %v, want one that wraps ErrMissing, ErrMalformed or ErrMismatch", err)
		}
		message := strings.ToLower(err.Error())
		for form := range forms {
			for secret := range secrets {
				digest := correct(form, secret)
				if strings.Contains(message, digest[:16]) {
					t.Errorf("error %q contains the start of the correct signature %s", message, digest)
				}
				// Every 64-digit hex run in a well-formed header is one
				// signature, so a mismatch means none of them is correct.
				if errors.Is(err, signature.ErrMismatch) && strings.Contains(lowerHeader, digest) {
					t.Errorf("rejected %q as a mismatch, but it contains the signature %s", header, digest)
				}
			}
		}
	})
}
