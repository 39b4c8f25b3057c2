package sdk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// decodeObject decodes data into fields, a pointer to a method-less copy of
// an event struct, and stores the object's members that fields has no field
// for in *unknown. keys lists the JSON names fields decodes (see jsonKeys).
//
// A JSON null leaves both untouched, as encoding/json does for structs.
func decodeObject(data []byte, fields any, keys []string, unknown *map[string]json.RawMessage) error {
	if err := json.Unmarshal(data, fields); err != nil {
		return err
	}

	// json.Unmarshal has validated data, so the scanner only has to find
	// member boundaries.
	scanner, ok := newMemberScanner(data)
	if !ok {
		return nil
	}
	*unknown = nil
	for {
		rawKey, value, more := scanner.next()
		if !more {
			return nil
		}
		// Most keys are known, so they are matched before unquoteKey
		// allocates a string.
		if name := rawKey[1 : len(rawKey)-1]; isPlainKey(name) && isKnownKey(string(name), keys) {
			continue
		}
		key, err := unquoteKey(rawKey)
		if err != nil {
			return err
		}
		if isKnownKey(key, keys) {
			continue
		}
		if *unknown == nil {
			*unknown = make(map[string]json.RawMessage)
		}
		// data may point into the reused event buffer, so the value is
		// copied.
		(*unknown)[key] = bytes.Clone(value)
	}
}

// encodeObject encodes fields, a method-less copy of an event struct, and
// appends the members of unknown that fields does not already encode, in key
// order so that the output is deterministic.
func encodeObject(fields any, keys []string, unknown map[string]json.RawMessage) ([]byte, error) {
	out, err := json.Marshal(fields)
	if err != nil || len(unknown) == 0 {
		return out, err
	}

	names := make([]string, 0, len(unknown))
	for name := range unknown {
		if !isKnownKey(name, keys) {
			names = append(names, name)
		}
	}
	slices.Sort(names)

	// out is a JSON object, so it ends in '}' and is "{}" when empty.
	out = out[:len(out)-1]
	for _, name := range names {
		value := unknown[name]
		if len(value) == 0 {
			value = json.RawMessage("null")
		} else if !json.Valid(value) {
			return nil, fmt.Errorf("sdk: unknown member %q contains invalid JSON", name)
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		quoted, err := json.Marshal(name)
		if err != nil {
			return nil, err
		}
		out = append(out, quoted...)
		out = append(out, ':')
		out = append(out, value...)
	}
	return append(out, '}'), nil
}

// isKnownKey reports whether encoding/json would decode the member key into
// one of the fields named by keys. Like encoding/json, it accepts a key that
// differs only in case.
func isKnownKey(key string, keys []string) bool {
	for _, k := range keys {
		if k == key || strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// jsonKeys returns the JSON member names that encoding/json uses for the
// fields of the struct type T, leaving out fields tagged "-".
func jsonKeys[T any]() []string {
	t := reflect.TypeFor[T]()
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		field := t.Field(i)
		if !field.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = field.Name
		}
		keys = append(keys, name)
	}
	return keys
}

// unquoteKey returns the member name of rawKey, a JSON string with its
// quotes. Keys of valid UTF-8 without escapes, the common case, need no
// decoding; encoding/json replaces invalid UTF-8 with U+FFFD, and so does
// this function.
func unquoteKey(rawKey []byte) (string, error) {
	if name := rawKey[1 : len(rawKey)-1]; isPlainKey(name) {
		return string(name), nil
	}
	var key string
	if err := json.Unmarshal(rawKey, &key); err != nil {
		return "", fmt.Errorf("sdk: invalid member name %s: %w", rawKey, err)
	}
	return key, nil
}

// isPlainKey reports whether name, a JSON string without its quotes, is the
// member name itself: valid UTF-8 without escapes.
func isPlainKey(name []byte) bool {
	return bytes.IndexByte(name, '\\') < 0 && utf8.Valid(name)
}

// memberScanner walks the members of one JSON object without allocating.
// The input must be valid JSON, checked beforehand with json.Valid or a
// successful json.Unmarshal: the scanner finds where keys and values start
// and end but does not validate them. On input that is not valid it stops
// early rather than panicking.
type memberScanner struct {
	data []byte
	pos  int
}

// newMemberScanner returns a scanner positioned inside the object data, or
// false when data is not a JSON object.
func newMemberScanner(data []byte) (memberScanner, bool) {
	s := memberScanner{data: data}
	s.skipSpace()
	if s.pos >= len(data) || data[s.pos] != '{' {
		return s, false
	}
	s.pos++
	return s, true
}

// next returns the next member's key, as a JSON string with its quotes, and
// its raw value. more is false after the last member.
func (s *memberScanner) next() (key, value []byte, more bool) {
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ',' {
		s.pos++
		s.skipSpace()
	}
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, nil, false
	}

	start := s.pos
	s.pos = skipString(s.data, s.pos)
	key = s.data[start:s.pos]

	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		return nil, nil, false
	}
	s.pos++
	s.skipSpace()

	start = s.pos
	s.pos = skipValue(s.data, s.pos)
	if s.pos <= start {
		return nil, nil, false
	}
	return key, s.data[start:s.pos], true
}

func (s *memberScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// skipString returns the offset just past the JSON string that starts at
// data[pos], which is '"'.
func skipString(data []byte, pos int) int {
	for i := pos + 1; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// skipValue returns the offset just past the JSON value that starts at
// data[pos].
func skipValue(data []byte, pos int) int {
	if pos >= len(data) {
		return pos
	}
	switch data[pos] {
	case '"':
		return skipString(data, pos)
	case '{', '[':
		depth := 0
		for i := pos; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = skipString(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(data)
	default:
		// A number, true, false or null ends at the next delimiter.
		i := pos
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}
