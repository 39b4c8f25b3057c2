package sdk

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/bubblehost/bubblehost/abi"
)

// Context is a handler's access to the host while it handles one event. It
// is valid only until the handler returns: the SDK reuses it for the next
// event.
type Context struct {
	event Event
}

// Event returns the event being handled, with its data as raw JSON.
func (c *Context) Event() *Event {
	return &c.event
}

// Config decodes the operator's configuration for this plugin, a JSON
// object, into v as json.Unmarshal does. Without a configuration the host
// passes {}, which leaves v unchanged.
func (c *Context) Config(v any) error {
	data, err := readHost(hostConfigRead, &configBuf, 0)
	if err != nil {
		return fmt.Errorf("sdk: reading plugin config: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("sdk: decoding plugin config into %T: %w", v, err)
	}
	return nil
}

// Debug logs msg at debug level, for per-event detail. args are key/value
// pairs as log/slog takes them: "channel", 5, "user", "alice".
func (c *Context) Debug(msg string, args ...any) {
	logRecord(abi.LevelDebug, msg, args)
}

// Info logs msg at info level. args are key/value pairs, as for Debug.
func (c *Context) Info(msg string, args ...any) {
	logRecord(abi.LevelInfo, msg, args)
}

// Warn logs msg at warning level. args are key/value pairs, as for Debug.
func (c *Context) Warn(msg string, args ...any) {
	logRecord(abi.LevelWarn, msg, args)
}

// Error logs msg at error level. args are key/value pairs, as for Debug.
func (c *Context) Error(msg string, args ...any) {
	logRecord(abi.LevelError, msg, args)
}

// logRecord renders msg and args and passes them to the host at level.
func logRecord(level int32, msg string, args []any) {
	logBuf = appendRecord(logBuf[:0], msg, args)
	hostLog(level, logBuf)
}
