package sdk_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/sdk"
	"github.com/bubblehost/bubblehost/sdk/sdktest"
)

// runAction runs act in a MESSAGE_CREATE handler, with action carrying out
// its requests (sdktest's defaults when nil), and returns the requests made
// and the error act returned. The handler itself never fails.
func runAction(t *testing.T, action func(abi.ActionRequest) ([]byte, error), act func(c *sdk.Context) error) ([]abi.ActionRequest, error) {
	t.Helper()
	setup(t)
	var actErr error
	onMessage(func(c *sdk.Context) error {
		actErr = act(c)
		return nil
	})

	res, err := sdktest.Run(messageEvent("x"), sdktest.Options{Action: action})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res.Actions, actErr
}

// resultFor returns an Options.Action that returns result for every
// request.
func resultFor(result string) func(abi.ActionRequest) ([]byte, error) {
	return func(abi.ActionRequest) ([]byte, error) { return []byte(result), nil }
}

func TestQueuedActions(t *testing.T) {
	tests := []struct {
		name string
		act  func(c *sdk.Context) error
		want abi.ActionRequest
	}{
		{"Reply", func(c *sdk.Context) error { return c.Reply("pong") },
			abi.ActionRequest{Type: abi.ActionReply, Content: "pong"}},
		{"Send", func(c *sdk.Context) error { return c.Send(42, "hello") },
			abi.ActionRequest{Type: abi.ActionSendMessage, ChannelID: 42, Content: "hello"}},
		{"SendDM", func(c *sdk.Context) error { return c.SendDM(7, "你好") },
			abi.ActionRequest{Type: abi.ActionSendDM, UserID: 7, Content: "你好"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requests, err := runAction(t, nil, tt.act)
			if err != nil {
				t.Errorf("error = %v, want nil", err)
			}
			if want := []abi.ActionRequest{tt.want}; !slices.Equal(requests, want) {
				t.Errorf("requests\nhave %+v\nwant %+v", requests, want)
			}
		})
	}
}

func TestWaitingSends(t *testing.T) {
	const result = `{"id":3001,"channelId":5,"content":"pong","author":{"id":70,"name":"bot"},"timestamp":"2025-12-31T12:00:01Z"}`
	wantMessage := &sdk.Message{
		ID: 3001, ChannelID: 5, Content: "pong",
		Unknown: map[string]json.RawMessage{
			"author":    json.RawMessage(`{"id":70,"name":"bot"}`),
			"timestamp": json.RawMessage(`"2025-12-31T12:00:01Z"`),
		},
	}

	tests := []struct {
		name string
		send func(c *sdk.Context) (*sdk.Message, error)
		want abi.ActionRequest
	}{
		{"ReplyWait", func(c *sdk.Context) (*sdk.Message, error) { return c.ReplyWait("pong") },
			abi.ActionRequest{Type: abi.ActionReply, Content: "pong", Wait: true}},
		{"SendWait", func(c *sdk.Context) (*sdk.Message, error) { return c.SendWait(5, "pong") },
			abi.ActionRequest{Type: abi.ActionSendMessage, ChannelID: 5, Content: "pong", Wait: true}},
		{"SendDMWait", func(c *sdk.Context) (*sdk.Message, error) { return c.SendDMWait(7, "pong") },
			abi.ActionRequest{Type: abi.ActionSendDM, UserID: 7, Content: "pong", Wait: true}},
		{"EditMessage", func(c *sdk.Context) (*sdk.Message, error) { return c.EditMessage(5, 3001, "pong") },
			abi.ActionRequest{Type: abi.ActionEditMessage, ChannelID: 5, MessageID: 3001, Content: "pong", Wait: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *sdk.Message
			requests, err := runAction(t, resultFor(result), func(c *sdk.Context) error {
				var err error
				got, err = tt.send(c)
				return err
			})
			if err != nil {
				t.Fatalf("error = %v, want nil", err)
			}
			if want := []abi.ActionRequest{tt.want}; !slices.Equal(requests, want) {
				t.Errorf("requests\nhave %+v\nwant %+v", requests, want)
			}
			if !reflect.DeepEqual(got, wantMessage) {
				t.Errorf("message\nhave %+v\nwant %+v", got, wantMessage)
			}
		})
	}
}

