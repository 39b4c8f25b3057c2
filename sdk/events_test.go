package sdk_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/sdk"
	"github.com/bubblehost/bubblehost/sdk/sdktest"
)

// setup clears the registered handlers before and after the test and names
// the plugin, because the SDK's registrations are package-wide.
func setup(t *testing.T) {
	t.Helper()
	sdktest.Reset()
	t.Cleanup(sdktest.Reset)
	sdk.Plugin("test", "0.0.0")
}

// readEvent returns testdata/events/name, an event body as the platform
// sends it.
func readEvent(t *testing.T, name string) []byte {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// capture registers a handler for T with register and returns a pointer to
// the value it receives.
func capture[T any](register func(func(*sdk.Context, *T) error)) *T {
	got := new(T)
	register(func(c *sdk.Context, data *T) error {
		*got = *data
		return nil
	})
	return got
}

func utc(value string) time.Time {
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		panic(err)
	}
	return t
}

// TestDecodeEvents delivers every sample body in testdata/events to the
// registration function for its type and checks the decoded struct.
func TestDecodeEvents(t *testing.T) {
	alice := sdk.User{ID: 1, Name: "alice"}
	aliceWithAvatar := sdk.User{ID: 1, Name: "alice", Avatar: "avatar/avatar/a1.jpg"}

	tests := []struct {
		file string
		// register registers a handler and returns what it received.
		register func() any
		want     any
	}{
		{
			file:     "MESSAGE_CREATE.json",
			register: func() any { return capture(sdk.OnMessageCreate) },
			want: &sdk.MessageCreate{
				ID: 1001, ChannelID: 5, GuildID: 10, Content: "!ping", MsgType: 0,
				Author:       aliceWithAvatar,
				Timestamp:    utc("2025-12-31T12:00:00Z"),
				Mentions:     []int64{456},
				MentionRoles: []int64{100},
			},
		},
		{
			file:     "MESSAGE_UPDATE.json",
			register: func() any { return capture(sdk.OnMessageUpdate) },
			want: &sdk.MessageUpdate{
				ID: 1001, ChannelID: 5, Content: "!ping (edited)",
				EditedTimestamp: utc("2025-12-31T12:10:00Z"),
			},
		},
		{
			file:     "MESSAGE_DELETE.json",
			register: func() any { return capture(sdk.OnMessageDelete) },
			want:     &sdk.MessageDelete{ID: 1001, ChannelID: 5, GuildID: 10},
		},
		{
			file:     "DM_MESSAGE_CREATE.json",
			register: func() any { return capture(sdk.OnDMMessageCreate) },
			want: &sdk.DMMessageCreate{
				ID: 2001, ChannelID: 456, Content: "你好，机器人",
				Author:    aliceWithAvatar,
				Timestamp: utc("2025-12-31T12:00:00Z"),
			},
		},
		{
			file:     "DM_MESSAGE_UPDATE.json",
			register: func() any { return capture(sdk.OnDMMessageUpdate) },
			want: &sdk.DMMessageUpdate{
				ID: 2001, ChannelID: 456, Content: "你好（已编辑）",
				EditedTimestamp: utc("2025-12-31T12:10:00Z"),
			},
		},
		{
			file:     "DM_MESSAGE_DELETE.json",
			register: func() any { return capture(sdk.OnDMMessageDelete) },
			want:     &sdk.DMMessageDelete{ID: 2001, ChannelID: 456},
		},
		{
			file:     "GUILD_MEMBER_ADD.json",
			register: func() any { return capture(sdk.OnGuildMemberAdd) },
			want: &sdk.GuildMemberAdd{
				GuildID:  10,
				User:     sdk.User{ID: 999, Name: "newcomer", Avatar: "avatar/avatar/n9.jpg"},
				JoinedAt: utc("2025-12-31T12:00:00Z"),
			},
		},
		{
			file:     "GUILD_MEMBER_UPDATE.json",
			register: func() any { return capture(sdk.OnGuildMemberUpdate) },
			want: &sdk.GuildMemberUpdate{
				GuildID: 10, User: alice, Roles: []int64{100, 101}, Nick: "Alice 🌸",
			},
		},
		{
			file:     "GUILD_MEMBER_REMOVE.json",
			register: func() any { return capture(sdk.OnGuildMemberRemove) },
			want:     &sdk.GuildMemberRemove{GuildID: 10, User: alice},
		},
		{
			file:     "CHANNEL_CREATE.json",
			register: func() any { return capture(sdk.OnChannelCreate) },
			want:     &sdk.ChannelCreate{ID: 789, GuildID: 10, Name: "new-channel", Type: 0, Position: 5},
		},
		{
			file:     "CHANNEL_UPDATE.json",
			register: func() any { return capture(sdk.OnChannelUpdate) },
			want:     &sdk.ChannelUpdate{ID: 789, GuildID: 10, Name: "renamed-channel", Type: 0, Position: 6},
		},
		{
			file:     "CHANNEL_DELETE.json",
			register: func() any { return capture(sdk.OnChannelDelete) },
			want:     &sdk.ChannelDelete{ID: 789, GuildID: 10},
		},
		{
			file:     "GUILD_CREATE.json",
			register: func() any { return capture(sdk.OnGuildCreate) },
			want: &sdk.GuildCreate{
				ID: 10, Name: "My Server", OwnerID: 1,
				Channels: []sdk.ChannelRef{{ID: 5, Name: "general"}},
				Members:  []sdk.Member{{User: sdk.User{ID: 1, Name: "owner"}}},
			},
		},
		{
			file:     "GUILD_UPDATE.json",
			register: func() any { return capture(sdk.OnGuildUpdate) },
			want:     &sdk.GuildUpdate{ID: 10, Name: "Renamed Server"},
		},
		{
			file:     "GUILD_DELETE.json",
			register: func() any { return capture(sdk.OnGuildDelete) },
			want:     &sdk.GuildDelete{ID: 10},
		},
		{
			file:     "GUILD_ROLE_CREATE.json",
			register: func() any { return capture(sdk.OnGuildRoleCreate) },
			want: &sdk.GuildRoleCreate{
				GuildID: 10,
				Role:    sdk.Role{ID: 100, Name: "Moderator", Color: "#3498db", Permissions: 8},
			},
		},
		{
			file:     "GUILD_ROLE_UPDATE.json",
			register: func() any { return capture(sdk.OnGuildRoleUpdate) },
			want: &sdk.GuildRoleUpdate{
				GuildID: 10,
				Role:    sdk.Role{ID: 100, Name: "Mods", Color: "#e74c3c", Permissions: 8},
			},
		},
		{
			file:     "GUILD_ROLE_DELETE.json",
			register: func() any { return capture(sdk.OnGuildRoleDelete) },
			want:     &sdk.GuildRoleDelete{GuildID: 10, RoleID: 100},
		},
	}

	files, err := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tests) {
		t.Errorf("testdata/events has %d files, the table has %d cases", len(files), len(tests))
	}

	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".json"), func(t *testing.T) {
			setup(t)
			got := tt.register()

			res, err := sdktest.Run(readEvent(t, tt.file), sdktest.Options{})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if res.Status != 0 {
				t.Errorf("status = %d, want 0", res.Status)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("decoded\nhave %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeBotReady(t *testing.T) {
	data := `{"bot":{"id":7,"name":"pingbot","botUser":{"id":70,"name":"pingbot"}},` +
		`"subscribedGuilds":[10,11],"subscribedDMs":true,"availableEvents":["MESSAGE_CREATE","GUILD_CREATE"]}`

	var got sdk.BotReady
	if err := json.Unmarshal([]byte(data), &got); err != nil {
		t.Fatal(err)
	}
	want := sdk.BotReady{
		Bot:              sdk.BotInfo{ID: 7, Name: "pingbot", BotUser: sdk.User{ID: 70, Name: "pingbot"}},
		SubscribedGuilds: json.RawMessage(`[10,11]`),
		SubscribedDMs:    json.RawMessage(`true`),
		AvailableEvents:  []string{"MESSAGE_CREATE", "GUILD_CREATE"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded\nhave %+v\nwant %+v", got, want)
	}
}

// newEventData returns a new value of the struct that the platform's
// eventType decodes into.
func newEventData(eventType string) any {
	switch eventType {
	case sdk.EventMessageCreate:
		return new(sdk.MessageCreate)
	case sdk.EventMessageUpdate, sdk.EventDMMessageUpdate:
		return new(sdk.MessageUpdate)
	case sdk.EventMessageDelete, sdk.EventDMMessageDelete:
		return new(sdk.MessageDelete)
	case sdk.EventDMMessageCreate:
		return new(sdk.DMMessageCreate)
	case sdk.EventGuildMemberAdd:
		return new(sdk.GuildMemberAdd)
	case sdk.EventGuildMemberUpdate:
		return new(sdk.GuildMemberUpdate)
	case sdk.EventGuildMemberRemove:
		return new(sdk.GuildMemberRemove)
	case sdk.EventChannelCreate, sdk.EventChannelUpdate:
		return new(sdk.Channel)
	case sdk.EventChannelDelete:
		return new(sdk.ChannelDelete)
	case sdk.EventGuildCreate, sdk.EventGuildUpdate:
		return new(sdk.Guild)
	case sdk.EventGuildDelete:
		return new(sdk.GuildDelete)
	case sdk.EventGuildRoleCreate, sdk.EventGuildRoleUpdate:
		return new(sdk.GuildRole)
	case sdk.EventGuildRoleDelete:
		return new(sdk.GuildRoleDelete)
	case sdk.EventBotReady:
		return new(sdk.BotReady)
	}
	return nil
}

// assertSameJSON fails the test unless have and want encode the same JSON
// value, regardless of member order and spacing.
func assertSameJSON(t *testing.T, have, want []byte) {
	t.Helper()
	var haveValue, wantValue any
	if err := json.Unmarshal(have, &haveValue); err != nil {
		t.Fatalf("have is not valid JSON: %v\n%s", err, have)
	}
	if err := json.Unmarshal(want, &wantValue); err != nil {
		t.Fatalf("want is not valid JSON: %v\n%s", err, want)
	}
	if !reflect.DeepEqual(haveValue, wantValue) {
		t.Errorf("JSON differs\nhave %s\nwant %s", have, want)
	}
}

// TestRoundTripEvents checks that decoding each sample's data and encoding
// it again gives the same JSON.
func TestRoundTripEvents(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			var event sdk.Event
			if err := json.Unmarshal(readEvent(t, filepath.Base(file)), &event); err != nil {
				t.Fatal(err)
			}
			data := newEventData(event.Type)
			if data == nil {
				t.Fatalf("no struct for event type %s", event.Type)
			}

			if err := json.Unmarshal(event.Data, data); err != nil {
				t.Fatalf("decoding: %v", err)
			}
			encoded, err := json.Marshal(data)
			if err != nil {
				t.Fatalf("encoding: %v", err)
			}
			assertSameJSON(t, encoded, event.Data)
		})
	}
}

