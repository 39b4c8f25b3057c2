package runtime

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzParseManifest feeds parseManifest the bytes a module could pass to
// bubble.describe. It must never panic, and a manifest it accepts must
// meet every rule of the ABI and survive encoding and parsing again.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"name":"ping","version":"1.0.0","events":["MESSAGE_CREATE"]}`))
	f.Add([]byte(`{"name":"all","version":"1","events":["*"]}`))
	f.Add([]byte(`{"name":"","version":"1","events":["*"]}`))
	f.Add([]byte(`{"name":"x","version":"1","events":[]}`))
	f.Add([]byte(`{"name":"x","version":"1","events":["message_create"]}`))
	f.Add([]byte(`{"name":"x","version":"1","events":["*"],"name":"Y"}`))
	f.Add([]byte(`{"name":"x\u0000","version":"\ud800","events":["*"]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := parseManifest(raw)
		if err != nil {
			return
		}
		if !namePattern.MatchString(m.Name) {
			t.Errorf("accepted name %q", m.Name)
		}
		if m.Version == "" || len(m.Version) > 64 {
			t.Errorf("accepted version %q", m.Version)
		}
		if len(m.Events) == 0 {
			t.Errorf("accepted an empty event list")
		}
		for _, typ := range m.Events {
			if typ != "*" && !eventTypePattern.MatchString(typ) {
				t.Errorf("accepted event type %q", typ)
			}
		}

		// Go's JSON encoder replaces invalid UTF-8, so only a valid
		// version is expected to come back unchanged.
		again, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("encoding an accepted manifest: %v", err)
		}
		m2, err := parseManifest(again)
		if err != nil {
			t.Fatalf("parsing the re-encoded manifest %s: %v", again, err)
		}
		if utf8.ValidString(m.Version) && (m2.Name != m.Name || m2.Version != m.Version || len(m2.Events) != len(m.Events)) {
			t.Errorf("re-encoded manifest = %+v, want %+v", m2, m)
		}
	})
}
