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

// memberAddEvent is a GUILD_MEMBER_ADD body as the platform sends it.
const memberAddEvent = `{"type":"GUILD_MEMBER_ADD","data":{"guildId":10,` +
	`"user":{"id":999,"name":"newcomer","avatar":"avatar/avatar/n9.jpg"},"joinedAt":"2025-12-31T12:00:00Z"}}`

// run delivers event with config and fails the test if the handler fails.
func run(t *testing.T, event []byte, config string) sdktest.Result {
	t.Helper()
	res, err := sdktest.Run(event, sdktest.Options{Config: json.RawMessage(config)})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Status != abi.StatusOK {
		t.Errorf("status = %d, want %d", res.Status, abi.StatusOK)
	}
	return res
}

func TestWelcomeGreets(t *testing.T) {
	tests := []struct {
		name   string
		config string
		want   string
	}{
		{"configured message", `{"channelId":5,"message":"欢迎 {name} 加入！"}`, "欢迎 newcomer 加入！"},
		{"default message", `{"channelId":5}`, "欢迎 newcomer 加入！"},
		{"blank message", `{"channelId":5,"message":"  "}`, "欢迎 newcomer 加入！"},
		{"name twice", `{"channelId":5,"message":"Hi {name}! Welcome, {name}."}`, "Hi newcomer! Welcome, newcomer."},
		{"no placeholder", `{"channelId":5,"message":"Welcome aboard"}`, "Welcome aboard"},
		{"matching guild", `{"channelId":5,"guildId":10}`, "欢迎 newcomer 加入！"},
		{"unknown setting", `{"channelId":5,"colour":"blue"}`, "欢迎 newcomer 加入！"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, []byte(memberAddEvent), tt.config)

			want := []abi.ActionRequest{{Type: abi.ActionSendMessage, ChannelID: 5, Content: tt.want}}
			if !slices.Equal(res.Actions, want) {
				t.Errorf("actions\nhave %+v\nwant %+v", res.Actions, want)
			}
		})
	}
}

func TestWelcomeNameMissingUsesID(t *testing.T) {
	event := sdktest.Event(sdk.EventGuildMemberAdd, sdk.GuildMemberAdd{GuildID: 10, User: sdk.User{ID: 999}})
	res := run(t, event, `{"channelId":5}`)

	want := []abi.ActionRequest{{Type: abi.ActionSendMessage, ChannelID: 5, Content: "欢迎 999 加入！"}}
	if !slices.Equal(res.Actions, want) {
		t.Errorf("actions\nhave %+v\nwant %+v", res.Actions, want)
	}
}

func TestWelcomeSkips(t *testing.T) {
	tests := []struct {
		name      string
		config    string
		wantLevel int
		wantLog   string
	}{
		{"no config", `{}`, abi.LevelWarn, "no greeting sent: set channelId in the plugin config guild=10 user=999"},
		{"no channel", `{"message":"hi {name}"}`, abi.LevelWarn, "no greeting sent: set channelId in the plugin config guild=10 user=999"},
		{"negative channel", `{"channelId":-5}`, abi.LevelWarn,
			`no greeting sent: channelId in the plugin config is not a valid channel id channel=-5 guild=10 user=999`},
		{"other guild", `{"channelId":5,"guildId":11}`, abi.LevelDebug, "member joined another guild, no greeting sent guild=10 user=999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, []byte(memberAddEvent), tt.config)

			if len(res.Actions) != 0 {
				t.Errorf("actions = %+v, want none", res.Actions)
			}
			want := []sdktest.LogLine{{Level: tt.wantLevel, Message: tt.wantLog}}
			if !slices.Equal(res.Logs, want) {
				t.Errorf("logs\nhave %+v\nwant %+v", res.Logs, want)
			}
		})
	}
}

func TestWelcomeInvalidConfigFails(t *testing.T) {
	res, err := sdktest.Run([]byte(memberAddEvent), sdktest.Options{Config: json.RawMessage(`{"channelId":"general"}`)})
	if err == nil || !strings.Contains(err.Error(), "decoding plugin config") {
		t.Errorf("err = %v, want a config decoding error", err)
	}
	if res.Status != abi.StatusFailed {
		t.Errorf("status = %d, want %d", res.Status, abi.StatusFailed)
	}
	if len(res.Actions) != 0 {
		t.Errorf("actions = %+v, want none", res.Actions)
	}
}

func TestWelcomeSendErrorFails(t *testing.T) {
	full := func(abi.ActionRequest) ([]byte, error) {
		return nil, &sdk.ActionError{Code: abi.ErrLimit, Message: "too many actions waiting for this bot"}
	}
	res, err := sdktest.Run([]byte(memberAddEvent), sdktest.Options{Config: json.RawMessage(`{"channelId":5}`), Action: full})
	if !errors.Is(err, sdk.ErrLimit) {
		t.Errorf("err = %v, want %v", err, sdk.ErrLimit)
	}
	if res.Status != abi.StatusFailed {
		t.Errorf("status = %d, want %d", res.Status, abi.StatusFailed)
	}
}

func TestWelcomeIgnoresOtherEvents(t *testing.T) {
	event := sdktest.Event(sdk.EventMessageCreate, sdk.MessageCreate{ID: 1, ChannelID: 5, GuildID: 10, Content: "hi"})
	res := run(t, event, `{"channelId":5}`)
	if len(res.Actions) != 0 {
		t.Errorf("actions = %+v, want none", res.Actions)
	}
}

func TestWelcomeManifest(t *testing.T) {
	m, err := sdktest.Manifest()
	if err != nil {
		t.Fatalf("Manifest: %v", err)
	}
	if m.Name != "welcome" {
		t.Errorf("name = %q, want %q", m.Name, "welcome")
	}
	if m.Version != "1.0.0" {
		t.Errorf("version = %q, want %q", m.Version, "1.0.0")
	}
	if want := []string{sdk.EventGuildMemberAdd}; !slices.Equal(m.Events, want) {
		t.Errorf("events = %q, want %q", m.Events, want)
	}
}
