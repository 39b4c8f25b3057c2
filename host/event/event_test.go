package event_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/host/event"
)

// readSample returns the bytes of testdata/<name>.json, a body as the
// platform sends it.
func readSample(t testing.TB, name string) []byte {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatalf("reading sample: %v", err)
	}
	return body
}

func TestDecodeSamples(t *testing.T) {
	tests := []struct {
		sample       string
		wantFields   event.Fields
		wantOrderKey string
	}{
		{"MESSAGE_CREATE", event.Fields{ID: 1001, ChannelID: 5, GuildID: 10, AuthorID: 1}, "channel:5"},
		{"MESSAGE_UPDATE", event.Fields{ID: 1001, ChannelID: 5}, "channel:5"},
		{"MESSAGE_DELETE", event.Fields{ID: 1001, ChannelID: 5, GuildID: 10}, "channel:5"},
		{"DM_MESSAGE_CREATE", event.Fields{ID: 2001, ChannelID: 456, AuthorID: 1}, "dm:456"},
		{"DM_MESSAGE_UPDATE", event.Fields{ID: 2001, ChannelID: 456}, "dm:456"},
		{"DM_MESSAGE_DELETE", event.Fields{ID: 2001, ChannelID: 456}, "dm:456"},
		// A member event's user is not an author.
		{"GUILD_MEMBER_ADD", event.Fields{GuildID: 10}, "guild:10"},
		{"GUILD_MEMBER_UPDATE", event.Fields{GuildID: 10}, "guild:10"},
		{"GUILD_MEMBER_REMOVE", event.Fields{GuildID: 10}, "guild:10"},
		// A channel event's data.id is the channel.
		{"CHANNEL_CREATE", event.Fields{ID: 789, ChannelID: 789, GuildID: 10}, "channel:789"},
		{"CHANNEL_UPDATE", event.Fields{ID: 789, ChannelID: 789, GuildID: 10}, "channel:789"},
		{"CHANNEL_DELETE", event.Fields{ID: 789, ChannelID: 789, GuildID: 10}, "channel:789"},
		// A guild event's data.id is the guild.
		{"GUILD_CREATE", event.Fields{ID: 10, GuildID: 10}, "guild:10"},
		{"GUILD_UPDATE", event.Fields{ID: 10, GuildID: 10}, "guild:10"},
		{"GUILD_DELETE", event.Fields{ID: 10, GuildID: 10}, "guild:10"},
		// A role event's guild is data.guildId, and its role id is not data.id.
		{"GUILD_ROLE_CREATE", event.Fields{GuildID: 10}, "guild:10"},
		{"GUILD_ROLE_UPDATE", event.Fields{GuildID: 10}, "guild:10"},
		{"GUILD_ROLE_DELETE", event.Fields{GuildID: 10}, "guild:10"},
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			body := readSample(t, tt.sample)

			typ, fields, err := event.Decode(body)
			if err != nil {
				t.Fatalf("Decode: have error %v, want nil", err)
			}
			if typ != tt.sample {
				t.Errorf("type: have %q, want %q", typ, tt.sample)
			}
			if fields != tt.wantFields {
				t.Errorf("fields: have %+v, want %+v", fields, tt.wantFields)
			}

			ev := event.Event{Type: typ, Fields: fields}
			if have := ev.OrderKey(); have != tt.wantOrderKey {
				t.Errorf("OrderKey: have %q, want %q", have, tt.wantOrderKey)
			}
			if have, want := ev.IsDM(), strings.HasPrefix(tt.sample, "DM_"); have != want {
				t.Errorf("IsDM: have %v, want %v", have, want)
			}
		})
	}
}