func TestUnknownMembersRoundTrip(t *testing.T) {
	data := `{"id":1001,"channelId":5,"guildId":10,"content":"hi","msgType":0,` +
		`"author":{"id":1,"name":"bot","isBot":true,"badges":["a","b"]},` +
		`"timestamp":"2025-12-31T12:00:00Z","thread":{"id":9,"name":"x"},"pinned":false,` +
		`"reaction\u0073":null,"Content":"later wins"}`

	var m sdk.MessageCreate
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		t.Fatal(err)
	}

	wantUnknown := map[string]json.RawMessage{
		"thread":    json.RawMessage(`{"id":9,"name":"x"}`),
		"pinned":    json.RawMessage(`false`),
		"reactions": json.RawMessage(`null`),
	}
	if !reflect.DeepEqual(m.Unknown, wantUnknown) {
		t.Errorf("Unknown = %s, want %s", m.Unknown, wantUnknown)
	}
	wantAuthorUnknown := map[string]json.RawMessage{
		"isBot":  json.RawMessage(`true`),
		"badges": json.RawMessage(`["a","b"]`),
	}
	if !reflect.DeepEqual(m.Author.Unknown, wantAuthorUnknown) {
		t.Errorf("Author.Unknown = %s, want %s", m.Author.Unknown, wantAuthorUnknown)
	}
	// encoding/json matches member names case-insensitively, so "Content"
	// is a known member, not an unknown one.
	if m.Content != "later wins" {
		t.Errorf("Content = %q, want %q", m.Content, "later wins")
	}

	encoded, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":1001,"channelId":5,"guildId":10,"content":"later wins","msgType":0,` +
		`"author":{"id":1,"name":"bot","badges":["a","b"],"isBot":true},` +
		`"timestamp":"2025-12-31T12:00:00Z","pinned":false,"reactions":null,"thread":{"id":9,"name":"x"}}`
	if string(encoded) != want {
		t.Errorf("encoded\nhave %s\nwant %s", encoded, want)
	}

	// A pointer encodes the same as the value.
	encodedPointer, err := json.Marshal(&m)
	if err != nil {
		t.Fatal(err)
	}
	if string(encodedPointer) != want {
		t.Errorf("encoded pointer\nhave %s\nwant %s", encodedPointer, want)
	}
}

