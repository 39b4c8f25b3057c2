package sdk

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzMemberScanner checks the scanner against encoding/json: on a valid
// JSON object it must find the same members with the same raw values, and on
// any other input it must not panic.
func FuzzMemberScanner(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	for _, seed := range []string{
		`{}`, ` { } `, `{"a":1,"a":2}`, `{"a\"b":"c\\"}`, `{"k\u0065y":[1,{"x":"]}"}],"n":-1.5e3}`,
		"{\n\t\"a\" :\r\n true ,\"b\":null}", `[1]`, `"s"`, `{"a":`, `{"a" 1}`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		found := make(map[string]json.RawMessage)
		scanner, isObject := newMemberScanner(data)
		for isObject {
			rawKey, value, more := scanner.next()
			if !more {
				break
			}
			key, err := unquoteKey(rawKey)
			if err != nil {
				if json.Valid(data) {
					t.Fatalf("unquoteKey(%s) failed on valid input: %v", rawKey, err)
				}
				return
			}
			found[key] = value
		}

		var want map[string]json.RawMessage
		if !json.Valid(data) || json.Unmarshal(data, &want) != nil || want == nil {
			return
		}
		if !isObject {
			t.Fatalf("scanner rejected the object %s", data)
		}
		if len(found) != len(want) {
			t.Fatalf("scanner found %d members, encoding/json %d, in %s", len(found), len(want), data)
		}
		for key, value := range want {
			if !bytes.Equal(found[key], value) {
				t.Errorf("member %q: scanner found %s, encoding/json %s", key, found[key], value)
			}
		}
	})
}

// FuzzParseEvent checks that parseEvent never panics and that an event it
// accepts has a type and, when present, data that is valid JSON.
func FuzzParseEvent(f *testing.F) {
	f.Add([]byte(`{"type":"MESSAGE_CREATE","data":{"id":1}}`))
	f.Add([]byte(`{"type":"X\u0059","data":null}`))
	f.Add([]byte(`{"type":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		event, err := parseEvent(data)
		if err != nil {
			return
		}
		if event.Type == "" {
			t.Errorf("parseEvent(%s) accepted an empty type", data)
		}
		if event.Data != nil && !json.Valid(event.Data) {
			t.Errorf("parseEvent(%s) returned data %s that is not valid JSON", data, event.Data)
		}
	})
}

// FuzzGuildRoundTrip checks that a guild that decodes encodes again, with
// its unknown members, and decodes to the same value.
func FuzzGuildRoundTrip(f *testing.F) {
	f.Add([]byte(`{"id":10,"name":"My Server","ownerId":1,"channels":[{"id":5,"name":"general","nsfw":false}],"members":[{"user":{"id":1,"name":"owner","x":[]}}],"icon":"i.png"}`))
	f.Add([]byte(`{"ID":1,"NAME":"n","\u00e9":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var first Guild
		if json.Unmarshal(data, &first) != nil {
			return
		}
		encoded, err := json.Marshal(first)
		if err != nil {
			t.Fatalf("encoding %+v decoded from %s: %v", first, data, err)
		}
		var second Guild
		if err := json.Unmarshal(encoded, &second); err != nil {
			t.Fatalf("decoding %s: %v", encoded, err)
		}
		again, err := json.Marshal(second)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(encoded, again) {
			t.Errorf("round trip changed the guild\nfirst  %s\nsecond %s", encoded, again)
		}
	})
}
