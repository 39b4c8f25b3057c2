package sdk_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/sdk"
	"github.com/bubblehost/bubblehost/sdk/sdktest"
)

// messageEvent returns a MESSAGE_CREATE event with content.
func messageEvent(content string) []byte {
	return sdktest.Event(sdk.EventMessageCreate, sdk.MessageCreate{ID: 1, ChannelID: 5, GuildID: 10, Content: content})
}

// onMessage registers h for MESSAGE_CREATE, ignoring the message.
func onMessage(h func(c *sdk.Context) error) {
	sdk.OnMessageCreate(func(c *sdk.Context, _ *sdk.MessageCreate) error {
		return h(c)
	})
}

// assertLog fails the test unless res logged a line at level that starts
// with prefix.
func assertLog(t *testing.T, res sdktest.Result, level int, prefix string) {
	t.Helper()
	for _, line := range res.Logs {
		if line.Level == level && strings.HasPrefix(line.Message, prefix) {
			return
		}
	}
	t.Errorf("no log line at level %d starting with %q; logs: %+v", level, prefix, res.Logs)
}

func TestHandlerError(t *testing.T) {
	setup(t)
	errBoom := errors.New("boom")
	onMessage(func(c *sdk.Context) error { return errBoom })

	res, err := sdktest.Run(messageEvent("x"), sdktest.Options{})
	if !errors.Is(err, errBoom) {
		t.Errorf("err = %v, want %v", err, errBoom)
	}
	if res.Status != abi.StatusFailed {
		t.Errorf("status = %d, want %d", res.Status, abi.StatusFailed)
	}
	assertLog(t, res, abi.LevelError, "handler failed event=MESSAGE_CREATE err=boom")
}

func TestHandlerPanic(t *testing.T) {
	setup(t)
	onMessage(func(c *sdk.Context) error { panic("kaboom") })

	res, err := sdktest.Run(messageEvent("x"), sdktest.Options{})
	var panicErr *sdk.PanicError
	if !errors.As(err, &panicErr) {
		t.Fatalf("err = %v, want a *sdk.PanicError", err)
	}
	if panicErr.Value != "kaboom" {
		t.Errorf("panic value = %v, want kaboom", panicErr.Value)
	}
	if panicErr.EventType != sdk.EventMessageCreate {
		t.Errorf("panic event type = %q, want %q", panicErr.EventType, sdk.EventMessageCreate)
	}
	if !strings.Contains(string(panicErr.Stack), "TestHandlerPanic") {
		t.Errorf("panic stack does not contain the panicking function:\n%s", panicErr.Stack)
	}
	if res.Status != abi.StatusFailed {
		t.Errorf("status = %d, want %d", res.Status, abi.StatusFailed)
	}
	assertLog(t, res, abi.LevelError, "handler panicked event=MESSAGE_CREATE panic=kaboom stack=")
}

func TestHandlerRuntimePanicUnwraps(t *testing.T) {
	setup(t)
	onMessage(func(c *sdk.Context) error {
		var m map[string]int
		m["x"] = 1 // assignment to a nil map panics with a runtime.Error
		return nil
	})

	_, err := sdktest.Run(messageEvent("x"), sdktest.Options{})
	var runtimeErr interface{ RuntimeError() }
	if !errors.As(err, &runtimeErr) {
		t.Errorf("err = %v, want one that unwraps to a runtime.Error", err)
	}
}

func TestHandlersAfterFailureStillRun(t *testing.T) {
	setup(t)
	var ran []string
	onMessage(func(c *sdk.Context) error { ran = append(ran, "first"); panic("first") })
	onMessage(func(c *sdk.Context) error { ran = append(ran, "second"); return errors.New("second") })
	onMessage(func(c *sdk.Context) error { ran = append(ran, "third"); return nil })

	res, err := sdktest.Run(messageEvent("x"), sdktest.Options{})
	if want := []string{"first", "second", "third"}; !slices.Equal(ran, want) {
		t.Errorf("handlers ran = %q, want %q", ran, want)
	}
	if res.Status != abi.StatusFailed {
		t.Errorf("status = %d, want %d", res.Status, abi.StatusFailed)
	}
	if err == nil || !strings.Contains(err.Error(), "first") || !strings.Contains(err.Error(), "second") {
		t.Errorf("err = %v, want both failures", err)
	}
}