func TestWaitingSendsWithDefaults(t *testing.T) {
	var replied, sent, edited *sdk.Message
	requests, err := runAction(t, nil, func(c *sdk.Context) error {
		var err error
		if replied, err = c.ReplyWait("one"); err != nil {
			return err
		}
		if sent, err = c.SendWait(42, "two"); err != nil {
			return err
		}
		edited, err = c.EditMessage(42, sent.ID, "three")
		return err
	})
	if err != nil {
		t.Fatalf("error = %v, want nil", err)
	}
	if len(requests) != 3 {
		t.Fatalf("made %d requests, want 3: %+v", len(requests), requests)
	}

	if want := (&sdk.Message{ID: sdktest.DefaultMessageID, Content: "one"}); !reflect.DeepEqual(replied, want) {
		t.Errorf("ReplyWait message = %+v, want %+v", replied, want)
	}
	if want := (&sdk.Message{ID: sdktest.DefaultMessageID, ChannelID: 42, Content: "two"}); !reflect.DeepEqual(sent, want) {
		t.Errorf("SendWait message = %+v, want %+v", sent, want)
	}
	if want := (&sdk.Message{ID: sdktest.DefaultMessageID, ChannelID: 42, Content: "three"}); !reflect.DeepEqual(edited, want) {
		t.Errorf("EditMessage message = %+v, want %+v", edited, want)
	}
	if requests[2].MessageID != sdktest.DefaultMessageID {
		t.Errorf("edit request's messageId = %d, want the id SendWait returned, %d", requests[2].MessageID, sdktest.DefaultMessageID)
	}
}

func TestDeleteMessage(t *testing.T) {
	for _, result := range []string{"{}", ""} {
		requests, err := runAction(t, resultFor(result), func(c *sdk.Context) error {
			return c.DeleteMessage(5, 3001)
		})
		if err != nil {
			t.Errorf("result %q: error = %v, want nil", result, err)
		}
		want := []abi.ActionRequest{{Type: abi.ActionDeleteMessage, ChannelID: 5, MessageID: 3001, Wait: true}}
		if !slices.Equal(requests, want) {
			t.Errorf("result %q: requests\nhave %+v\nwant %+v", result, requests, want)
		}
	}
}

