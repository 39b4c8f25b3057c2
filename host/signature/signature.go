// Package signature verifies the X-Bubble-Signature header of the Bubble
// platform's webhooks.
//
// The header carries "sha256=" and the hex HMAC-SHA256 of the body, keyed
// with the bot's secret. The platform's own example computes the HMAC over
// JSON.stringify(JSON.parse(body)) instead of the bytes it sends, so a
// Verifier accepts a signature over either form and reports which one
// matched. Stringify reproduces the JavaScript form.
package signature

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"sync"
)

// Form identifies the bytes that a matching signature was computed over.
type Form int

const (
	// FormRaw is the request body as received.
	FormRaw Form = iota + 1
	// FormStringify is JSON.stringify of the parsed body, as Stringify
	// returns it.
	FormStringify
)

// String returns "raw" or "stringify", for use as a metrics label.
func (f Form) String() string {
	switch f {
	case FormRaw:
		return "raw"
	case FormStringify:
		return "stringify"
	default:
		return "Form(" + strconv.Itoa(int(f)) + ")"
	}
}

// Errors that Verify wraps. Compare them with errors.Is. The wrapped detail
// never contains a secret or a computed signature.
var (
	// ErrMissing is returned when the request has no signature header or
	// only empty ones.
	ErrMissing = errors.New("signature: missing")
	// ErrMalformed is returned when a signature is not "sha256=" followed
	// by 64 hex digits, or when there are more than 8 signatures.
	ErrMalformed = errors.New("signature: malformed")
	// ErrMismatch is returned when the signatures are well-formed but none
	// matches any secret over either form of the body.
	ErrMismatch = errors.New("signature: mismatch")
)

// Sign returns the header value "sha256=<lower-case hex>" for body under
// secret.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Match is the form and secret that a signature was verified with.
type Match struct {
	Form Form
	// Secret is the index of the matching secret in the slice passed to
	// NewVerifier.
	Secret int
}

// Verifier checks webhook signatures against a fixed list of secrets.
// It is immutable and safe for concurrent use.
type Verifier struct {
	// keys has one entry per secret. A nil entry is an empty secret, which
	// matches nothing.
	keys []*key
}

// key is one secret, with a pool of HMACs keyed with it so that Verify does
// not allocate and key one for every request.
type key struct {
	macs sync.Pool // of *macState
}

type macState struct {
	mac hash.Hash
	sum [sha256.Size]byte
}

// NewVerifier returns a Verifier that accepts signatures made with any of
// secrets. Several secrets let an operator rotate one without losing events.
// An empty secret matches nothing, so that a blank configuration entry
// rejects requests instead of accepting a signature anyone can compute.
func NewVerifier(secrets []string) *Verifier {
	v := &Verifier{keys: make([]*key, len(secrets))}
	for i, secret := range secrets {
		if secret == "" {
			continue
		}
		secret := []byte(secret)
		v.keys[i] = &key{macs: sync.Pool{New: func() any {
			return &macState{mac: hmac.New(sha256.New, secret)}
		}}}
	}
	return v
}

// sum writes the HMAC-SHA256 of body under k to dst.
func (k *key) sum(body []byte, dst *digest) {
	state := k.macs.Get().(*macState)
	state.mac.Reset()
	state.mac.Write(body)
	copy(dst[:], state.mac.Sum(state.sum[:0]))
	k.macs.Put(state)
}

// Verify checks the values of the X-Bubble-Signature header, as
// http.Header.Values returns them, against body. It returns the form and
// the index of the secret that matched.
//
// The header may appear several times, and each value may contain several
// comma-separated signatures, at most 8 in all. Verify accepts the request
// when any of them matches, but one malformed signature rejects the whole
// header. It checks the raw body first and computes the Stringify form only
// when no signature matches the raw body. A body that is not valid JSON is
// checked in its raw form only.
//
// Errors wrap ErrMissing, ErrMalformed or ErrMismatch.
func (v *Verifier) Verify(header []string, body []byte) (Match, error) {
	var parsed [maxSignatures]digest
	n, err := parseHeader(header, &parsed)
	if err != nil {
		return Match{}, err
	}
	signatures := parsed[:n]

	if i, ok := v.match(signatures, body); ok {
		return Match{Form: FormRaw, Secret: i}, nil
	}

	if v.usableSecrets() == 0 {
		return Match{}, fmt.Errorf("%w: no secret is configured, or every secret is empty", ErrMismatch)
	}

	p := parsers.Get().(*parser)
	defer putParser(p)
	stringified, err := p.stringify(p.out[:0], body)
	p.out = stringified
	if err != nil {
		var syntax *syntaxError
		errors.As(err, &syntax)
		return Match{}, fmt.Errorf("%w: checked %s against %s over the raw body only, because the body has %s",
			ErrMismatch, count(len(signatures), "signature"), count(v.usableSecrets(), "secret"), syntax.describe())
	}

	if !bytes.Equal(stringified, body) {
		if i, ok := v.match(signatures, stringified); ok {
			return Match{Form: FormStringify, Secret: i}, nil
		}
	}
	return Match{}, fmt.Errorf("%w: checked %s against %s over the raw body and its stringify form",
		ErrMismatch, count(len(signatures), "signature"), count(v.usableSecrets(), "secret"))
}

// match returns the index of the first secret under which one of
// signatures is the HMAC of message. Each comparison takes constant time.
func (v *Verifier) match(signatures []digest, message []byte) (int, bool) {
	for i, k := range v.keys {
		if k == nil {
			continue
		}
		var mac digest
		k.sum(message, &mac)
		for _, signature := range signatures {
			if hmac.Equal(mac[:], signature[:]) {
				return i, true
			}
		}
	}
	return 0, false
}

// usableSecrets returns the number of secrets that are not empty.
func (v *Verifier) usableSecrets() int {
	usable := 0
	for _, k := range v.keys {
		if k != nil {
			usable++
		}
	}
	return usable
}

// count returns n and noun, in the plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
