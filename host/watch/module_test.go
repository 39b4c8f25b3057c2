package watch_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/host/watch"
)

// module returns a small valid WebAssembly module, written out by hand: the
// header, a type section with one function type () -> (), a function
// section declaring one function of it, a code section with its empty
// body, and last a custom section "note" holding payload, which makes
// modules of different content and size.
func module(payload string) []byte {
	var b []byte
	b = append(b, 0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00)
	b = append(b, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00) // type: 1 type, func, 0 params, 0 results
	b = append(b, 0x03, 0x02, 0x01, 0x00)             // function: 1 function of type 0
	b = append(b, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b) // code: 1 body of 2 bytes, 0 locals, end

	name := "note"
	body := appendVarUint32(nil, uint32(len(name)))
	body = append(body, name...)
	body = append(body, payload...)
	b = append(b, 0x00)
	b = appendVarUint32(b, uint32(len(body)))
	return append(b, body...)
}

// appendVarUint32 appends v as unsigned LEB128.
func appendVarUint32(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func TestCheckModule(t *testing.T) {
	full := module(strings.Repeat("x", 300)) // a two-byte LEB128 size for the custom section
	header := full[:8]
	const customStart = 24 // after the header and the 6-, 4- and 6-byte sections

	tests := []struct {
		name    string
		data    []byte
		wantErr string // empty for a complete module
	}{
		{"complete module", full, ""},
		{"small complete module", module(""), ""},
		{"header only", header, ""},
		{"empty file", nil, "shorter than the 8-byte WebAssembly header"},
		{"cut inside header", full[:6], "shorter than the 8-byte WebAssembly header"},
		{"wrong magic", append([]byte("\x00ASM"), full[4:]...), "magic number"},
		{"version 2", append(append([]byte{}, full[:4]...), append([]byte{2, 0, 0, 0}, full[8:]...)...), "unsupported WebAssembly binary version"},
		{"component layer", append(append([]byte{}, full[:4]...), append([]byte{0x0d, 0, 0x01, 0}, full[8:]...)...), "unsupported WebAssembly binary version"},
		{"cut after section id", full[:customStart+1], "file ends inside a LEB128 number"},
		{"cut inside section size", full[:customStart+2], "file ends inside a LEB128 number"},
		{"cut inside section body", full[:len(full)-1], "file ends 304 bytes into it"},
		{"cut inside type section", full[:10], "section 1 at offset 8 is 4 bytes long"},
		{"zero-filled tail", append(append([]byte{}, full...), 0, 0, 0, 0), "custom section at offset"},
		{"custom name too long", append(append([]byte{}, header...), 0x00, 0x02, 0x05, 'a'), "5-byte name that does not fit in its 2 bytes"},
		{"size over 32 bits", append(append([]byte{}, header...), 0x01, 0xff, 0xff, 0xff, 0xff, 0x7f), "does not fit in 32 bits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := watch.CheckModule(tt.data)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("want no error, have %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want an error containing %q, have none", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("want an error containing %q, have %q", tt.wantErr, err)
			}
		})
	}
}

// TestCheckModuleEveryCut checks that every cut of a module inside a
// section fails and every cut at a section boundary passes.
func TestCheckModuleEveryCut(t *testing.T) {
	full := module("payload")
	boundaries := map[int]bool{8: true, 14: true, 18: true, 24: true, len(full): true}
	for n := 8; n <= len(full); n++ {
		err := watch.CheckModule(full[:n])
		if boundaries[n] && err != nil {
			t.Errorf("cut at section boundary %d: want no error, have %v", n, err)
		}
		if !boundaries[n] && err == nil {
			t.Errorf("cut at %d inside a section: want an error, have none", n)
		}
	}
}

func FuzzCheckModule(f *testing.F) {
	f.Add(module(""))
	f.Add(module(strings.Repeat("x", 200)))
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x00\x80\x80\x80\x80\x10"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if watch.CheckModule(data) != nil {
			return
		}
		// A complete module followed by one more byte is a section id
		// without a size.
		longer := append(bytes.Clone(data), 0x01)
		if err := watch.CheckModule(longer); err == nil {
			t.Errorf("module %x followed by one byte: want an error, have none", data)
		}
	})
}