func TestMe(t *testing.T) {
	var got *sdk.BotInfo
	requests, err := runAction(t, resultFor(`{"id":7,"name":"pingbot","botUser":{"id":70,"name":"pingbot","bot":true},"intents":3}`),
		func(c *sdk.Context) error {
			var err error
			got, err = c.Me()
			return err
		})
	if err != nil {
		t.Fatalf("Me: %v", err)
	}
	if want := []abi.ActionRequest{{Type: abi.ActionGetMe}}; !slices.Equal(requests, want) {
		t.Errorf("requests\nhave %+v\nwant %+v", requests, want)
	}
	want := &sdk.BotInfo{
		ID: 7, Name: "pingbot",
		BotUser: sdk.User{ID: 70, Name: "pingbot", Bot: true},
		Unknown: map[string]json.RawMessage{"intents": json.RawMessage(`3`)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Me\nhave %+v\nwant %+v", got, want)
	}
}

func TestChannel(t *testing.T) {
	var got *sdk.Channel
	requests, err := runAction(t, resultFor(`{"id":7,"guildId":10,"name":"general","type":0,"position":2,"topic":"hi"}`),
		func(c *sdk.Context) error {
			var err error
			got, err = c.Channel(7)
			return err
		})
	if err != nil {
		t.Fatalf("Channel: %v", err)
	}
	if want := []abi.ActionRequest{{Type: abi.ActionGetChannel, ChannelID: 7}}; !slices.Equal(requests, want) {
		t.Errorf("requests\nhave %+v\nwant %+v", requests, want)
	}
	want := &sdk.Channel{
		ID: 7, GuildID: 10, Name: "general", Type: 0, Position: 2,
		Unknown: map[string]json.RawMessage{"topic": json.RawMessage(`"hi"`)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Channel\nhave %+v\nwant %+v", got, want)
	}
}

func TestMember(t *testing.T) {
	var got *sdk.Member
	result := `{"user":{"id":1,"name":"alice","avatar":"avatar/avatar/a1.jpg"},"roles":[100,101],` +
		`"nick":"Alice 🌸","joinedAt":"2025-12-31T12:00:00Z","muted":false}`
	requests, err := runAction(t, resultFor(result), func(c *sdk.Context) error {
		var err error
		got, err = c.Member(10, 1)
		return err
	})
	if err != nil {
		t.Fatalf("Member: %v", err)
	}
	if want := []abi.ActionRequest{{Type: abi.ActionGetMember, GuildID: 10, UserID: 1}}; !slices.Equal(requests, want) {
		t.Errorf("requests\nhave %+v\nwant %+v", requests, want)
	}
	want := &sdk.Member{
		User:     sdk.User{ID: 1, Name: "alice", Avatar: "avatar/avatar/a1.jpg"},
		Roles:    []int64{100, 101},
		Nick:     "Alice 🌸",
		JoinedAt: time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC),
		Unknown:  map[string]json.RawMessage{"muted": json.RawMessage(`false`)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Member\nhave %+v\nwant %+v", got, want)
	}

	encoded, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, encoded, []byte(result))
}

// waitingActions calls each action that waits for the platform, for the
// error tests.
var waitingActions = []struct {
	name   string
	action string
	act    func(c *sdk.Context) error
}{
	{"ReplyWait", abi.ActionReply, func(c *sdk.Context) error { _, err := c.ReplyWait("x"); return err }},
	{"SendWait", abi.ActionSendMessage, func(c *sdk.Context) error { _, err := c.SendWait(5, "x"); return err }},
	{"SendDMWait", abi.ActionSendDM, func(c *sdk.Context) error { _, err := c.SendDMWait(7, "x"); return err }},
	{"EditMessage", abi.ActionEditMessage, func(c *sdk.Context) error { _, err := c.EditMessage(5, 9, "x"); return err }},
	{"DeleteMessage", abi.ActionDeleteMessage, func(c *sdk.Context) error { return c.DeleteMessage(5, 9) }},
	{"Me", abi.ActionGetMe, func(c *sdk.Context) error { _, err := c.Me(); return err }},
	{"Channel", abi.ActionGetChannel, func(c *sdk.Context) error { _, err := c.Channel(7); return err }},
	{"Member", abi.ActionGetMember, func(c *sdk.Context) error { _, err := c.Member(10, 1); return err }},
}

// TestActionMethodErrors checks that every action method returns the
// host's error code and message as an *sdk.ActionError naming the action.
func TestActionMethodErrors(t *testing.T) {
	actions := append(slices.Clone(waitingActions), []struct {
		name   string
		action string
		act    func(c *sdk.Context) error
	}{
		{"Reply", abi.ActionReply, func(c *sdk.Context) error { return c.Reply("x") }},
		{"Send", abi.ActionSendMessage, func(c *sdk.Context) error { return c.Send(5, "x") }},
		{"SendDM", abi.ActionSendDM, func(c *sdk.Context) error { return c.SendDM(7, "x") }},
	}...)
	codes := []struct {
		code     int
		sentinel error
	}{
		{abi.ErrInvalid, sdk.ErrInvalid},
		{abi.ErrUnknownAction, sdk.ErrUnknownAction},
		{abi.ErrLimit, sdk.ErrLimit},
		{abi.ErrFailed, sdk.ErrFailed},
		{abi.ErrUnavailable, sdk.ErrUnavailable},
		{abi.ErrTimeout, sdk.ErrTimeout},
	}
	const message = "GET /channels/7: platform answered 404 NOT_FOUND: no such channel"

	for _, a := range actions {
		for _, c := range codes {
			t.Run(a.name+"/"+c.sentinel.Error(), func(t *testing.T) {
				fail := func(abi.ActionRequest) ([]byte, error) {
					return nil, &sdk.ActionError{Code: c.code, Message: message}
				}
				_, err := runAction(t, fail, a.act)

				var actionErr *sdk.ActionError
				if !errors.As(err, &actionErr) {
					t.Fatalf("error = %v, want an *sdk.ActionError", err)
				}
				want := sdk.ActionError{Action: a.action, Code: c.code, Message: message}
				if *actionErr != want {
					t.Errorf("error = %+v, want %+v", *actionErr, want)
				}
				if !errors.Is(err, c.sentinel) {
					t.Errorf("errors.Is(%v, %v) = false", err, c.sentinel)
				}
			})
		}
	}
}

func TestWaitingResultErrors(t *testing.T) {
	tests := []struct {
		name    string
		result  string
		wantErr string
	}{
		{"queued by an older host", abi.QueuedResult, "was queued instead of waited for"},
		{"no id", `{"name":"x"}`, "has no id"},
		{"empty", "", "returned an empty result"},
		{"not JSON", `{"id":`, "decoding the result of action"},
		{"wrong shape", `{"id":"seven","user":"seven"}`, "decoding the result of action"},
	}
	for _, tt := range tests {
		for _, a := range waitingActions {
			if a.action == abi.ActionDeleteMessage {
				continue // a delete has no result to check
			}
			t.Run(tt.name+"/"+a.name, func(t *testing.T) {
				_, err := runAction(t, resultFor(tt.result), a.act)
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %v, want one containing %q", err, tt.wantErr)
				}
				var actionErr *sdk.ActionError
				if errors.As(err, &actionErr) {
					t.Errorf("error = %v is an *sdk.ActionError, but the host reported success", err)
				}
			})
		}
	}
}

