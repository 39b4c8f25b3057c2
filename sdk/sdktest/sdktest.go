// Package sdktest runs a plugin's handlers in ordinary Go tests, without
// WebAssembly. It replaces the host: it passes an event and a configuration
// to the handlers through the same calls the module makes on the real host,
// and records the actions and log lines they produce.
//
//	func TestPing(t *testing.T) {
//		event := sdktest.Event(sdk.EventMessageCreate, sdk.MessageCreate{ChannelID: 5, Content: "!ping"})
//		res, err := sdktest.Run(event, sdktest.Options{})
//		if err != nil {
//			t.Fatal(err)
//		}
//		// res.Actions contains one abi.ActionReply with Content "pong".
//	}
//
// The handlers are those the test binary registered, usually in the
// plugin's init function. Run and Manifest hold a lock, so tests that call
// them may run in parallel. Every call uses all the registered handlers.
//
// Sends are queued by default, and reads fail unless the test scripts them.
// A test scripts the results it needs with Options.Action and leaves the
// rest to DefaultAction:
//
//	opts := sdktest.Options{Action: func(req abi.ActionRequest) ([]byte, error) {
//		switch req.Type {
//		case abi.ActionGetMember:
//			return json.Marshal(sdk.Member{User: sdk.User{ID: req.UserID, Name: "alice"}, Nick: "Al"})
//		case abi.ActionSendDM:
//			return nil, &sdk.ActionError{Code: abi.ErrFailed, Message: "platform answered 403 FORBIDDEN"}
//		}
//		return sdktest.DefaultAction(req)
//	}}
package sdktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/sdk"
	"github.com/bubblehost/bubblehost/sdk/internal/hostcall"
)

// Options sets what the stand-in host gives the handlers.
type Options struct {
	// Config is the operator's configuration for the plugin, as JSON. Nil
	// passes {}, as the host does for a plugin without configuration.
	Config json.RawMessage

	// Action carries out each action request in place of the host and the
	// platform, and returns the result JSON that the handler reads. An
	// *sdk.ActionError with a negative Code reaches the handler with the
	// same code and message. Any other error reaches it as abi.ErrFailed.
	// A nil Action leaves every request to DefaultAction, and an Action that
	// scripts only some requests can return DefaultAction(req) for the rest.
	//
	// Before calling Action, Run checks each request of a type that package
	// abi defines, as the host does. A missing or non-positive id, or empty
	// content for a send or an edit, fails with abi.ErrInvalid. A reply
	// while handling an event without a channel fails with
	// abi.ErrUnavailable. Action sees only the requests that pass, and
	// Result.Actions lists those that fail too.
	Action func(req abi.ActionRequest) (result []byte, err error)
}

// LogLine is one message the handlers or the SDK logged.
type LogLine struct {
	// Level is one of the abi.Level constants.
	Level int
	// Message is the text, with key/value pairs rendered as key=value.
	Message string
}

// Result is the outcome of handling one event.
type Result struct {
	// Status is the status code bubble_handle returned: abi.StatusOK, or
	// abi.StatusFailed when reading the event or any handler failed.
	Status int
	// Actions lists every action requested, in order, including those that
	// failed.
	Actions []abi.ActionRequest
	// Logs lists every log line, in order, including the SDK's own lines
	// about failed handlers.
	Logs []LogLine
}

// mu serializes the calls into the SDK, whose state is package-wide.
var mu sync.Mutex

// Run delivers event, a JSON event {"type": ..., "data": {...}} as the
// platform sends it, to the registered handlers. The error joins the errors
// of the handlers that failed, with a *sdk.PanicError for each one that
// panicked. When the event could not be read, the error gives the reason.
// It is nil when Status is abi.StatusOK.
func Run(event []byte, opts Options) (Result, error) {
	mu.Lock()
	defer mu.Unlock()

	if hostcall.Handle == nil {
		return Result{}, errors.New("sdktest: the sdk package is not linked into this test binary")
	}
	action := opts.Action
	if action == nil {
		action = DefaultAction
	}
	host := &testHost{event: event, config: opts.Config, action: action}
	hostcall.Current = host
	defer func() { hostcall.Current = nil }()

	status, err := hostcall.Handle(int32(len(event)))
	return Result{Status: int(status), Actions: host.actions, Logs: host.logs}, err
}