func TestUnknownMembersNotCopiedFromReusedInput(t *testing.T) {
	input := []byte(`{"id":1,"extra":"abc"}`)
	var d sdk.GuildDelete
	if err := json.Unmarshal(input, &d); err != nil {
		t.Fatal(err)
	}
	copy(input, make([]byte, len(input)))

	if got := string(d.Unknown["extra"]); got != `"abc"` {
		t.Errorf(`Unknown["extra"] = %s after the input was overwritten, want "abc"`, got)
	}
}

func TestUnknownMembersResetOnDecode(t *testing.T) {
	var d sdk.GuildDelete
	if err := json.Unmarshal([]byte(`{"id":1,"extra":1}`), &d); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`{"id":2}`), &d); err != nil {
		t.Fatal(err)
	}
	if d.Unknown != nil {
		t.Errorf("Unknown = %s after decoding an object without unknown members, want nil", d.Unknown)
	}
}

func TestMarshalUnknownMembers(t *testing.T) {
	tests := []struct {
		name    string
		unknown map[string]json.RawMessage
		want    string
	}{
		{"none", nil, `{"id":1}`},
		{"sorted by name", map[string]json.RawMessage{"b": []byte(`2`), "a": []byte(`1`)}, `{"id":1,"a":1,"b":2}`},
		{"empty value as null", map[string]json.RawMessage{"a": nil}, `{"id":1,"a":null}`},
		{"known name skipped", map[string]json.RawMessage{"id": []byte(`7`), "ID": []byte(`8`)}, `{"id":1}`},
		{"name escaped", map[string]json.RawMessage{`say "hi"`: []byte(`true`)}, `{"id":1,"say \"hi\"":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(sdk.GuildDelete{ID: 1, Unknown: tt.unknown})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("have %s, want %s", got, tt.want)
			}
		})
	}
}

func TestMarshalUnknownMemberInvalidJSON(t *testing.T) {
	_, err := json.Marshal(sdk.GuildDelete{ID: 1, Unknown: map[string]json.RawMessage{"bad": []byte(`{`)}})
	if err == nil {
		t.Fatal("Marshal succeeded with an unknown member that is not valid JSON")
	}
	if !strings.Contains(err.Error(), `"bad"`) {
		t.Errorf("error %q does not name the member", err)
	}
}

func TestMarshalOmitsZeroTimes(t *testing.T) {
	got, err := json.Marshal(sdk.MessageUpdate{ID: 1, ChannelID: 2, Content: "x"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":1,"channelId":2,"content":"x"}`
	if string(got) != want {
		t.Errorf("have %s, want %s", got, want)
	}
}

func TestDecodeNullLeavesStructUnchanged(t *testing.T) {
	u := sdk.User{ID: 1, Unknown: map[string]json.RawMessage{"a": []byte(`1`)}}
	if err := json.Unmarshal([]byte(`null`), &u); err != nil {
		t.Fatal(err)
	}
	if u.ID != 1 || len(u.Unknown) != 1 {
		t.Errorf("decoding null changed the user to %+v", u)
	}
}

func TestUserIsBot(t *testing.T) {
	tests := []struct {
		user string
		want bool
	}{
		{`{"id":1,"name":"alice"}`, false},
		{`{"id":1,"name":"helper","bot":true}`, true},
		{`{"id":1,"name":"helper","isBot":true}`, true},
		{`{"id":1,"name":"alice","bot":false,"isBot":false}`, false},
		{`{"id":1,"name":"alice","isBot":"yes"}`, false},
	}
	for _, tt := range tests {
		var u sdk.User
		if err := json.Unmarshal([]byte(tt.user), &u); err != nil {
			t.Fatalf("decoding %s: %v", tt.user, err)
		}
		if got := u.IsBot(); got != tt.want {
			t.Errorf("IsBot() of %s = %v, want %v", tt.user, got, tt.want)
		}
	}
}

func TestMessageRoundTrip(t *testing.T) {
	data := `{"id":3001,"channelId":5,"content":"你好","msgType":0,"editedTimestamp":null}`
	var m sdk.Message
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		t.Fatal(err)
	}
	want := sdk.Message{
		ID: 3001, ChannelID: 5, Content: "你好",
		Unknown: map[string]json.RawMessage{
			"msgType":         json.RawMessage(`0`),
			"editedTimestamp": json.RawMessage(`null`),
		},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("decoded\nhave %+v\nwant %+v", m, want)
	}

	encoded, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, encoded, []byte(data))
}