func TestReadsWithoutScriptFail(t *testing.T) {
	for _, a := range waitingActions {
		switch a.action {
		case abi.ActionGetMe, abi.ActionGetChannel, abi.ActionGetMember:
		default:
			continue
		}
		t.Run(a.name, func(t *testing.T) {
			_, err := runAction(t, nil, a.act)
			if !errors.Is(err, sdk.ErrFailed) {
				t.Errorf("error = %v, want %v", err, sdk.ErrFailed)
			}
			if err == nil || !strings.Contains(err.Error(), "no result scripted for "+a.action) {
				t.Errorf("error = %v, want one saying that no result was scripted", err)
			}
		})
	}
}

// TestDryRunResults checks the host's dry run, which returns {} for a
// change that waits: a waiting send or edit then returns a zero Message,
// while a read that returns {} is an error.
func TestDryRunResults(t *testing.T) {
	for _, a := range waitingActions {
		t.Run(a.name, func(t *testing.T) {
			var got *sdk.Message
			_, err := runAction(t, resultFor("{}"), func(c *sdk.Context) error {
				var err error
				switch a.name {
				case "ReplyWait":
					got, err = c.ReplyWait("x")
				case "SendWait":
					got, err = c.SendWait(5, "x")
				case "SendDMWait":
					got, err = c.SendDMWait(7, "x")
				case "EditMessage":
					got, err = c.EditMessage(5, 9, "x")
				default:
					err = a.act(c)
				}
				return err
			})

			switch a.action {
			case abi.ActionGetMe, abi.ActionGetChannel, abi.ActionGetMember:
				if err == nil || !strings.Contains(err.Error(), "has no id") {
					t.Errorf("error = %v, want one containing %q", err, "has no id")
				}
			case abi.ActionDeleteMessage:
				if err != nil {
					t.Errorf("error = %v, want nil", err)
				}
			default:
				if err != nil {
					t.Fatalf("error = %v, want nil", err)
				}
				if want := (&sdk.Message{}); !reflect.DeepEqual(got, want) {
					t.Errorf("message = %+v, want %+v", got, want)
				}
			}
		})
	}
}

// TestScriptedActionFallsBack checks the pattern that the sdktest package
// documentation shows: script one type and leave the rest to DefaultAction.
func TestScriptedActionFallsBack(t *testing.T) {
	sdktest.Reset()
	t.Cleanup(sdktest.Reset)
	sdk.Plugin("fallback", "1.0.0")
	var nick string
	var replyErr error
	sdk.OnMessageCreate(func(c *sdk.Context, m *sdk.MessageCreate) error {
		member, err := c.Member(m.GuildID, m.Author.ID)
		if err != nil {
			return err
		}
		nick = member.Nick
		replyErr = c.Reply("hi " + member.Nick)
		return nil
	})

	opts := sdktest.Options{Action: func(req abi.ActionRequest) ([]byte, error) {
		if req.Type == abi.ActionGetMember {
			return json.Marshal(sdk.Member{User: sdk.User{ID: req.UserID, Name: "alice"}, Nick: "Al"})
		}
		return sdktest.DefaultAction(req)
	}}
	event := sdktest.Event(sdk.EventMessageCreate, sdk.MessageCreate{ID: 1, ChannelID: 5, GuildID: 10, Author: sdk.User{ID: 1}})
	res, err := sdktest.Run(event, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	if nick != "Al" {
		t.Errorf("nick = %q, want %q", nick, "Al")
	}
	if replyErr != nil {
		t.Errorf("Reply: %v", replyErr)
	}
	want := []abi.ActionRequest{
		{Type: abi.ActionGetMember, GuildID: 10, UserID: 1},
		{Type: abi.ActionReply, Content: "hi Al"},
	}
	if len(res.Actions) != len(want) {
		t.Fatalf("actions = %+v, want %+v", res.Actions, want)
	}
	for i := range want {
		if res.Actions[i] != want[i] {
			t.Errorf("action %d = %+v, want %+v", i, res.Actions[i], want[i])
		}
	}
}