// Manifest returns the manifest the module passes to the host at load time.
// It fails as loading would, for example when sdk.Plugin was not called.
func Manifest() (abi.Manifest, error) {
	mu.Lock()
	defer mu.Unlock()

	if hostcall.Describe == nil {
		return abi.Manifest{}, errors.New("sdktest: the sdk package is not linked into this test binary")
	}
	host := &testHost{describing: true}
	hostcall.Current = host
	defer func() { hostcall.Current = nil }()

	status, err := hostcall.Describe()
	if err != nil {
		return abi.Manifest{}, err
	}
	if status != abi.StatusOK {
		return abi.Manifest{}, fmt.Errorf("sdktest: bubble_describe returned status %d", status)
	}
	if host.manifest == nil {
		return abi.Manifest{}, errors.New("sdktest: bubble_describe returned without calling describe")
	}

	var m abi.Manifest
	if err := json.Unmarshal(host.manifest, &m); err != nil {
		return abi.Manifest{}, fmt.Errorf("sdktest: decoding manifest %s: %w", host.manifest, err)
	}
	return m, nil
}

// Reset removes the plugin's name, version and every registered handler, for
// tests that register handlers of their own. It also removes handlers that
// init functions registered.
func Reset() {
	mu.Lock()
	defer mu.Unlock()

	if hostcall.Reset != nil {
		hostcall.Reset()
	}
}

// Event returns the JSON event {"type": eventType, "data": data}, for Run.
// It panics if data cannot be encoded, which is a mistake in the test.
func Event(eventType string, data any) []byte {
	body, err := json.Marshal(struct {
		Type string `json:"type"`
		Data any    `json:"data"`
	}{eventType, data})
	if err != nil {
		panic("sdktest: encoding " + eventType + " event: " + err.Error())
	}
	return body
}

// testHost implements hostcall.Host over the event and options of one call.
type testHost struct {
	event      []byte
	config     []byte
	action     func(abi.ActionRequest) ([]byte, error)
	describing bool

	manifest []byte
	result   []byte
	actions  []abi.ActionRequest
	logs     []LogLine
}

func (h *testHost) Log(level int32, msg []byte) {
	h.logs = append(h.logs, LogLine{Level: int(level), Message: string(msg)})
}

func (h *testHost) Describe(manifest []byte) {
	if h.describing {
		h.manifest = append([]byte(nil), manifest...)
	}
}

func (h *testHost) EventRead(buf []byte) int32 {
	copy(buf, h.event)
	return int32(len(h.event))
}

func (h *testHost) ConfigRead(buf []byte) int32 {
	config := h.config
	if config == nil {
		config = []byte("{}")
	}
	copy(buf, config)
	return int32(len(config))
}

func (h *testHost) Action(req []byte) int32 {
	code, result := h.doAction(req)
	h.result = result
	if code < 0 {
		return code
	}
	return int32(len(result))
}

// doAction decodes, checks and carries out one action request and returns
// either a negative abi.Err code with the error message, or zero with the
// result.
func (h *testHost) doAction(body []byte) (int32, []byte) {
	if h.describing {
		return abi.ErrUnavailable, []byte("actions are unavailable while describing the module")
	}
	var req abi.ActionRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return abi.ErrInvalid, []byte("decoding action request: " + err.Error())
	}
	h.actions = append(h.actions, req)

	if err := checkRequest(req, h.event); err != nil {
		return int32(err.Code), []byte(err.Message)
	}
	result, err := h.action(req)
	var actionErr *sdk.ActionError
	switch {
	case errors.As(err, &actionErr) && actionErr.Code < 0:
		return int32(actionErr.Code), []byte(actionErr.Message)
	case err != nil:
		return abi.ErrFailed, []byte(err.Error())
	}
	return 0, result
}

func (h *testHost) ResultRead(buf []byte) int32 {
	copy(buf, h.result)
	return int32(len(h.result))
}