func TestDispatchByType(t *testing.T) {
	setup(t)
	var got []string
	sdk.OnMessageCreate(func(c *sdk.Context, m *sdk.MessageCreate) error {
		got = append(got, "typed:"+m.Content)
		return nil
	})
	sdk.On("POLL_CREATE", func(c *sdk.Context, e *sdk.Event) error {
		got = append(got, "raw:"+e.Type+":"+string(e.Data))
		return nil
	})
	sdk.OnAll(func(c *sdk.Context, e *sdk.Event) error {
		got = append(got, "all:"+e.Type)
		return nil
	})

	events := [][]byte{
		messageEvent("hi"),
		[]byte(`{"type":"POLL_CREATE","data":{"id":3}}`),
		[]byte(`{"type":"GUILD_DELETE","data":{"id":10}}`),
	}
	for _, event := range events {
		if _, err := sdktest.Run(event, sdktest.Options{}); err != nil {
			t.Fatalf("Run(%s): %v", event, err)
		}
	}

	want := []string{
		"typed:hi", "all:MESSAGE_CREATE",
		`raw:POLL_CREATE:{"id":3}`, "all:POLL_CREATE",
		"all:GUILD_DELETE",
	}
	if !slices.Equal(got, want) {
		t.Errorf("calls\nhave %q\nwant %q", got, want)
	}
}

func TestContextEvent(t *testing.T) {
	setup(t)
	var got sdk.Event
	onMessage(func(c *sdk.Context) error {
		got = sdk.Event{Type: c.Event().Type, Data: slices.Clone(c.Event().Data)}
		return nil
	})

	body := `{"type":"MESSAGE_CREATE","extra":1,"data":{"id":1,"content":"x"}}`
	if _, err := sdktest.Run([]byte(body), sdktest.Options{}); err != nil {
		t.Fatal(err)
	}
	want := sdk.Event{Type: sdk.EventMessageCreate, Data: json.RawMessage(`{"id":1,"content":"x"}`)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Event() = %s %s, want %s %s", got.Type, got.Data, want.Type, want.Data)
	}
}

func TestEventTypeWithEscapes(t *testing.T) {
	setup(t)
	var got string
	sdk.OnAll(func(c *sdk.Context, e *sdk.Event) error {
		got = e.Type
		return nil
	})

	if _, err := sdktest.Run([]byte(`{"type":"MESSAGE\u005fCREATE","data":{}}`), sdktest.Options{}); err != nil {
		t.Fatal(err)
	}
	if got != sdk.EventMessageCreate {
		t.Errorf("type = %q, want %q", got, sdk.EventMessageCreate)
	}
}

func TestInvalidEvents(t *testing.T) {
	tests := []struct {
		name    string
		event   string
		wantErr string
	}{
		{"not JSON", `{"type":`, "not valid JSON"},
		{"not an object", `["MESSAGE_CREATE"]`, "not a JSON object"},
		{"no type", `{"data":{}}`, "has no type"},
		{"empty type", `{"type":"","data":{}}`, "has no type"},
		{"type not a string", `{"type":7,"data":{}}`, "not a string"},
		{"no data", `{"type":"MESSAGE_CREATE"}`, "has no data member"},
		{"data of the wrong shape", `{"type":"MESSAGE_CREATE","data":{"id":"one"}}`, "decoding MESSAGE_CREATE event data"},
		{"invalid time", `{"type":"MESSAGE_CREATE","data":{"timestamp":"yesterday"}}`, "decoding MESSAGE_CREATE event data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t)
			called := false
			onMessage(func(c *sdk.Context) error { called = true; return nil })

			res, err := sdktest.Run([]byte(tt.event), sdktest.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
			if res.Status != abi.StatusFailed {
				t.Errorf("status = %d, want %d", res.Status, abi.StatusFailed)
			}
			if called {
				t.Error("handler ran for an event that does not decode")
			}
			if len(res.Logs) == 0 || res.Logs[0].Level != abi.LevelError {
				t.Errorf("logs = %+v, want an error line", res.Logs)
			}
		})
	}
}

func TestEventLargerThanBuffer(t *testing.T) {
	setup(t)
	var got int
	onMessage(func(c *sdk.Context) error { got = len(c.Event().Data); return nil })

	// A small event first, so that the large one must grow the reused
	// buffer.
	for _, size := range []int{10, 100_000, 10} {
		event := messageEvent(strings.Repeat("x", size))
		if _, err := sdktest.Run(event, sdktest.Options{}); err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if want := len(event) - len(`{"type":"MESSAGE_CREATE","data":}`); got != want {
			t.Errorf("size %d: data length = %d, want %d", size, got, want)
		}
	}
}

func TestRegisterNilHandlerPanics(t *testing.T) {
	setup(t)
	tests := map[string]func(){
		"On":              func() { sdk.On("X", nil) },
		"OnAll":           func() { sdk.OnAll(nil) },
		"OnMessageCreate": func() { sdk.OnMessageCreate(nil) },
		"empty type":      func() { sdk.On("", func(*sdk.Context, *sdk.Event) error { return nil }) },
	}
	for name, register := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("registration did not panic")
				}
			}()
			register()
		})
	}
}
