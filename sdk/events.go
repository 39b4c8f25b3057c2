package sdk

import (
	"bytes"
	"encoding/json"
	"time"
)

// Event types the platform sends, as they appear in an event's "type" member
// and in a manifest's events list. The platform may add types at any time;
// On and OnAll receive those too.
const (
	EventMessageCreate     = "MESSAGE_CREATE"
	EventMessageUpdate     = "MESSAGE_UPDATE"
	EventMessageDelete     = "MESSAGE_DELETE"
	EventDMMessageCreate   = "DM_MESSAGE_CREATE"
	EventDMMessageUpdate   = "DM_MESSAGE_UPDATE"
	EventDMMessageDelete   = "DM_MESSAGE_DELETE"
	EventGuildMemberAdd    = "GUILD_MEMBER_ADD"
	EventGuildMemberUpdate = "GUILD_MEMBER_UPDATE"
	EventGuildMemberRemove = "GUILD_MEMBER_REMOVE"
	EventChannelCreate     = "CHANNEL_CREATE"
	EventChannelUpdate     = "CHANNEL_UPDATE"
	EventChannelDelete     = "CHANNEL_DELETE"
	EventGuildCreate       = "GUILD_CREATE"
	EventGuildUpdate       = "GUILD_UPDATE"
	EventGuildDelete       = "GUILD_DELETE"
	EventGuildRoleCreate   = "GUILD_ROLE_CREATE"
	EventGuildRoleUpdate   = "GUILD_ROLE_UPDATE"
	EventGuildRoleDelete   = "GUILD_ROLE_DELETE"

	// EventBotReady is sent only over the platform's WebSocket gateway, so a
	// host that receives webhooks never delivers it.
	EventBotReady = "BOT_READY"
)

// Event is an event as the host delivers it: the webhook body
// {"type": ..., "data": {...}}.
type Event struct {
	// Type is the event type, such as EventMessageCreate.
	Type string `json:"type"`

	// Data is the event's "data" member as raw JSON, or nil when the event
	// has none. It points into a buffer that the SDK reuses for the next
	// event, so copy it to keep it after the handler returns.
	Data json.RawMessage `json:"data"`
}

// Every struct below keeps the JSON members it has no field for in its
// Unknown map, and json.Marshal writes them back, so a plugin that forwards
// an event loses nothing the platform added after this SDK was written.
// Times are time.Time: the platform sends RFC 3339 strings, and an event
// whose time does not parse fails to decode.

// User is a platform user: a message author or a guild member.
type User struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Avatar is the path of the user's avatar image. Some events leave it
	// out, and then it is empty.
	Avatar string `json:"avatar,omitempty"`
	// Bot is true for a bot account. It decodes the member "bot", and IsBot
	// also checks "isBot".
	Bot bool `json:"bot,omitempty"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// IsBot reports whether u is a bot account: the member "bot" or "isBot" is
// true. The bot's own messages come back as events, and so do other bots',
// so a handler that replies to messages should skip those from bots.
//
// NOTE: the platform's documents state that a bot's messages are marked as
// from a bot user but do not name the member, so IsBot accepts both names,
// as the host's routing does.
func (u *User) IsBot() bool {
	if u.Bot {
		return true
	}
	return string(bytes.TrimSpace(u.Unknown["isBot"])) == "true"
}

// Role is a guild role.
type Role struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Color is the role's color as "#rrggbb".
	Color string `json:"color"`
	// Permissions is the role's permission bit set.
	Permissions int64 `json:"permissions"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// ChannelRef is a channel as a guild lists it.
type ChannelRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// Member is a user's membership in a guild, as a GUILD_CREATE event lists
// it and as Context.Member returns it. A guild's member list may carry only
// User, and then the other fields are zero.
type Member struct {
	User User `json:"user"`
	// Roles lists the ids of the member's roles.
	Roles []int64 `json:"roles,omitempty"`
	// Nick is the member's nickname in the guild, empty when none is set.
	Nick     string    `json:"nick,omitempty"`
	JoinedAt time.Time `json:"joinedAt,omitzero"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// Message is a message as the platform's HTTP API returns it after a send
// or an edit, the result of Context.SendWait and the other waiting sends.
//
// NOTE: the platform's documents call this "the message object" without
// listing its members. The SDK decodes only these three and keeps the rest,
// such as an author or a timestamp, in Unknown, so that a send that
// succeeded does not fail on a member of an unexpected shape.
type Message struct {
	// ID is zero when the host ran the send as a dry run, which it does
	// without an API token: it logs the message instead of sending it.
	ID        int64  `json:"id"`
	ChannelID int64  `json:"channelId"`
	Content   string `json:"content"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// MessageCreate is the data of a MESSAGE_CREATE event: a message posted in a
// guild channel. The bot's own messages arrive as events too, so a bot that
// replies to every message also replies to itself.
type MessageCreate struct {
	ID        int64  `json:"id"`
	ChannelID int64  `json:"channelId"`
	GuildID   int64  `json:"guildId"`
	Content   string `json:"content"`
	// MsgType is the platform's message type; 0 is a text message.
	MsgType   int       `json:"msgType"`
	Author    User      `json:"author"`
	Timestamp time.Time `json:"timestamp,omitzero"`
	// Mentions lists the ids of the users the message mentions.
	Mentions []int64 `json:"mentions,omitempty"`
	// MentionRoles lists the ids of the roles the message mentions.
	MentionRoles []int64 `json:"mentionRoles,omitempty"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// MessageUpdate is the data of a MESSAGE_UPDATE or DM_MESSAGE_UPDATE event:
// a message's new content.
type MessageUpdate struct {
	ID              int64     `json:"id"`
	ChannelID       int64     `json:"channelId"`
	Content         string    `json:"content"`
	EditedTimestamp time.Time `json:"editedTimestamp,omitzero"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// DMMessageUpdate is the data of a DM_MESSAGE_UPDATE event, which has the
// same members as MESSAGE_UPDATE.
type DMMessageUpdate = MessageUpdate

// MessageDelete is the data of a MESSAGE_DELETE or DM_MESSAGE_DELETE event.
type MessageDelete struct {
	ID        int64 `json:"id"`
	ChannelID int64 `json:"channelId"`
	// GuildID is zero for a direct message.
	GuildID int64 `json:"guildId,omitempty"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// DMMessageDelete is the data of a DM_MESSAGE_DELETE event, which has the
// same members as MESSAGE_DELETE.
type DMMessageDelete = MessageDelete

// DMMessageCreate is the data of a DM_MESSAGE_CREATE event: a direct message
// to the bot.
type DMMessageCreate struct {
	ID        int64     `json:"id"`
	ChannelID int64     `json:"channelId"`
	Content   string    `json:"content"`
	Author    User      `json:"author"`
	Timestamp time.Time `json:"timestamp,omitzero"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// GuildMemberAdd is the data of a GUILD_MEMBER_ADD event: a user joined a
// guild.
type GuildMemberAdd struct {
	GuildID  int64     `json:"guildId"`
	User     User      `json:"user"`
	JoinedAt time.Time `json:"joinedAt,omitzero"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// GuildMemberUpdate is the data of a GUILD_MEMBER_UPDATE event: a member's
// roles or nickname changed.
type GuildMemberUpdate struct {
	GuildID int64 `json:"guildId"`
	User    User  `json:"user"`
	// Roles lists the ids of the member's roles.
	Roles []int64 `json:"roles"`
	// Nick is the member's nickname in the guild, empty when none is set.
	Nick string `json:"nick"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// GuildMemberRemove is the data of a GUILD_MEMBER_REMOVE event: a user left
// or was removed from a guild.
type GuildMemberRemove struct {
	GuildID int64 `json:"guildId"`
	User    User  `json:"user"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// Channel is the data of a CHANNEL_CREATE or CHANNEL_UPDATE event.
type Channel struct {
	ID      int64  `json:"id"`
	GuildID int64  `json:"guildId"`
	Name    string `json:"name"`
	// Type is the platform's channel type; 0 is a text channel.
	Type int `json:"type"`
	// Position is the channel's place in the guild's channel list.
	Position int `json:"position"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// ChannelCreate is the data of a CHANNEL_CREATE event.
type ChannelCreate = Channel

// ChannelUpdate is the data of a CHANNEL_UPDATE event.
type ChannelUpdate = Channel

// ChannelDelete is the data of a CHANNEL_DELETE event.
type ChannelDelete struct {
	ID      int64 `json:"id"`
	GuildID int64 `json:"guildId"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// Guild is the data of a GUILD_CREATE or GUILD_UPDATE event. A GUILD_UPDATE
// may carry only the members that changed: the others decode as zero values,
// and Context.Event().Data shows whether a member was absent or zero.
type Guild struct {
	ID       int64        `json:"id"`
	Name     string       `json:"name,omitempty"`
	OwnerID  int64        `json:"ownerId,omitempty"`
	Channels []ChannelRef `json:"channels,omitempty"`
	Members  []Member     `json:"members,omitempty"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// GuildCreate is the data of a GUILD_CREATE event.
type GuildCreate = Guild

// GuildUpdate is the data of a GUILD_UPDATE event.
type GuildUpdate = Guild

// GuildDelete is the data of a GUILD_DELETE event.
type GuildDelete struct {
	ID int64 `json:"id"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// GuildRole is the data of a GUILD_ROLE_CREATE or GUILD_ROLE_UPDATE event.
type GuildRole struct {
	GuildID int64 `json:"guildId"`
	Role    Role  `json:"role"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// GuildRoleCreate is the data of a GUILD_ROLE_CREATE event.
type GuildRoleCreate = GuildRole

// GuildRoleUpdate is the data of a GUILD_ROLE_UPDATE event.
type GuildRoleUpdate = GuildRole

// GuildRoleDelete is the data of a GUILD_ROLE_DELETE event.
type GuildRoleDelete struct {
	GuildID int64 `json:"guildId"`
	RoleID  int64 `json:"roleId"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// BotReady is the data of a BOT_READY event, which the platform sends first
// on a gateway connection.
type BotReady struct {
	Bot BotInfo `json:"bot"`
	// SubscribedGuilds and SubscribedDMs are kept as raw JSON.
	// NOTE: the platform names these members without documenting their
	// shape, so the SDK does not guess a Go type for them.
	SubscribedGuilds json.RawMessage `json:"subscribedGuilds,omitempty"`
	SubscribedDMs    json.RawMessage `json:"subscribedDMs,omitempty"`
	// AvailableEvents lists the event types the bot may subscribe to.
	AvailableEvents []string `json:"availableEvents,omitempty"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}

// BotInfo describes the bot, in a BOT_READY event and as Context.Me returns
// it.
type BotInfo struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// BotUser is the user account the bot posts as.
	BotUser User `json:"botUser"`

	// Unknown contains the JSON members that no field above decodes.
	Unknown map[string]json.RawMessage `json:"-"`
}
