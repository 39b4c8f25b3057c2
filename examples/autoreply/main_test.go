package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/sdk"
	"github.com/bubblehost/bubblehost/sdk/sdktest"
)

// rulesConfig is a table with one rule per mode and a Chinese keyword.
const rulesConfig = `{"rules":[
	{"match":"你好","reply":"你好呀，{name}！"},
	{"match":"help","reply":"Commands: !ping","mode":"exact"},
	{"match":"Bye","reply":"再见！"}
]}`

// message returns a MESSAGE_CREATE event with content from a user named
// alice.
func message(content string) []byte {
	return sdktest.Event(sdk.EventMessageCreate, sdk.MessageCreate{
		ID: 1001, ChannelID: 5, GuildID: 10, Content: content,
		Author: sdk.User{ID: 1, Name: "alice"},
	})
}

// replies runs event with config and returns the contents of the replies
// it requested. It fails the test if the handler fails.
func replies(t *testing.T, event []byte, config string) []string {
	t.Helper()
	res, err := sdktest.Run(event, sdktest.Options{Config: json.RawMessage(config)})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	var contents []string
	for _, a := range res.Actions {
		if a.Type != abi.ActionReply {
			t.Errorf("action = %+v, want only replies", a)
		}
		contents = append(contents, a.Content)
	}
	return contents
}

func TestAutoreplyMatches(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []string
	}{
		{"Chinese keyword alone", "你好", []string{"你好呀，alice！"}},
		{"Chinese keyword inside a sentence", "大家你好啊", []string{"你好呀，alice！"}},
		{"ideographic spaces", "\u3000你好\u3000", []string{"你好呀，alice！"}},
		{"exact keyword", "help", []string{"Commands: !ping"}},
		{"exact keyword in another case", "  HeLP ", []string{"Commands: !ping"}},
		{"exact keyword inside a sentence", "can you help me", nil},
		{"keyword in upper case in the config", "ok bye then", []string{"再见！"}},
		{"first rule wins", "你好, bye", []string{"你好呀，alice！"}},
		{"full-width letters", "ｈｅｌｐ", nil},
		{"no match", "good morning", nil},
		{"empty message", "", nil},
		{"only spaces", "   ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := replies(t, message(tt.content), rulesConfig)
			if !slices.Equal(got, tt.want) {
				t.Errorf("replies to %q = %q, want %q", tt.content, got, tt.want)
			}
		})
	}
}

func TestAutoreplyTableMode(t *testing.T) {
	config := `{"mode":"exact","rules":[
		{"match":"你好","reply":"exact"},
		{"match":"hi","reply":"contains","mode":"contains"}
	]}`
	tests := []struct {
		content string
		want    []string
	}{
		{"你好", []string{"exact"}},
		{"你好吗", nil},
		{"oh hi there", []string{"contains"}},
		{"this", []string{"contains"}},
	}
	for _, tt := range tests {
		got := replies(t, message(tt.content), config)
		if !slices.Equal(got, tt.want) {
			t.Errorf("replies to %q = %q, want %q", tt.content, got, tt.want)
		}
	}
}

func TestAutoreplyIgnoresBots(t *testing.T) {
	for _, author := range []string{
		`{"id":2,"name":"otherbot","bot":true}`,
		`{"id":2,"name":"otherbot","isBot":true}`,
	} {
		event := `{"type":"MESSAGE_CREATE","data":{"id":1001,"channelId":5,"guildId":10,"content":"你好","author":` + author + `}}`
		res, err := sdktest.Run([]byte(event), sdktest.Options{Config: json.RawMessage(rulesConfig)})
		if err != nil {
			t.Fatalf("author %s: Run: %v", author, err)
		}
		if len(res.Actions) != 0 {
			t.Errorf("author %s: actions = %+v, want none", author, res.Actions)
		}
		want := []sdktest.LogLine{{Level: abi.LevelDebug, Message: "ignoring a bot's message author=2 message=1001"}}
		if !slices.Equal(res.Logs, want) {
			t.Errorf("author %s: logs\nhave %+v\nwant %+v", author, res.Logs, want)
		}
	}
}

func TestAutoreplyInvalidConfig(t *testing.T) {
	tests := []struct {
		name    string
		config  string
		wantErr string
	}{
		{"empty match", `{"rules":[{"match":" ","reply":"x"}]}`, "rule 1 has an empty match"},
		{"empty reply", `{"rules":[{"match":"a","reply":"x"},{"match":"b"}]}`, `rule 2 (match "b") has an empty reply`},
		{"unknown table mode", `{"mode":"prefix","rules":[{"match":"a","reply":"x"}]}`, `mode "prefix" is not "contains" or "exact"`},
		{"unknown rule mode", `{"rules":[{"match":"a","reply":"x","mode":"Exact"}]}`, `rule 1 (match "a"): mode "Exact" is not "contains" or "exact"`},
		{"rules not a list", `{"rules":{"match":"a"}}`, "decoding plugin config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := sdktest.Run(message("a b"), sdktest.Options{Config: json.RawMessage(tt.config)})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
			if res.Status != abi.StatusFailed {
				t.Errorf("status = %d, want %d", res.Status, abi.StatusFailed)
			}
			if len(res.Actions) != 0 {
				t.Errorf("actions = %+v, want none", res.Actions)
			}
		})
	}
}

func TestAutoreplyNoRulesWarnsOnce(t *testing.T) {
	warnedNoRules = false
	t.Cleanup(func() { warnedNoRules = false })

	var warnings int
	for range 3 {
		res, err := sdktest.Run(message("你好"), sdktest.Options{})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if len(res.Actions) != 0 {
			t.Errorf("actions = %+v, want none", res.Actions)
		}
		for _, line := range res.Logs {
			if line.Level == abi.LevelWarn && line.Message == "no rules in the plugin config, so no message gets a reply" {
				warnings++
			}
		}
	}
	if warnings != 1 {
		t.Errorf("logged %d warnings about missing rules for 3 messages, want 1", warnings)
	}
}

func TestAutoreplyIgnoresDirectMessages(t *testing.T) {
	event := sdktest.Event(sdk.EventDMMessageCreate, sdk.DMMessageCreate{ID: 1, ChannelID: 456, Content: "你好", Author: sdk.User{ID: 1}})
	if got := replies(t, event, rulesConfig); len(got) != 0 {
		t.Errorf("replies = %q, want none", got)
	}
}

func TestAutoreplyManifest(t *testing.T) {
	m, err := sdktest.Manifest()
	if err != nil {
		t.Fatalf("Manifest: %v", err)
	}
	if m.Name != "autoreply" {
		t.Errorf("name = %q, want %q", m.Name, "autoreply")
	}
	if m.Version != "1.0.0" {
		t.Errorf("version = %q, want %q", m.Version, "1.0.0")
	}
	if want := []string{sdk.EventMessageCreate}; !slices.Equal(m.Events, want) {
		t.Errorf("events = %q, want %q", m.Events, want)
	}
}
