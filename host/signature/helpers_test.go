package signature_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// readEvent returns testdata/MESSAGE_CREATE.json, a delivery body exactly as
// the platform sends it: compact JSON without a trailing newline.
func readEvent(t testing.TB) []byte {
	t.Helper()
	body, err := os.ReadFile("testdata/MESSAGE_CREATE.json")
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// indent returns body pretty-printed, so that its raw signature differs
// from the signature of its stringify form.
func indent(t testing.TB, body []byte) []byte {
	t.Helper()
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	return pretty.Bytes()
}
