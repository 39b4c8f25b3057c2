package main

import (
	"slices"
	"testing"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/sdk"
	"github.com/bubblehost/bubblehost/sdk/sdktest"
)

// messageEvent is a MESSAGE_CREATE body as the platform sends it.
const messageEvent = `{"type":"MESSAGE_CREATE","data":{"id":1001,"channelId":5,"guildId":10,` +
	`"content":"!ping","msgType":0,"author":{"id":1,"name":"alice"},"timestamp":"2025-12-31T12:00:00Z"}}`

func TestPingRepliesPong(t *testing.T) {
	res, err := sdktest.Run([]byte(messageEvent), sdktest.Options{})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Status != abi.StatusOK {
		t.Errorf("status = %d, want %d", res.Status, abi.StatusOK)
	}
	want := []abi.ActionRequest{{Type: abi.ActionReply, Content: "pong"}}
	if !slices.Equal(res.Actions, want) {
		t.Errorf("actions = %+v, want %+v", res.Actions, want)
	}
}

func TestPingIgnoresOtherContent(t *testing.T) {
	for _, content := range []string{"", "ping", "!ping ", "!PING", "hello !ping"} {
		event := sdktest.Event(sdk.EventMessageCreate, sdk.MessageCreate{ID: 1, ChannelID: 5, Content: content})
		res, err := sdktest.Run(event, sdktest.Options{})
		if err != nil {
			t.Errorf("content %q: Run: %v", content, err)
			continue
		}
		if len(res.Actions) != 0 {
			t.Errorf("content %q: actions = %+v, want none", content, res.Actions)
		}
	}
}

func TestPingIgnoresOtherEvents(t *testing.T) {
	event := sdktest.Event(sdk.EventDMMessageCreate, sdk.DMMessageCreate{ID: 1, ChannelID: 5, Content: "!ping"})
	res, err := sdktest.Run(event, sdktest.Options{})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(res.Actions) != 0 {
		t.Errorf("actions = %+v, want none", res.Actions)
	}
}

func TestPingManifest(t *testing.T) {
	m, err := sdktest.Manifest()
	if err != nil {
		t.Fatalf("Manifest: %v", err)
	}
	if m.Name != "ping" {
		t.Errorf("name = %q, want %q", m.Name, "ping")
	}
	if m.Version != "1.0.0" {
		t.Errorf("version = %q, want %q", m.Version, "1.0.0")
	}
	if want := []string{sdk.EventMessageCreate}; !slices.Equal(m.Events, want) {
		t.Errorf("events = %q, want %q", m.Events, want)
	}
}
