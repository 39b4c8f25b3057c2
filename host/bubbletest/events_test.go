package bubbletest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host/bubbletest"
)

// The files in testdata are the platform's sample bodies, one per event
// type, compact and without a trailing newline.

func TestBuildersMatchSamples(t *testing.T) {
	sent := time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC)
	edited := time.Date(2025, 12, 31, 12, 10, 0, 0, time.UTC)
	alice := bubbletest.User{ID: 1, Name: "alice", Avatar: "avatar/avatar/a1.jpg"}
	tests := []struct {
		sample string
		body   []byte
	}{
		{"MESSAGE_CREATE", bubbletest.MessageEvent("MESSAGE_CREATE", bubbletest.Message{
			ID: 1001, ChannelID: 5, GuildID: 10, Content: "!ping", Author: alice, Timestamp: sent,
			Mentions: []int64{456}, MentionRoles: []int64{100},
		})},
		{"MESSAGE_UPDATE", bubbletest.MessageEvent("MESSAGE_UPDATE", bubbletest.Message{
			ID: 1001, ChannelID: 5, GuildID: 10, Content: "!ping (edited)", Timestamp: sent, EditedTimestamp: edited,
		})},
		{"MESSAGE_DELETE", bubbletest.MessageEvent("MESSAGE_DELETE", bubbletest.Message{ID: 1001, ChannelID: 5, GuildID: 10})},
		{"DM_MESSAGE_CREATE", bubbletest.MessageEvent("DM_MESSAGE_CREATE", bubbletest.Message{
			ID: 2001, ChannelID: 456, Content: "你好，机器人", Author: alice, Timestamp: sent,
		})},
		{"DM_MESSAGE_UPDATE", bubbletest.MessageEvent("DM_MESSAGE_UPDATE", bubbletest.Message{
			ID: 2001, ChannelID: 456, Content: "你好（已编辑）", EditedTimestamp: edited,
		})},
		{"DM_MESSAGE_DELETE", bubbletest.MessageEvent("DM_MESSAGE_DELETE", bubbletest.Message{ID: 2001, ChannelID: 456})},
		{"GUILD_MEMBER_ADD", bubbletest.GuildMemberAdd(bubbletest.Member{
			GuildID: 10, User: bubbletest.User{ID: 999, Name: "newcomer", Avatar: "avatar/avatar/n9.jpg"}, JoinedAt: sent,
		})},
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", tt.sample+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if string(tt.body) != string(want) {
				t.Errorf("body:\nhave %s\nwant %s", tt.body, want)
			}
		})
	}
}

func TestMessageCreate(t *testing.T) {
	first := bubbletest.MessageCreate(5, 7, "<b>hi</b> & bye")
	second := bubbletest.MessageCreate(5, 7, "<b>hi</b> & bye")

	type data struct {
		ID        int64  `json:"id"`
		ChannelID int64  `json:"channelId"`
		GuildID   int64  `json:"guildId"`
		Content   string `json:"content"`
		Author    struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"author"`
		Timestamp    string  `json:"timestamp"`
		Mentions     []int64 `json:"mentions"`
		MentionRoles []int64 `json:"mentionRoles"`
	}
	var a, b struct {
		Type string `json:"type"`
		Data data   `json:"data"`
	}
	if err := json.Unmarshal(first, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(second, &b); err != nil {
		t.Fatal(err)
	}

	if a.Type != "MESSAGE_CREATE" {
		t.Errorf("have type %q, want MESSAGE_CREATE", a.Type)
	}
	if a.Data.ChannelID != 5 || a.Data.GuildID != 10 || a.Data.Author.ID != 7 || a.Data.Author.Name != "user-7" {
		t.Errorf("have data %+v, want channel 5, guild 10, author 7 named user-7", a.Data)
	}
	if a.Data.Content != "<b>hi</b> & bye" {
		t.Errorf("have content %q", a.Data.Content)
	}
	if _, err := time.Parse(time.RFC3339, a.Data.Timestamp); err != nil {
		t.Errorf("timestamp %q is not RFC 3339: %v", a.Data.Timestamp, err)
	}
	if a.Data.Mentions == nil || a.Data.MentionRoles == nil {
		t.Errorf("have mentions %v and mentionRoles %v, want empty lists", a.Data.Mentions, a.Data.MentionRoles)
	}
	if a.Data.ID == b.Data.ID {
		t.Errorf("two calls gave the same message id %d", a.Data.ID)
	}
	if !json.Valid(first) || string(first) == "" || first[len(first)-1] == '\n' {
		t.Errorf("body %q is not compact JSON without a trailing newline", first)
	}
}

func TestDMMessageCreate(t *testing.T) {
	var ev struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(bubbletest.DMMessageCreate(800001, 7, "hi"), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Type != "DM_MESSAGE_CREATE" {
		t.Errorf("have type %q, want DM_MESSAGE_CREATE", ev.Type)
	}
	if _, ok := ev.Data["guildId"]; ok {
		t.Error("a direct message carries a guildId")
	}
	if ev.Data["channelId"] != 800001.0 {
		t.Errorf("have channelId %v, want 800001", ev.Data["channelId"])
	}
}

func TestEventType(t *testing.T) {
	tests := []struct {
		body    string
		want    string
		wantErr bool
	}{
		{`{"type":"GUILD_CREATE","data":{}}`, "GUILD_CREATE", false},
		{`{"type":"NEW_KIND"}`, "NEW_KIND", false},
		{`{"data":{}}`, "", true},
		{`{"type":""}`, "", true},
		{`{"type":5}`, "", true},
		{`[]`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			have, err := bubbletest.EventType([]byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Fatalf("have error %v, want error %v", err, tt.wantErr)
			}
			if have != tt.want {
				t.Errorf("have %q, want %q", have, tt.want)
			}
		})
	}
}

func TestMessageEventRejectsOtherTypes(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MessageEvent accepted GUILD_CREATE")
		}
	}()
	bubbletest.MessageEvent("GUILD_CREATE", bubbletest.Message{})
}
