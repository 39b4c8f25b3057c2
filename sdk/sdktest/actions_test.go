package sdktest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/sdk"
	"github.com/bubblehost/bubblehost/sdk/sdktest"
)

func TestDefaultAction(t *testing.T) {
	tests := []struct {
		name     string
		req      abi.ActionRequest
		want     string
		wantCode int
	}{
		{"reply queued", abi.ActionRequest{Type: abi.ActionReply, Content: "x"}, abi.QueuedResult, 0},
		{"send queued", abi.ActionRequest{Type: abi.ActionSendMessage, ChannelID: 5, Content: "x"}, abi.QueuedResult, 0},
		{"send_dm queued", abi.ActionRequest{Type: abi.ActionSendDM, UserID: 7, Content: "x"}, abi.QueuedResult, 0},
		{"edit queued", abi.ActionRequest{Type: abi.ActionEditMessage, ChannelID: 5, MessageID: 9, Content: "x"}, abi.QueuedResult, 0},
		{"delete queued", abi.ActionRequest{Type: abi.ActionDeleteMessage, ChannelID: 5, MessageID: 9}, abi.QueuedResult, 0},
		{"reply waiting", abi.ActionRequest{Type: abi.ActionReply, Content: "x", Wait: true},
			`{"id":90001,"channelId":0,"content":"x"}`, 0},
		{"send waiting", abi.ActionRequest{Type: abi.ActionSendMessage, ChannelID: 5, Content: "x", Wait: true},
			`{"id":90001,"channelId":5,"content":"x"}`, 0},
		{"send_dm waiting", abi.ActionRequest{Type: abi.ActionSendDM, UserID: 7, Content: "x", Wait: true},
			`{"id":90001,"channelId":0,"content":"x"}`, 0},
		{"edit waiting", abi.ActionRequest{Type: abi.ActionEditMessage, ChannelID: 5, MessageID: 9, Content: "x", Wait: true},
			`{"id":9,"channelId":5,"content":"x"}`, 0},
		{"delete waiting", abi.ActionRequest{Type: abi.ActionDeleteMessage, ChannelID: 5, MessageID: 9, Wait: true}, `{}`, 0},
		{"get_me", abi.ActionRequest{Type: abi.ActionGetMe}, "", abi.ErrFailed},
		{"get_channel", abi.ActionRequest{Type: abi.ActionGetChannel, ChannelID: 5}, "", abi.ErrFailed},
		{"get_member", abi.ActionRequest{Type: abi.ActionGetMember, GuildID: 10, UserID: 7}, "", abi.ErrFailed},
		{"unknown type", abi.ActionRequest{Type: "fly"}, "", abi.ErrUnknownAction},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sdktest.DefaultAction(tt.req)
			if tt.wantCode == 0 {
				if err != nil {
					t.Fatalf("error = %v, want nil", err)
				}
				if string(got) != tt.want {
					t.Errorf("result = %s, want %s", got, tt.want)
				}
				return
			}

			var actionErr *sdk.ActionError
			if !errors.As(err, &actionErr) {
				t.Fatalf("error = %v, want an *sdk.ActionError", err)
			}
			if actionErr.Code != tt.wantCode {
				t.Errorf("code = %d, want %d", actionErr.Code, tt.wantCode)
			}
			if got != nil {
				t.Errorf("result = %s alongside an error, want nil", got)
			}
		})
	}
}

