package bubbletest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"
)

// Event types that the builders in this file produce.
const (
	EventMessageCreate   = "MESSAGE_CREATE"
	EventMessageUpdate   = "MESSAGE_UPDATE"
	EventMessageDelete   = "MESSAGE_DELETE"
	EventDMMessageCreate = "DM_MESSAGE_CREATE"
	EventDMMessageUpdate = "DM_MESSAGE_UPDATE"
	EventDMMessageDelete = "DM_MESSAGE_DELETE"
	EventGuildMemberAdd  = "GUILD_MEMBER_ADD"
)

// DefaultGuildID is the guild of MessageCreate's events and of the channels
// that a Platform creates on first use. It is the guild of the platform's
// samples.
const DefaultGuildID = 10

// firstEventMessageID is the id of the first message that MessageCreate and
// DMMessageCreate make up. It is the id in the platform's sample.
const firstEventMessageID = 1001

// madeUpMessages counts the messages that MessageCreate and DMMessageCreate
// made up.
var madeUpMessages atomic.Int64

// nextEventMessageID returns a message id that no earlier call returned.
func nextEventMessageID() int64 {
	return firstEventMessageID - 1 + madeUpMessages.Add(1)
}

// Event returns the delivery body {"type": typ, "data": data} as compact
// JSON with <, > and & unescaped, as the platform sends it. Struct fields
// keep their order. Event panics when data cannot be encoded, because that
// is a mistake in the calling test.
func Event(typ string, data any) []byte {
	body, err := marshal(struct {
		Type string `json:"type"`
		Data any    `json:"data"`
	}{typ, data})
	if err != nil {
		panic(fmt.Sprintf("bubbletest: encoding %s event data: %v", typ, err))
	}
	return body
}

// MessageCreate returns a MESSAGE_CREATE body for a message that the user
// authorID wrote in channelID of guild DefaultGuildID. The message gets a
// new id on every call, counting up from 1001, so that a host never drops
// it as a repeat. The author is named "user-<authorID>" and the timestamp
// is the current second.
func MessageCreate(channelID, authorID int64, content string) []byte {
	return MessageEvent(EventMessageCreate, Message{
		ID:        nextEventMessageID(),
		ChannelID: channelID,
		GuildID:   DefaultGuildID,
		Content:   content,
		Author:    User{ID: authorID, Name: "user-" + strconv.FormatInt(authorID, 10)},
		Timestamp: now(),
	})
}

// DMMessageCreate returns a DM_MESSAGE_CREATE body for a direct message
// that the user authorID sent in channelID. Ids, name and timestamp are
// made up as in MessageCreate.
func DMMessageCreate(channelID, authorID int64, content string) []byte {
	return MessageEvent(EventDMMessageCreate, Message{
		ID:        nextEventMessageID(),
		ChannelID: channelID,
		Content:   content,
		Author:    User{ID: authorID, Name: "user-" + strconv.FormatInt(authorID, 10)},
		Timestamp: now(),
	})
}

// MessageEvent returns the body of a message event of type typ about m,
// with the data fields of that type in the order of the platform's
// samples. Typ is one of the six message event types: MESSAGE_CREATE,
// MESSAGE_UPDATE, MESSAGE_DELETE and their DM_ forms. MessageEvent panics
// on any other type.
func MessageEvent(typ string, m Message) []byte {
	switch typ {
	case EventMessageCreate:
		return Event(typ, messageCreateData{
			ID:           m.ID,
			ChannelID:    m.ChannelID,
			GuildID:      m.GuildID,
			Content:      m.Content,
			MsgType:      m.MsgType,
			Author:       m.Author,
			Timestamp:    m.Timestamp,
			Mentions:     orEmptyList(m.Mentions),
			MentionRoles: orEmptyList(m.MentionRoles),
		})
	case EventDMMessageCreate:
		return Event(typ, dmMessageCreateData{
			ID:        m.ID,
			ChannelID: m.ChannelID,
			Content:   m.Content,
			Author:    m.Author,
			Timestamp: m.Timestamp,
		})
	case EventMessageUpdate, EventDMMessageUpdate:
		edited := m.EditedTimestamp
		if edited.IsZero() {
			edited = m.Timestamp
		}
		return Event(typ, messageUpdateData{
			ID:              m.ID,
			ChannelID:       m.ChannelID,
			Content:         m.Content,
			EditedTimestamp: edited,
		})
	case EventMessageDelete, EventDMMessageDelete:
		return Event(typ, messageDeleteData{ID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID})
	default:
		panic("bubbletest: MessageEvent: " + typ + " is not a message event type")
	}
}

// GuildMemberAdd returns a GUILD_MEMBER_ADD body for m. A zero JoinedAt
// becomes the current second.
func GuildMemberAdd(m Member) []byte {
	joined := m.JoinedAt
	if joined.IsZero() {
		joined = now()
	}
	return Event(EventGuildMemberAdd, memberAddData{GuildID: m.GuildID, User: m.User, JoinedAt: joined})
}

// EventType returns the "type" field of a delivery body.
func EventType(body []byte) (string, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return "", fmt.Errorf("reading the event type: body is not a JSON object with a string \"type\": %w", err)
	}
	if head.Type == "" {
		return "", fmt.Errorf("reading the event type: body has no \"type\" field or it is empty")
	}
	return head.Type, nil
}

// The data of each event type, with fields in the order of the platform's
// samples.
type (
	messageCreateData struct {
		ID           int64     `json:"id"`
		ChannelID    int64     `json:"channelId"`
		GuildID      int64     `json:"guildId"`
		Content      string    `json:"content"`
		MsgType      int       `json:"msgType"`
		Author       User      `json:"author"`
		Timestamp    time.Time `json:"timestamp"`
		Mentions     []int64   `json:"mentions"`
		MentionRoles []int64   `json:"mentionRoles"`
	}
	dmMessageCreateData struct {
		ID        int64     `json:"id"`
		ChannelID int64     `json:"channelId"`
		Content   string    `json:"content"`
		Author    User      `json:"author"`
		Timestamp time.Time `json:"timestamp"`
	}
	messageUpdateData struct {
		ID              int64     `json:"id"`
		ChannelID       int64     `json:"channelId"`
		Content         string    `json:"content"`
		EditedTimestamp time.Time `json:"editedTimestamp"`
	}
	messageDeleteData struct {
		ID        int64 `json:"id"`
		ChannelID int64 `json:"channelId"`
		// GuildID is omitted for a direct message, as in the sample of
		// DM_MESSAGE_DELETE.
		GuildID int64 `json:"guildId,omitzero"`
	}
	memberAddData struct {
		GuildID  int64     `json:"guildId"`
		User     User      `json:"user"`
		JoinedAt time.Time `json:"joinedAt"`
	}
)

// now returns the current time in UTC to the second, as the platform's
// samples write times.
func now() time.Time {
	return time.Now().UTC().Truncate(time.Second)
}

// marshal encodes v as compact JSON without escaping <, > and &, and
// without a trailing newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
