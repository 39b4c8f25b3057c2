package sdk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/sdk"
	"github.com/bubblehost/bubblehost/sdk/sdktest"
)

func TestReplyAndSend(t *testing.T) {
	setup(t)
	onMessage(func(c *sdk.Context) error {
		if err := c.Reply("pong"); err != nil {
			return err
		}
		return c.Send(42, "hello")
	})

	res, err := sdktest.Run(messageEvent("!ping"), sdktest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []abi.ActionRequest{
		{Type: abi.ActionReply, Content: "pong"},
		{Type: abi.ActionSendMessage, ChannelID: 42, Content: "hello"},
	}
	if !slices.Equal(res.Actions, want) {
		t.Errorf("actions\nhave %+v\nwant %+v", res.Actions, want)
	}
}

func TestActionResult(t *testing.T) {
	setup(t)
	var got json.RawMessage
	onMessage(func(c *sdk.Context) error {
		var err error
		got, err = c.Action(abi.ActionRequest{Type: "pin_message", ChannelID: 5, MessageID: 9})
		return err
	})

	opts := sdktest.Options{Action: func(req abi.ActionRequest) ([]byte, error) {
		return []byte(`{"id":77}`), nil
	}}
	if _, err := sdktest.Run(messageEvent("x"), opts); err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"id":77}` {
		t.Errorf("result = %s, want {\"id\":77}", got)
	}
}

func TestActionErrors(t *testing.T) {
	tests := []struct {
		name     string
		hostErr  error
		wantCode int
		want     error
		wantMsg  string
	}{
		{"invalid", &sdk.ActionError{Code: abi.ErrInvalid, Message: "missing content"}, abi.ErrInvalid, sdk.ErrInvalid, "missing content"},
		{"unknown action", &sdk.ActionError{Code: abi.ErrUnknownAction, Message: "no such"}, abi.ErrUnknownAction, sdk.ErrUnknownAction, "no such"},
		{"limit", &sdk.ActionError{Code: abi.ErrLimit, Message: "3 actions per event"}, abi.ErrLimit, sdk.ErrLimit, "3 actions per event"},
		{"failed", &sdk.ActionError{Code: abi.ErrFailed, Message: "platform answered 403"}, abi.ErrFailed, sdk.ErrFailed, "platform answered 403"},
		{"unavailable", &sdk.ActionError{Code: abi.ErrUnavailable, Message: "not now"}, abi.ErrUnavailable, sdk.ErrUnavailable, "not now"},
		{"plain error", errors.New("network down"), abi.ErrFailed, sdk.ErrFailed, "network down"},
		{"code from a newer host", &sdk.ActionError{Code: -99, Message: "new"}, -99, nil, "new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t)
			var replyErr error
			onMessage(func(c *sdk.Context) error {
				replyErr = c.Reply("pong")
				return nil
			})

			opts := sdktest.Options{Action: func(abi.ActionRequest) ([]byte, error) { return nil, tt.hostErr }}
			if _, err := sdktest.Run(messageEvent("x"), opts); err != nil {
				t.Fatal(err)
			}

			var actionErr *sdk.ActionError
			if !errors.As(replyErr, &actionErr) {
				t.Fatalf("Reply error = %v, want an *sdk.ActionError", replyErr)
			}
			want := sdk.ActionError{Action: abi.ActionReply, Code: tt.wantCode, Message: tt.wantMsg}
			if *actionErr != want {
				t.Errorf("Reply error = %+v, want %+v", *actionErr, want)
			}
			if tt.want != nil && !errors.Is(replyErr, tt.want) {
				t.Errorf("errors.Is(%v, %v) = false", replyErr, tt.want)
			}
			if tt.want == nil && actionErr.Unwrap() != nil {
				t.Errorf("Unwrap() = %v for an unknown code, want nil", actionErr.Unwrap())
			}
		})
	}
}

func TestActionErrorMessage(t *testing.T) {
	err := &sdk.ActionError{Action: abi.ActionReply, Code: abi.ErrLimit, Message: "3 actions per event"}
	want := `sdk: action "reply" failed with code -3 (action limit exceeded): 3 actions per event`
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

func TestDefaultActionChecks(t *testing.T) {
	tests := []struct {
		name string
		req  abi.ActionRequest
		want error
	}{
		{"reply", abi.ActionRequest{Type: abi.ActionReply, Content: "x"}, nil},
		{"reply without content", abi.ActionRequest{Type: abi.ActionReply}, sdk.ErrInvalid},
		{"send without channel", abi.ActionRequest{Type: abi.ActionSendMessage, Content: "x"}, sdk.ErrInvalid},
		{"unknown type", abi.ActionRequest{Type: "fly"}, sdk.ErrUnknownAction},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t)
			var actionErr error
			onMessage(func(c *sdk.Context) error {
				_, actionErr = c.Action(tt.req)
				return nil
			})
			if _, err := sdktest.Run(messageEvent("x"), sdktest.Options{}); err != nil {
				t.Fatal(err)
			}
			if !errors.Is(actionErr, tt.want) {
				t.Errorf("Action error = %v, want %v", actionErr, tt.want)
			}
		})
	}
}

func TestConfig(t *testing.T) {
	type config struct {
		Greeting string   `json:"greeting"`
		Channels []int64  `json:"channels"`
		Limit    int      `json:"limit"`
		Words    []string `json:"words"`
	}
	// The cases run in order, so the large configuration must grow the
	// buffer that the first case's smaller one left behind.
	largeWords := make([]string, 300)
	for i := range largeWords {
		largeWords[i] = fmt.Sprintf("word%d", i)
	}
	large, err := json.Marshal(map[string]any{"words": largeWords})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		config  json.RawMessage
		want    config
		wantErr string
	}{
		{"values", json.RawMessage(`{"greeting":"hi","channels":[5,6],"unknown":true}`), config{Greeting: "hi", Channels: []int64{5, 6}, Limit: 3}, ""},
		{"none keeps defaults", nil, config{Limit: 3}, ""},
		{"larger than the first read", large, config{Limit: 3, Words: largeWords}, ""},
		{"wrong type", json.RawMessage(`{"limit":"three"}`), config{Limit: 3}, "decoding plugin config into *sdk_test.config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t)
			got := config{Limit: 3}
			var configErr error
			onMessage(func(c *sdk.Context) error {
				configErr = c.Config(&got)
				return nil
			})

			if _, err := sdktest.Run(messageEvent("x"), sdktest.Options{Config: tt.config}); err != nil {
				t.Fatal(err)
			}
			if tt.wantErr == "" && configErr != nil {
				t.Fatalf("Config: %v", configErr)
			}
			if tt.wantErr != "" && (configErr == nil || !strings.Contains(configErr.Error(), tt.wantErr)) {
				t.Fatalf("Config error = %v, want one containing %q", configErr, tt.wantErr)
			}
			if tt.wantErr == "" && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("config = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// stringer is a fmt.Stringer for the log format test.
type stringer struct{}

func (stringer) String() string { return "from String" }

func TestLogLines(t *testing.T) {
	when := time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		log  func(c *sdk.Context)
		want sdktest.LogLine
	}{
		{"debug", func(c *sdk.Context) { c.Debug("got message", "channel", int64(5)) }, sdktest.LogLine{Level: abi.LevelDebug, Message: "got message channel=5"}},
		{"info", func(c *sdk.Context) { c.Info("reply sent", "content", "hello there") }, sdktest.LogLine{Level: abi.LevelInfo, Message: `reply sent content="hello there"`}},
		{"warn", func(c *sdk.Context) { c.Warn("slow", "ok", true, "ratio", 0.5) }, sdktest.LogLine{Level: abi.LevelWarn, Message: "slow ok=true ratio=0.5"}},
		{"error", func(c *sdk.Context) { c.Error("send failed", "err", errors.New("no route")) }, sdktest.LogLine{Level: abi.LevelError, Message: `send failed err="no route"`}},
		{"no pairs", func(c *sdk.Context) { c.Info("started") }, sdktest.LogLine{Level: abi.LevelInfo, Message: "started"}},
		{"time and stringer", func(c *sdk.Context) { c.Info("t", "at", when, "s", stringer{}) }, sdktest.LogLine{Level: abi.LevelInfo, Message: `t at=2025-12-31T12:00:00Z s="from String"`}},
		{"quoting", func(c *sdk.Context) { c.Info("q", "empty", "", "eq", "a=b", "nl", "a\nb", "utf8", "你好") }, sdktest.LogLine{Level: abi.LevelInfo, Message: `q empty="" eq="a=b" nl="a\nb" utf8=你好`}},
		{"key not a string", func(c *sdk.Context) { c.Info("k", 7, "x") }, sdktest.LogLine{Level: abi.LevelInfo, Message: "k !BADKEY=7 !BADKEY=x"}},
		{"value missing", func(c *sdk.Context) { c.Info("k", "alone") }, sdktest.LogLine{Level: abi.LevelInfo, Message: "k !BADKEY=alone"}},
		{"nil value", func(c *sdk.Context) { c.Info("k", "v", nil) }, sdktest.LogLine{Level: abi.LevelInfo, Message: "k v=<nil>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t)
			onMessage(func(c *sdk.Context) error { tt.log(c); return nil })

			res, err := sdktest.Run(messageEvent("x"), sdktest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if want := []sdktest.LogLine{tt.want}; !slices.Equal(res.Logs, want) {
				t.Errorf("logs\nhave %+v\nwant %+v", res.Logs, want)
			}
		})
	}
}

func TestManifest(t *testing.T) {
	noop := func(*sdk.Context, *sdk.Event) error { return nil }
	tests := []struct {
		name     string
		register func()
		want     []string
	}{
		{"none", func() {}, []string{}},
		{"sorted and distinct", func() {
			sdk.OnMessageCreate(func(*sdk.Context, *sdk.MessageCreate) error { return nil })
			sdk.On("POLL_CREATE", noop)
			sdk.OnGuildCreate(func(*sdk.Context, *sdk.GuildCreate) error { return nil })
			sdk.On(sdk.EventMessageCreate, noop)
		}, []string{"GUILD_CREATE", "MESSAGE_CREATE", "POLL_CREATE"}},
		{"OnAll", func() {
			sdk.OnMessageCreate(func(*sdk.Context, *sdk.MessageCreate) error { return nil })
			sdk.OnAll(noop)
		}, []string{"*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t)
			sdk.Plugin("greeter", "2.1.0")
			tt.register()

			m, err := sdktest.Manifest()
			if err != nil {
				t.Fatal(err)
			}
			want := abi.Manifest{Name: "greeter", Version: "2.1.0", Events: tt.want}
			if !reflect.DeepEqual(m, want) {
				t.Errorf("manifest = %+v, want %+v", m, want)
			}
		})
	}
}

func TestManifestInvalidName(t *testing.T) {
	tests := []struct {
		name    string
		plugin  string
		wantErr string
	}{
		{"missing", "", "plugin name is empty"},
		{"upper case", "Ping", `invalid plugin name "Ping"`},
		{"space", "my bot", `invalid plugin name "my bot"`},
		{"too long", strings.Repeat("a", 65), "the maximum is 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t)
			sdk.Plugin(tt.plugin, "1.0.0")

			_, err := sdktest.Manifest()
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestManifestLongestName(t *testing.T) {
	setup(t)
	name := strings.Repeat("a", 62) + "-_"
	sdk.Plugin(name, "1.0.0")

	m, err := sdktest.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != name {
		t.Errorf("name = %q, want %q", m.Name, name)
	}
}
