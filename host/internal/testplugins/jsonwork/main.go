// Command jsonwork is a benchmark plugin that spends its call in loops, as
// a plugin decoding a large event does. For events of type JSON_WORK it
// decodes the event's data with encoding/json into generic values and
// counts them. It requests no actions, and fails only when the data is not
// valid JSON.
package main

import (
	"encoding/json"

	"github.com/bubblehost/bubblehost/sdk"
)

func init() {
	sdk.Plugin("jsonwork", "1.0.0")
	sdk.On("JSON_WORK", func(c *sdk.Context, e *sdk.Event) error {
		var data any
		if err := json.Unmarshal(e.Data, &data); err != nil {
			return err
		}
		c.Debug("decoded", "values", count(data))
		return nil
	})
}

// count returns the number of JSON values in v, v included.
func count(v any) int {
	n := 1
	switch v := v.(type) {
	case []any:
		for _, item := range v {
			n += count(item)
		}
	case map[string]any:
		for _, item := range v {
			n += count(item)
		}
	}
	return n
}

func main() {}
