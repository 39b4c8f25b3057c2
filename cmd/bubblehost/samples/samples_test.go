package samples_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/samples"
)

func TestTypesListsEverySample(t *testing.T) {
	types := samples.Types()
	if len(types) != 18 {
		t.Errorf("want 18 sample types, have %d: %v", len(types), types)
	}
	for _, eventType := range types {
		if _, ok := samples.Get(eventType); !ok {
			t.Errorf("Get(%q): want a body, have none", eventType)
		}
	}
}

func TestSamplesAreCompactDeliveries(t *testing.T) {
	for _, eventType := range samples.Types() {
		t.Run(eventType, func(t *testing.T) {
			body, _ := samples.Get(eventType)

			var compact bytes.Buffer
			if err := json.Compact(&compact, body); err != nil {
				t.Fatalf("invalid JSON: %v", err)
			}
			if !bytes.Equal(compact.Bytes(), body) {
				t.Errorf("want compact JSON with no trailing newline, have %q", body)
			}

			var envelope struct {
				Type string          `json:"type"`
				Data json.RawMessage `json:"data"`
			}
			if err := json.Unmarshal(body, &envelope); err != nil {
				t.Fatal(err)
			}
			if envelope.Type != eventType {
				t.Errorf("type member: want %q, have %q", eventType, envelope.Type)
			}
			if len(envelope.Data) == 0 || envelope.Data[0] != '{' {
				t.Errorf("data member: want an object, have %s", envelope.Data)
			}
		})
	}
}

func TestGetRejectsPaths(t *testing.T) {
	for _, name := range []string{"", "../samples", "MESSAGE_CREATE.json", "nested/MESSAGE_CREATE", "NOPE"} {
		if body, ok := samples.Get(name); ok {
			t.Errorf("Get(%q): want none, have %q", name, body)
		}
	}
}

func TestGetReturnsCopy(t *testing.T) {
	first, _ := samples.Get("MESSAGE_CREATE")
	first[0] = 'X'
	second, _ := samples.Get("MESSAGE_CREATE")
	if second[0] != '{' {
		t.Errorf("want an unchanged sample after changing a returned copy, have %q", second)
	}
}
