package main

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/sdk"
	"github.com/bubblehost/bubblehost/sdk/sdktest"
)

// dmEvent is a DM_MESSAGE_CREATE body as the platform sends it.
const dmEvent = `{"type":"DM_MESSAGE_CREATE","data":{"id":2001,"channelId":456,"content":"你好，机器人",` +
	`"author":{"id":1,"name":"alice","avatar":"avatar/avatar/a1.jpg"},"timestamp":"2025-12-31T12:00:00Z"}}`

// guildMessage returns a MESSAGE_CREATE event with content from alice.
func guildMessage(content string) []byte {
	return sdktest.Event(sdk.EventMessageCreate, sdk.MessageCreate{
		ID: 1001, ChannelID: 5, GuildID: 10, Content: content,
		Author: sdk.User{ID: 1, Name: "alice"},
	})
}

// run delivers event and fails the test if the handler fails.
func run(t *testing.T, event []byte, opts sdktest.Options) sdktest.Result {
	t.Helper()
	res, err := sdktest.Run(event, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Status != abi.StatusOK {
		t.Errorf("status = %d, want %d", res.Status, abi.StatusOK)
	}
	return res
}

// assertActions fails the test unless res requested exactly want.
func assertActions(t *testing.T, res sdktest.Result, want []abi.ActionRequest) {
	t.Helper()
	if !slices.Equal(res.Actions, want) {
		t.Errorf("actions\nhave %+v\nwant %+v", res.Actions, want)
	}
}

func TestDMRepliesToDirectMessage(t *testing.T) {
	tests := []struct {
		name   string
		config string
		want   string
	}{
		{"default reply", `{}`, "收到你的私信了，alice！"},
		{"configured reply", `{"reply":"Hi {name}, I read it."}`, "Hi alice, I read it."},
		{"blank reply", `{"reply":" "}`, "收到你的私信了，alice！"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, []byte(dmEvent), sdktest.Options{Config: json.RawMessage(tt.config)})
			assertActions(t, res, []abi.ActionRequest{{Type: abi.ActionReply, Content: tt.want}})
		})
	}
}

func TestDMIgnoresBotDirectMessage(t *testing.T) {
	event := sdktest.Event(sdk.EventDMMessageCreate, sdk.DMMessageCreate{
		ID: 2001, ChannelID: 456, Content: "hello", Author: sdk.User{ID: 2, Name: "otherbot", Bot: true},
	})
	res := run(t, event, sdktest.Options{})
	assertActions(t, res, nil)
	want := []sdktest.LogLine{{Level: abi.LevelDebug, Message: "ignoring a bot's direct message author=2 message=2001"}}
	if !slices.Equal(res.Logs, want) {
		t.Errorf("logs\nhave %+v\nwant %+v", res.Logs, want)
	}
}

func TestDMCommandOpensDM(t *testing.T) {
	for _, content := range []string{"!dm", "!DM", "  !dm\n"} {
		t.Run(content, func(t *testing.T) {
			res := run(t, guildMessage(content), sdktest.Options{})
			assertActions(t, res, []abi.ActionRequest{
				{Type: abi.ActionSendDM, UserID: 1, Content: "你好，alice！有什么需要可以直接在这里告诉我。", Wait: true},
				{Type: abi.ActionReply, Content: "alice，我给你发了一条私信。"},
			})
		})
	}
}

func TestDMCommandConfiguredTexts(t *testing.T) {
	config := `{"greeting":"Hello {name}, ask me anything here.","sent":"{name}: check your DMs."}`
	res := run(t, guildMessage("!dm"), sdktest.Options{Config: json.RawMessage(config)})
	assertActions(t, res, []abi.ActionRequest{
		{Type: abi.ActionSendDM, UserID: 1, Content: "Hello alice, ask me anything here.", Wait: true},
		{Type: abi.ActionReply, Content: "alice: check your DMs."},
	})
}

func TestDMCommandIgnoresOtherMessages(t *testing.T) {
	for _, content := range []string{"", "dm", "!dm please", "please !dm", "！dm"} {
		res := run(t, guildMessage(content), sdktest.Options{})
		if len(res.Actions) != 0 {
			t.Errorf("content %q: actions = %+v, want none", content, res.Actions)
		}
	}
}

