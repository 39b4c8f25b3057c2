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

// Reply sends content to the channel of the event being handled. The host
// finds the channel from the event, so a failure such as an event without a
// channel comes back as an *ActionError.
func (c *Context) Reply(content string) error {
	_, err := callAction(abi.ActionRequest{Type: abi.ActionReply, Content: content})
	return err
}

// Send sends content to the channel channelID.
func (c *Context) Send(channelID int64, content string) error {
	_, err := callAction(abi.ActionRequest{Type: abi.ActionSendMessage, ChannelID: channelID, Content: content})
	return err
}

// Action requests any action from the host, including types added to the ABI
// after this SDK was written, and returns the action's result JSON, nil when
// the result is empty. A failure the host reports is an *ActionError.
func (c *Context) Action(req abi.ActionRequest) (json.RawMessage, error) {
	size, err := callAction(req)
	if err != nil || size == 0 {
		return nil, err
	}
	result, err := readHost(hostResultRead, &resultBuf, int(size))
	if err != nil {
		return nil, fmt.Errorf("sdk: reading the result of action %q: %w", req.Type, err)
	}
	return bytes.Clone(result), nil
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

// callAction sends req to the host and returns the length of its result. A
// negative code from the host becomes an *ActionError carrying the host's
// message.
func callAction(req abi.ActionRequest) (int32, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return 0, fmt.Errorf("sdk: encoding action %q: %w", req.Type, err)
	}

	size := hostAction(body)
	if size >= 0 {
		return size, nil
	}

	actionErr := &ActionError{Action: req.Type, Code: int(size)}
	if message, err := readHost(hostResultRead, &resultBuf, 0); err == nil {
		actionErr.Message = string(message)
	}
	return size, actionErr
}

// logRecord renders msg and args and passes them to the host at level.
func logRecord(level int32, msg string, args []any) {
	logBuf = appendRecord(logBuf[:0], msg, args)
	hostLog(level, logBuf)
}