// TestRunChecksRequests checks the host's request checks that Run applies
// before Options.Action, which here accepts everything.
func TestRunChecksRequests(t *testing.T) {
	messageEvent := sdktest.Event(sdk.EventMessageCreate, sdk.MessageCreate{ID: 1, ChannelID: 5, Content: "x"})
	tests := []struct {
		name     string
		event    []byte
		req      abi.ActionRequest
		wantCode int
		wantMsg  string
	}{
		{"reply", messageEvent, abi.ActionRequest{Type: abi.ActionReply, Content: "x"}, 0, ""},
		{"reply without content", messageEvent, abi.ActionRequest{Type: abi.ActionReply}, abi.ErrInvalid, "reply: content is empty"},
		{"reply to a member event", sdktest.Event(sdk.EventGuildMemberAdd, sdk.GuildMemberAdd{GuildID: 10, User: sdk.User{ID: 1}}),
			abi.ActionRequest{Type: abi.ActionReply, Content: "x"}, abi.ErrUnavailable, "reply: a GUILD_MEMBER_ADD event has no channel to reply in"},
		{"reply to a DM", sdktest.Event(sdk.EventDMMessageCreate, sdk.DMMessageCreate{ID: 1, ChannelID: 456, Content: "x"}),
			abi.ActionRequest{Type: abi.ActionReply, Content: "x"}, 0, ""},
		{"reply to a channel event", sdktest.Event(sdk.EventChannelCreate, sdk.ChannelCreate{ID: 789, GuildID: 10}),
			abi.ActionRequest{Type: abi.ActionReply, Content: "x"}, 0, ""},
		{"reply with a string channel id", []byte(`{"type":"POLL_CREATE","data":{"channelId":"5"}}`),
			abi.ActionRequest{Type: abi.ActionReply, Content: "x"}, 0, ""},
		{"send without channel", messageEvent, abi.ActionRequest{Type: abi.ActionSendMessage, Content: "x"},
			abi.ErrInvalid, "send_message: channelId is missing or not positive"},
		{"send to a negative channel", messageEvent, abi.ActionRequest{Type: abi.ActionSendMessage, ChannelID: -5, Content: "x"},
			abi.ErrInvalid, "send_message: channelId is missing or not positive"},
		{"send without content", messageEvent, abi.ActionRequest{Type: abi.ActionSendMessage, ChannelID: 5},
			abi.ErrInvalid, "send_message: content is empty"},
		{"send_dm without user", messageEvent, abi.ActionRequest{Type: abi.ActionSendDM, Content: "x"},
			abi.ErrInvalid, "send_dm: userId is missing or not positive"},
		{"send_dm without content", messageEvent, abi.ActionRequest{Type: abi.ActionSendDM, UserID: 7},
			abi.ErrInvalid, "send_dm: content is empty"},
		{"edit without message", messageEvent, abi.ActionRequest{Type: abi.ActionEditMessage, ChannelID: 5, Content: "x"},
			abi.ErrInvalid, "edit_message: messageId is missing or not positive"},
		{"edit without content", messageEvent, abi.ActionRequest{Type: abi.ActionEditMessage, ChannelID: 5, MessageID: 9},
			abi.ErrInvalid, "edit_message: content is empty"},
		{"send without channel or content", messageEvent, abi.ActionRequest{Type: abi.ActionSendMessage},
			abi.ErrInvalid, "send_message: channelId is missing or not positive"},
		{"send over 2000 characters", messageEvent, abi.ActionRequest{Type: abi.ActionSendMessage, ChannelID: 5, Content: strings.Repeat("x", 2001)}, 0, ""},
		{"edit of 2000 UTF-16 units", messageEvent,
			abi.ActionRequest{Type: abi.ActionEditMessage, ChannelID: 5, MessageID: 9, Content: strings.Repeat("😀", 1000)}, 0, ""},
		{"edit over 2000 UTF-16 units", messageEvent,
			abi.ActionRequest{Type: abi.ActionEditMessage, ChannelID: 5, MessageID: 9, Content: strings.Repeat("😀", 1000) + "x"},
			abi.ErrInvalid, "edit_message: content is 2001 characters, over the platform's limit of 2000"},
		{"delete without channel", messageEvent, abi.ActionRequest{Type: abi.ActionDeleteMessage, MessageID: 9},
			abi.ErrInvalid, "delete_message: channelId is missing or not positive"},
		{"delete", messageEvent, abi.ActionRequest{Type: abi.ActionDeleteMessage, ChannelID: 5, MessageID: 9}, 0, ""},
		{"get_me", messageEvent, abi.ActionRequest{Type: abi.ActionGetMe}, 0, ""},
		{"get_channel without channel", messageEvent, abi.ActionRequest{Type: abi.ActionGetChannel},
			abi.ErrInvalid, "get_channel: channelId is missing or not positive"},
		{"get_member without guild", messageEvent, abi.ActionRequest{Type: abi.ActionGetMember, UserID: 7},
			abi.ErrInvalid, "get_member: guildId is missing or not positive"},
		{"get_member without user", messageEvent, abi.ActionRequest{Type: abi.ActionGetMember, GuildID: 10},
			abi.ErrInvalid, "get_member: userId is missing or not positive"},
		{"type unknown to abi", messageEvent, abi.ActionRequest{Type: "pin_message"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sdktest.Reset()
			t.Cleanup(sdktest.Reset)
			sdk.Plugin("checks", "1.0.0")
			var actionErr error
			sdk.OnAll(func(c *sdk.Context, _ *sdk.Event) error {
				_, actionErr = c.Action(tt.req)
				return nil
			})

			var scripted []abi.ActionRequest
			accept := func(req abi.ActionRequest) ([]byte, error) {
				scripted = append(scripted, req)
				return []byte("{}"), nil
			}
			res, err := sdktest.Run(tt.event, sdktest.Options{Action: accept})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if len(res.Actions) != 1 {
				t.Errorf("Result.Actions has %d requests, want 1", len(res.Actions))
			}

			if tt.wantCode == 0 {
				if actionErr != nil {
					t.Errorf("error = %v, want nil", actionErr)
				}
				if len(scripted) != 1 {
					t.Errorf("Options.Action saw %d requests, want 1", len(scripted))
				}
				return
			}
			var got *sdk.ActionError
			if !errors.As(actionErr, &got) {
				t.Fatalf("error = %v, want an *sdk.ActionError", actionErr)
			}
			if got.Code != tt.wantCode {
				t.Errorf("code = %d, want %d", got.Code, tt.wantCode)
			}
			if !strings.Contains(got.Message, tt.wantMsg) {
				t.Errorf("message = %q, want one containing %q", got.Message, tt.wantMsg)
			}
			if len(scripted) != 0 {
				t.Errorf("Options.Action saw %+v, want no request", scripted)
			}
		})
	}
}