func TestDMCommandIgnoresBots(t *testing.T) {
	event := sdktest.Event(sdk.EventMessageCreate, sdk.MessageCreate{
		ID: 1001, ChannelID: 5, GuildID: 10, Content: "!dm", Author: sdk.User{ID: 2, Name: "otherbot", Bot: true},
	})
	res := run(t, event, sdktest.Options{})
	assertActions(t, res, nil)
}

func TestDMCommandDMRejected(t *testing.T) {
	const platformError = "POST /users/1/dm: platform answered 403 FORBIDDEN: user does not accept direct messages"
	rejectDM := func(req abi.ActionRequest) ([]byte, error) {
		if req.Type == abi.ActionSendDM {
			return nil, &sdk.ActionError{Code: abi.ErrFailed, Message: platformError}
		}
		return sdktest.DefaultAction(req)
	}

	res := run(t, guildMessage("!dm"), sdktest.Options{Action: rejectDM})
	assertActions(t, res, []abi.ActionRequest{
		{Type: abi.ActionSendDM, UserID: 1, Content: "你好，alice！有什么需要可以直接在这里告诉我。", Wait: true},
		{Type: abi.ActionReply, Content: "alice，我没能给你发私信，请检查你的私信设置。"},
	})
	if len(res.Logs) != 1 {
		t.Fatalf("logs = %+v, want one warning", res.Logs)
	}
	if res.Logs[0].Level != abi.LevelWarn {
		t.Errorf("log level = %d, want %d", res.Logs[0].Level, abi.LevelWarn)
	}
	if want := "sending a direct message failed user=1 channel=5 err="; !strings.HasPrefix(res.Logs[0].Message, want) {
		t.Errorf("log = %q, want one starting with %q", res.Logs[0].Message, want)
	}
	if !strings.Contains(res.Logs[0].Message, "403 FORBIDDEN") {
		t.Errorf("log = %q, want it to contain the platform's error", res.Logs[0].Message)
	}
}

func TestDMCommandLimitFails(t *testing.T) {
	full := func(abi.ActionRequest) ([]byte, error) {
		return nil, &sdk.ActionError{Code: abi.ErrLimit, Message: "too many actions waiting for this plugin"}
	}
	res, err := sdktest.Run(guildMessage("!dm"), sdktest.Options{Action: full})
	if !errors.Is(err, sdk.ErrLimit) {
		t.Errorf("err = %v, want %v", err, sdk.ErrLimit)
	}
	if res.Status != abi.StatusFailed {
		t.Errorf("status = %d, want %d", res.Status, abi.StatusFailed)
	}
	if len(res.Actions) != 1 {
		t.Errorf("actions = %+v, want only the send_dm", res.Actions)
	}
}

// TestDMCommandDryRun checks the host's dry run, in which a waiting send
// returns {}: the plugin still reports the direct message as sent.
func TestDMCommandDryRun(t *testing.T) {
	dryRun := func(req abi.ActionRequest) ([]byte, error) {
		if req.Wait {
			return []byte("{}"), nil
		}
		return sdktest.DefaultAction(req)
	}
	res := run(t, guildMessage("!dm"), sdktest.Options{Action: dryRun})
	if len(res.Actions) != 2 || res.Actions[1].Content != "alice，我给你发了一条私信。" {
		t.Errorf("actions = %+v, want the send_dm and the reply that it was sent", res.Actions)
	}
}

func TestDMInvalidConfigFails(t *testing.T) {
	for _, event := range [][]byte{[]byte(dmEvent), guildMessage("!dm")} {
		res, err := sdktest.Run(event, sdktest.Options{Config: json.RawMessage(`{"reply":5}`)})
		if err == nil || !strings.Contains(err.Error(), "decoding plugin config") {
			t.Errorf("err = %v, want a config decoding error", err)
		}
		if len(res.Actions) != 0 {
			t.Errorf("actions = %+v, want none", res.Actions)
		}
	}
}

func TestDMManifest(t *testing.T) {
	m, err := sdktest.Manifest()
	if err != nil {
		t.Fatalf("Manifest: %v", err)
	}
	if m.Name != "dm" {
		t.Errorf("name = %q, want %q", m.Name, "dm")
	}
	if m.Version != "1.0.0" {
		t.Errorf("version = %q, want %q", m.Version, "1.0.0")
	}
	if want := []string{sdk.EventDMMessageCreate, sdk.EventMessageCreate}; !slices.Equal(m.Events, want) {
		t.Errorf("events = %q, want %q", m.Events, want)
	}
}