func TestDecodeFields(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantType   string
		wantFields event.Fields
	}{
		{
			name:       "string ids",
			body:       `{"type":"MESSAGE_CREATE","data":{"id":"1001","channelId":"5","guildId":"10","author":{"id":"1"}}}`,
			wantType:   "MESSAGE_CREATE",
			wantFields: event.Fields{ID: 1001, ChannelID: 5, GuildID: 10, AuthorID: 1},
		},
		{
			name:       "string id of a channel event",
			body:       `{"type":"CHANNEL_DELETE","data":{"id":"789","guildId":"10"}}`,
			wantType:   "CHANNEL_DELETE",
			wantFields: event.Fields{ID: 789, ChannelID: 789, GuildID: 10},
		},
		{
			name:       "largest int64 id",
			body:       `{"type":"MESSAGE_DELETE","data":{"id":9223372036854775807}}`,
			wantType:   "MESSAGE_DELETE",
			wantFields: event.Fields{ID: 9223372036854775807},
		},
		{
			name:       "ids that are not integers are zero",
			body:       `{"type":"MESSAGE_CREATE","data":{"id":1.5,"channelId":"five","guildId":9223372036854775808,"author":{"id":null}}}`,
			wantType:   "MESSAGE_CREATE",
			wantFields: event.Fields{},
		},
		{
			name:       "author bot",
			body:       `{"type":"MESSAGE_CREATE","data":{"channelId":5,"author":{"id":7,"bot":true}}}`,
			wantType:   "MESSAGE_CREATE",
			wantFields: event.Fields{ChannelID: 5, AuthorID: 7, AuthorBot: true},
		},
		{
			name:       "author isBot",
			body:       `{"type":"MESSAGE_CREATE","data":{"channelId":5,"author":{"id":7,"isBot":true}}}`,
			wantType:   "MESSAGE_CREATE",
			wantFields: event.Fields{ChannelID: 5, AuthorID: 7, AuthorBot: true},
		},
		{
			name:     "no data",
			body:     `{"type":"BOT_READY"}`,
			wantType: "BOT_READY",
		},
		{
			name:     "null data",
			body:     `{"type":"BOT_READY","data":null}`,
			wantType: "BOT_READY",
		},
		{
			name:       "unknown type and fields",
			body:       `{"type":"THREAD_CREATE","data":{"id":5,"channelId":6,"novel":{"deep":[1,2]}},"extra":true}`,
			wantType:   "THREAD_CREATE",
			wantFields: event.Fields{ID: 5, ChannelID: 6},
		},
		{
			name:     "known field of an unexpected shape",
			body:     `{"type":"MESSAGE_CREATE","data":{"id":1001,"author":"alice"}}`,
			wantType: "MESSAGE_CREATE",
		},
		{
			name:       "whitespace around the body",
			body:       " \n{ \"type\" : \"GUILD_DELETE\" , \"data\" : { \"id\" : 10 } }\n",
			wantType:   "GUILD_DELETE",
			wantFields: event.Fields{ID: 10, GuildID: 10},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ, fields, err := event.Decode([]byte(tt.body))
			if err != nil {
				t.Fatalf("Decode: have error %v, want nil", err)
			}
			if typ != tt.wantType {
				t.Errorf("type: have %q, want %q", typ, tt.wantType)
			}
			if fields != tt.wantFields {
				t.Errorf("fields: have %+v, want %+v", fields, tt.wantFields)
			}
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		wantMessage string
	}{
		{"empty body", ``, "invalid JSON"},
		{"truncated", `{"type":"MESSAGE_CREATE","data":{`, "invalid JSON"},
		{"not JSON", `<event type="MESSAGE_CREATE"/>`, "invalid JSON at byte 1"},
		{"trailing data", `{"type":"MESSAGE_CREATE"} {}`, "invalid JSON"},
		{"array", `[{"type":"MESSAGE_CREATE"}]`, "body is not a JSON object"},
		{"string", `"MESSAGE_CREATE"`, "body is not a JSON object"},
		{"number", `42`, "body is not a JSON object"},
		{"null", `null`, `missing "type"`},
		{"missing type", `{"data":{"id":1}}`, `missing "type"`},
		{"empty type", `{"type":"","data":{}}`, `missing "type"`},
		{"null type", `{"type":null}`, `missing "type"`},
		{"number type", `{"type":5}`, `"type" is a JSON number, want string`},
		{"array data", `{"type":"MESSAGE_CREATE","data":[1]}`, `"data" is not an object`},
		{"string data", `{"type":"MESSAGE_CREATE","data":"x"}`, `"data" is not an object`},
		{"number data", `{"type":"MESSAGE_CREATE","data":1}`, `"data" is not an object`},
		{"boolean data", `{"type":"MESSAGE_CREATE","data":true}`, `"data" is not an object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ, fields, err := event.Decode([]byte(tt.body))
			if !errors.Is(err, event.ErrMalformed) {
				t.Fatalf("Decode(%q): have error %v, want one wrapping %v", tt.body, err, event.ErrMalformed)
			}
			if !strings.Contains(err.Error(), tt.wantMessage) {
				t.Errorf("error: have %q, want it to contain %q", err, tt.wantMessage)
			}
			if typ != "" || fields != (event.Fields{}) {
				t.Errorf("on error: have type %q and fields %+v, want zero values", typ, fields)
			}
		})
	}
}

func TestOrderKey(t *testing.T) {
	tests := []struct {
		name  string
		event event.Event
		want  string
	}{
		{"channel", event.Event{Type: "MESSAGE_CREATE", Fields: event.Fields{ChannelID: 5, GuildID: 10}}, "channel:5"},
		{"dm channel", event.Event{Type: "DM_MESSAGE_CREATE", Fields: event.Fields{ChannelID: 5}}, "dm:5"},
		{"guild only", event.Event{Type: "GUILD_MEMBER_ADD", Fields: event.Fields{GuildID: 10}}, "guild:10"},
		{"negative id", event.Event{Type: "MESSAGE_CREATE", Fields: event.Fields{ChannelID: -3}}, "channel:-3"},
		{"no ids", event.Event{Type: "BOT_READY"}, ""},
		{"author only", event.Event{Type: "THREAD_CREATE", Fields: event.Fields{ID: 1, AuthorID: 7}}, ""},
	}
	for _, tt := range tests {
		if have := tt.event.OrderKey(); have != tt.want {
			t.Errorf("%s: have %q, want %q", tt.name, have, tt.want)
		}
	}
}

func TestKey(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		want string
	}{
		// SHA-256 test vectors from FIPS 180-2, appendix B.1, and of the empty string.
		{"abc", []byte("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"empty", nil, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	}
	for _, tt := range tests {
		if have := event.Key(tt.body); have != tt.want {
			t.Errorf("Key(%s): have %s, want %s", tt.name, have, tt.want)
		}
	}

	body := readSample(t, "MESSAGE_CREATE")
	sum := sha256.Sum256(body)
	if have, want := event.Key(body), hex.EncodeToString(sum[:]); have != want {
		t.Errorf("Key(MESSAGE_CREATE sample): have %s, want %s", have, want)
	}

	// One changed byte, as in an edit of the same message, is another key.
	edited := []byte(strings.Replace(string(body), "!ping", "!pong", 1))
	if event.Key(edited) == event.Key(body) {
		t.Error("Key of an edited body equals the original's, want them to differ")
	}
}

func FuzzDecode(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatalf("listing samples: %v", err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".json" {
			f.Add(readSample(f, strings.TrimSuffix(e.Name(), ".json")))
		}
	}
	f.Add([]byte(`{"type":"X","data":{"id":"1","author":{"id":"2","bot":true}}}`))
	f.Add([]byte(`{"type":"X","data":[]}`))

	f.Fuzz(func(t *testing.T, body []byte) {
		typ, fields, err := event.Decode(body)
		if err != nil {
			if !errors.Is(err, event.ErrMalformed) {
				t.Fatalf("Decode: have error %v, want one wrapping %v", err, event.ErrMalformed)
			}
			if typ != "" || fields != (event.Fields{}) {
				t.Fatalf("on error: have type %q and fields %+v, want zero values", typ, fields)
			}
			return
		}
		if typ == "" {
			t.Fatal("Decode succeeded with an empty type")
		}
	})
}
