// Package event holds an accepted webhook event as it travels from intake
// through the queue to the plugins, and the few fields of its body that the
// host itself needs for routing.
package event

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Event is one accepted delivery. Body is the webhook body exactly as it was
// received; plugins see those bytes.
type Event struct {
	Tenant     string    `json:"tenant"`
	Type       string    `json:"type"`
	Key        string    `json:"key"`
	Body       []byte    `json:"body"`
	ReceivedAt time.Time `json:"receivedAt"`
	Fields     Fields    `json:"fields"`
}

// Fields are the parts of an event's data that the host reads. A field the
// body lacks is zero.
type Fields struct {
	// ID is data.id: a message's, channel's or guild's id, by event type.
	ID int64 `json:"id,omitempty"`
	// ChannelID is data.channelId, or data.id for CHANNEL_* events.
	ChannelID int64 `json:"channelId,omitempty"`
	// GuildID is data.guildId, or data.id for GUILD_CREATE/UPDATE/DELETE.
	GuildID int64 `json:"guildId,omitempty"`
	// AuthorID is data.author.id.
	AuthorID int64 `json:"authorId,omitempty"`
	// AuthorBot is data.author.bot or data.author.isBot when either is true.
	AuthorBot bool `json:"authorBot,omitempty"`
}

// Key returns the identity of a delivery: the hex SHA-256 of its body. The
// platform repeats a delivery with the same bytes, so equal keys are repeats.
// Type plus data.id would not do: every edit of one message shares its id,
// and many events carry no id at all.
func Key(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// IsDM reports whether the event happened in a direct-message channel.
func (e *Event) IsDM() bool {
	return strings.HasPrefix(e.Type, "DM_")
}

// OrderKey returns the key whose events must run one after another: the
// channel for channel-bound events, else the guild. Events with an empty
// key have no order among themselves.
func (e *Event) OrderKey() string {
	switch {
	case e.Fields.ChannelID != 0:
		if e.IsDM() {
			return "dm:" + strconv.FormatInt(e.Fields.ChannelID, 10)
		}
		return "channel:" + strconv.FormatInt(e.Fields.ChannelID, 10)
	case e.Fields.GuildID != 0:
		return "guild:" + strconv.FormatInt(e.Fields.GuildID, 10)
	}
	return ""
}

// ErrMalformed is wrapped by every error Decode returns.
var ErrMalformed = errors.New("malformed event")

// envelope is the outer shape of a webhook body.
type envelope struct {
	Type *string         `json:"type"`
	Data json.RawMessage `json:"data"`
}

type rawData struct {
	ID        json.RawMessage `json:"id"`
	ChannelID json.RawMessage `json:"channelId"`
	GuildID   json.RawMessage `json:"guildId"`
	Author    *struct {
		ID    json.RawMessage `json:"id"`
		Bot   bool            `json:"bot"`
		IsBot bool            `json:"isBot"`
	} `json:"author"`
}

// Decode reads the type and routing fields of a webhook body. The body must
// be a JSON object with a non-empty string "type"; "data", when present, must
// be an object. Ids that are not integers are left zero rather than
// rejected, so a platform change in an id's form does not lose events.
func Decode(body []byte) (typ string, f Fields, err error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return "", Fields{}, fmt.Errorf("%w: %v", ErrMalformed, describeJSONError(err))
	}
	if env.Type == nil || *env.Type == "" {
		return "", Fields{}, fmt.Errorf("%w: missing \"type\"", ErrMalformed)
	}
	typ = *env.Type

	data := bytes.TrimSpace(env.Data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return typ, Fields{}, nil
	}
	if data[0] != '{' {
		return "", Fields{}, fmt.Errorf("%w: \"data\" is not an object", ErrMalformed)
	}
	var d rawData
	if err := json.Unmarshal(data, &d); err != nil {
		// Known fields of an unexpected shape: route without them.
		return typ, Fields{}, nil
	}

	f.ID = parseID(d.ID)
	f.ChannelID = parseID(d.ChannelID)
	f.GuildID = parseID(d.GuildID)
	if d.Author != nil {
		f.AuthorID = parseID(d.Author.ID)
		f.AuthorBot = d.Author.Bot || d.Author.IsBot
	}
	switch typ {
	case "CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE":
		f.ChannelID = f.ID
	case "GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE":
		f.GuildID = f.ID
	}
	return typ, f, nil
}

// parseID reads an id written as a JSON integer or a string of digits.
func parseID(raw json.RawMessage) int64 {
	s := strings.Trim(string(raw), `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

func describeJSONError(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("invalid JSON at byte %d: %v", syn.Offset, syn)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		if typ.Field == "" {
			return "body is not a JSON object"
		}
		return fmt.Sprintf("%q is a JSON %s, want %s", typ.Field, typ.Value, typ.Type)
	}
	return err.Error()
}
