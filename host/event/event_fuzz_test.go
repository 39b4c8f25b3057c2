package event_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/bubblehost/bubblehost/host/event"
)

// FuzzDecodeRepeatable checks two properties that FuzzDecode leaves out.
// Decoding the same bytes twice gives the same result, and Key depends on
// the bytes alone, so that a repeated delivery is recognised as a repeat.
func FuzzDecodeRepeatable(f *testing.F) {
	samples, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range samples {
		body, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte(`{"type":"X","data":null}`))
	f.Add([]byte(`{"type":"CHANNEL_CREATE","data":{"id":"12","guildId":1e3}}`))
	f.Add([]byte(`{"type":"MESSAGE_CREATE","data":{"author":{"id":-1,"bot":true}}}`))
	f.Add([]byte(`{"type":"X","type":"Y"}`))
	f.Add([]byte(`{"type":"X"} trailing`))
	f.Add([]byte("\xff\xfe"))

	f.Fuzz(func(t *testing.T, body []byte) {
		typ, fields, err := event.Decode(body)
		typ2, fields2, err2 := event.Decode(bytes.Clone(body))
		if typ2 != typ {
			t.Errorf("second decode: type %q, first %q", typ2, typ)
		}
		if fields2 != fields {
			t.Errorf("second decode: fields %+v, first %+v", fields2, fields)
		}
		if (err2 == nil) != (err == nil) {
			t.Errorf("second decode: error %v, first %v", err2, err)
		}

		key := event.Key(body)
		if len(key) != 64 {
			t.Errorf("Key length = %d, want 64 hex digits", len(key))
		}
		if again := event.Key(bytes.Clone(body)); again != key {
			t.Errorf("Key of the same bytes = %s, first %s", again, key)
		}
		if len(body) > 0 {
			changed := bytes.Clone(body)
			changed[len(changed)-1] ^= 1
			if event.Key(changed) == key {
				t.Errorf("Key of a body with one bit changed equals the original's")
			}
		}
	})
}
