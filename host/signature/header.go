package signature

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// maxSignatures is the most signatures that Verify considers in one
// request. It bounds the HMAC comparisons an attacker can make Verify do.
const maxSignatures = 8

// prefix starts every signature. It is matched case-insensitively.
const prefix = "sha256="

// digest is a decoded HMAC-SHA256 signature.
type digest [sha256.Size]byte

// parseHeader decodes the signatures in the values of a signature header
// into signatures and returns how many there are. Values are split at commas,
// and empty elements are skipped, because the HTTP list rule (RFC 9110,
// section 5.6.1) requires a recipient to ignore them. The error wraps
// ErrMissing or ErrMalformed and describes what is wrong without quoting the value.
func parseHeader(values []string, signatures *[maxSignatures]digest) (int, error) {
	n := 0
	for _, value := range values {
		for element := range strings.SplitSeq(value, ",") {
			element = strings.Trim(element, " \t")
			if element == "" {
				continue
			}
			if n == maxSignatures {
				return 0, fmt.Errorf("%w: more than %d signatures", ErrMalformed, maxSignatures)
			}
			if problem := parseSignature(element, &signatures[n]); problem != "" {
				return 0, fmt.Errorf("%w: signature %d: %s", ErrMalformed, n+1, problem)
			}
			n++
		}
	}

	if n == 0 {
		if len(values) == 0 {
			return 0, fmt.Errorf("%w: no X-Bubble-Signature header", ErrMissing)
		}
		return 0, fmt.Errorf("%w: X-Bubble-Signature header is empty", ErrMissing)
	}
	return n, nil
}

// parseSignature decodes one "sha256=<hex>" element into d. It returns a
// description of what is wrong, or "" when the element is well-formed.
func parseSignature(element string, d *digest) string {
	if len(element) < len(prefix) || !strings.EqualFold(element[:len(prefix)], prefix) {
		return "missing " + prefix + " prefix"
	}
	hexDigest := element[len(prefix):]

	for i := range len(hexDigest) {
		if _, ok := hexValue(hexDigest[i]); !ok {
			return "digest contains a character that is not a hex digit"
		}
	}
	if len(hexDigest) != hex.EncodedLen(sha256.Size) {
		return fmt.Sprintf("digest is %d hex digits, want %d", len(hexDigest), hex.EncodedLen(sha256.Size))
	}

	for i := range d {
		high, _ := hexValue(hexDigest[2*i])
		low, _ := hexValue(hexDigest[2*i+1])
		d[i] = high<<4 | low
	}
	return ""
}
