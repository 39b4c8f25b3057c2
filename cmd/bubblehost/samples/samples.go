// Package samples embeds one webhook body per event type, shaped as the
// Bubble platform sends it: {"type": ..., "data": {...}} as compact JSON
// with no trailing newline. The send command posts them.
package samples

import (
	"embed"
	"slices"
	"strings"
)

//go:embed *.json
var files embed.FS

// Types returns the event types that have a sample, sorted.
func Types() []string {
	entries, err := files.ReadDir(".")
	if err != nil {
		// The embedded root folder always exists.
		panic(err)
	}

	var types []string
	for _, entry := range entries {
		types = append(types, strings.TrimSuffix(entry.Name(), ".json"))
	}
	slices.Sort(types)
	return types
}

// Get returns a copy of the sample body of eventType, such as
// MESSAGE_CREATE, and false when there is none.
func Get(eventType string) ([]byte, bool) {
	if strings.ContainsAny(eventType, "/.\\") {
		return nil, false
	}
	body, err := files.ReadFile(eventType + ".json")
	if err != nil {
		return nil, false
	}
	return body, true
}
