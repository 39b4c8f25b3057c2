package bubbletest

import "time"

// Bot is a bot account that the platform accepts requests from.
type Bot struct {
	// Token is the bearer token of the bot's API requests. It must not be
	// empty.
	Token string
	// ID is the bot's id, as GET /bot/me returns it. It must be positive.
	ID int64
	// UserID is the id of the bot's user, the author of its messages.
	// Zero means ID.
	UserID int64
	// Name is the bot's name. Empty means "bot-<ID>".
	Name string
}

// User is a platform user, as events and message authors show it.
type User struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Avatar is the path of the user's picture. Empty omits the field.
	Avatar string `json:"avatar,omitempty"`
	// Bot marks a bot's user. False omits the field.
	Bot bool `json:"bot,omitempty"`
}

// Guild is a server: a group of channels and members.
type Guild struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	OwnerID int64  `json:"ownerId"`
}

// Channel types. The platform's samples show 0 for a guild's text channel.
// The documents give no number for a direct message channel.
const (
	ChannelTypeText = 0
	// NOTE: 1 is a guess borrowed from Discord's numbering.
	ChannelTypeDM = 1
)

// Channel is a guild's channel or a direct message channel.
type Channel struct {
	ID int64 `json:"id"`
	// GuildID is zero for a direct message channel.
	GuildID  int64  `json:"guildId,omitzero"`
	Name     string `json:"name"`
	Type     int    `json:"type"`
	Position int    `json:"position"`
	// RecipientID is the user of a direct message channel, zero for a
	// guild's channel.
	RecipientID int64 `json:"recipientId,omitzero"`

	// botID is the bot that opened a direct message channel.
	botID int64
}

// Member is a user's membership in a guild.
type Member struct {
	GuildID  int64     `json:"guildId"`
	User     User      `json:"user"`
	Roles    []int64   `json:"roles"`
	Nick     string    `json:"nick,omitempty"`
	JoinedAt time.Time `json:"joinedAt"`
}

// Message is a message in a channel.
type Message struct {
	ID        int64
	ChannelID int64
	// GuildID is zero for a message in a direct message channel.
	GuildID int64
	Content string
	MsgType int
	Author  User
	// Timestamp is when the message was sent, in UTC to the second as in
	// the platform's samples.
	Timestamp time.Time
	// EditedTimestamp is when the message was last edited, zero when never.
	EditedTimestamp time.Time
	// Mentions and MentionRoles are the user and role ids the message
	// mentions. Events carry them; the API's message object does not.
	Mentions     []int64
	MentionRoles []int64
}

// messageObject is the API's JSON form of a message.
type messageObject struct {
	ID              int64     `json:"id"`
	ChannelID       int64     `json:"channelId"`
	GuildID         int64     `json:"guildId,omitzero"`
	Content         string    `json:"content"`
	MsgType         int       `json:"msgType"`
	Author          User      `json:"author"`
	Timestamp       time.Time `json:"timestamp"`
	EditedTimestamp time.Time `json:"editedTimestamp,omitzero"`
}

func (m Message) object() messageObject {
	return messageObject{
		ID:              m.ID,
		ChannelID:       m.ChannelID,
		GuildID:         m.GuildID,
		Content:         m.Content,
		MsgType:         m.MsgType,
		Author:          m.Author,
		Timestamp:       m.Timestamp,
		EditedTimestamp: m.EditedTimestamp,
	}
}

// botMe is the response body of GET /bot/me.
type botMe struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	BotUser struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"botUser"`
}

// dmChannel is the response body of POST /users/{userId}/dm.
type dmChannel struct {
	ChannelID   int64 `json:"channelId"`
	RecipientID int64 `json:"recipientId"`
}

// clone returns a copy of m that shares no slices with it.
func (m Message) clone() Message {
	m.Mentions = append([]int64(nil), m.Mentions...)
	m.MentionRoles = append([]int64(nil), m.MentionRoles...)
	return m
}

// clone returns a copy of m that shares no slices with it.
func (m Member) clone() Member {
	m.Roles = append([]int64{}, m.Roles...)
	return m
}
