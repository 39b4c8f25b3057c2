package sdk

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

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
