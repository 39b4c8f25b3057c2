package sdk

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/bubblehost/bubblehost/abi"
)

// TestAppendActionRequestCoversFields fails when abi.ActionRequest gets,
// loses or renames a field, so that appendActionRequest is updated with it.
func TestAppendActionRequestCoversFields(t *testing.T) {
	written := []string{
		`json:"type"`, `json:"channelId,omitempty"`, `json:"messageId,omitempty"`, `json:"guildId,omitempty"`,
		`json:"userId,omitempty"`, `json:"content,omitempty"`, `json:"wait,omitempty"`,
	}
	var tags []string
	for field := range reflect.TypeFor[abi.ActionRequest]().Fields() {
		tags = append(tags, string(field.Tag))
	}
	if !slices.Equal(tags, written) {
		t.Errorf("abi.ActionRequest has the tags %q, appendActionRequest writes %q: update it", tags, written)
	}
}

// checkActionRequest fails the test unless appendActionRequest encodes req
// as json.Marshal does.
func checkActionRequest(t *testing.T, req abi.ActionRequest) {
	t.Helper()
	want, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	if have := appendActionRequest(nil, req); string(have) != string(want) {
		t.Errorf("encoded %+v\nhave %s\nwant %s", req, have, want)
	}
}

func TestAppendActionRequest(t *testing.T) {
	requests := []abi.ActionRequest{
		{},
		{Type: abi.ActionReply, Content: "pong"},
		{Type: abi.ActionSendMessage, ChannelID: 42, Content: "hello", Wait: true},
		{Type: abi.ActionEditMessage, ChannelID: -1, MessageID: 9223372036854775807, GuildID: -9223372036854775808, UserID: 7},
		{Type: "x", Content: `"quoted" \back\slash/ <b>&amp;</b>`},
		{Type: "x", Content: "tab\tnewline\nreturn\rbell\abackspace\bformfeed\fnull\x00unit\x1fdel\x7f"},
		{Type: "x", Content: "你好，机器人 😀 é"},
		{Type: "x", Content: "line\u2028paragraph\u2029end"},
		{Type: "x", Content: "invalid \xff\xfe utf-8 \xe4\xb8 cut \xc3"},
		{Type: "x", Content: "0123456789abcdef0123456789abcdef<"},
		{Type: "x", Content: "01234567"},
		{Type: "<&>", Content: "\u00e9\u2028"},
	}
	for _, req := range requests {
		checkActionRequest(t, req)
	}
}

// FuzzAppendActionRequest checks appendActionRequest against json.Marshal.
func FuzzAppendActionRequest(f *testing.F) {
	f.Add("reply", "pong", int64(0), int64(0), false)
	f.Add("send_message", "<a href=\"x\">\u2028\xff</a>\n", int64(42), int64(-1), true)
	f.Fuzz(func(t *testing.T, actionType, content string, channelID, userID int64, wait bool) {
		checkActionRequest(t, abi.ActionRequest{
			Type: actionType, Content: content, ChannelID: channelID, MessageID: userID ^ channelID,
			GuildID: -channelID, UserID: userID, Wait: wait,
		})
	})
}
