package sdk

// JSON methods of the event and action result structs. Each struct has a
// method-less copy (the *Fields type) that encoding/json decodes and encodes
// field by field, while decodeObject and encodeObject add the Unknown
// members. The keys variables list each struct's JSON member names, computed
// once at start-up.

type userFields User

var userKeys = jsonKeys[userFields]()

// UnmarshalJSON decodes u and keeps the members it has no field for in
// u.Unknown.
func (u *User) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*userFields)(u), userKeys, &u.Unknown)
}

// MarshalJSON encodes u together with u.Unknown.
func (u User) MarshalJSON() ([]byte, error) {
	return encodeObject(userFields(u), userKeys, u.Unknown)
}

type roleFields Role

var roleKeys = jsonKeys[roleFields]()

// UnmarshalJSON decodes r and keeps the members it has no field for in
// r.Unknown.
func (r *Role) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*roleFields)(r), roleKeys, &r.Unknown)
}

// MarshalJSON encodes r together with r.Unknown.
func (r Role) MarshalJSON() ([]byte, error) {
	return encodeObject(roleFields(r), roleKeys, r.Unknown)
}

type channelRefFields ChannelRef

var channelRefKeys = jsonKeys[channelRefFields]()

// UnmarshalJSON decodes c and keeps the members it has no field for in
// c.Unknown.
func (c *ChannelRef) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*channelRefFields)(c), channelRefKeys, &c.Unknown)
}

// MarshalJSON encodes c together with c.Unknown.
func (c ChannelRef) MarshalJSON() ([]byte, error) {
	return encodeObject(channelRefFields(c), channelRefKeys, c.Unknown)
}

type memberFields Member

var memberKeys = jsonKeys[memberFields]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *Member) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*memberFields)(m), memberKeys, &m.Unknown)
}

// MarshalJSON encodes m together with m.Unknown.
func (m Member) MarshalJSON() ([]byte, error) {
	return encodeObject(memberFields(m), memberKeys, m.Unknown)
}

type messageFields Message

var messageKeys = jsonKeys[messageFields]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *Message) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*messageFields)(m), messageKeys, &m.Unknown)
}

// MarshalJSON encodes m together with m.Unknown.
func (m Message) MarshalJSON() ([]byte, error) {
	return encodeObject(messageFields(m), messageKeys, m.Unknown)
}

type messageCreateFields MessageCreate

var messageCreateKeys = jsonKeys[messageCreateFields]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *MessageCreate) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*messageCreateFields)(m), messageCreateKeys, &m.Unknown)
}

// MarshalJSON encodes m together with m.Unknown.
func (m MessageCreate) MarshalJSON() ([]byte, error) {
	return encodeObject(messageCreateFields(m), messageCreateKeys, m.Unknown)
}

type messageUpdateFields MessageUpdate

var messageUpdateKeys = jsonKeys[messageUpdateFields]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *MessageUpdate) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*messageUpdateFields)(m), messageUpdateKeys, &m.Unknown)
}

// MarshalJSON encodes m together with m.Unknown.
func (m MessageUpdate) MarshalJSON() ([]byte, error) {
	return encodeObject(messageUpdateFields(m), messageUpdateKeys, m.Unknown)
}

type messageDeleteFields MessageDelete

var messageDeleteKeys = jsonKeys[messageDeleteFields]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *MessageDelete) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*messageDeleteFields)(m), messageDeleteKeys, &m.Unknown)
}

// MarshalJSON encodes m together with m.Unknown.
func (m MessageDelete) MarshalJSON() ([]byte, error) {
	return encodeObject(messageDeleteFields(m), messageDeleteKeys, m.Unknown)
}

type dmMessageCreateFields DMMessageCreate

var dmMessageCreateKeys = jsonKeys[dmMessageCreateFields]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *DMMessageCreate) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*dmMessageCreateFields)(m), dmMessageCreateKeys, &m.Unknown)
}

// MarshalJSON encodes m together with m.Unknown.
func (m DMMessageCreate) MarshalJSON() ([]byte, error) {
	return encodeObject(dmMessageCreateFields(m), dmMessageCreateKeys, m.Unknown)
}

type guildMemberAddFields GuildMemberAdd

var guildMemberAddKeys = jsonKeys[guildMemberAddFields]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *GuildMemberAdd) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*guildMemberAddFields)(m), guildMemberAddKeys, &m.Unknown)
}

// MarshalJSON encodes m together with m.Unknown.
func (m GuildMemberAdd) MarshalJSON() ([]byte, error) {
	return encodeObject(guildMemberAddFields(m), guildMemberAddKeys, m.Unknown)
}

type guildMemberUpdateFields GuildMemberUpdate

var guildMemberUpdateKeys = jsonKeys[guildMemberUpdateFields]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *GuildMemberUpdate) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*guildMemberUpdateFields)(m), guildMemberUpdateKeys, &m.Unknown)
}

// MarshalJSON encodes m together with m.Unknown.
func (m GuildMemberUpdate) MarshalJSON() ([]byte, error) {
	return encodeObject(guildMemberUpdateFields(m), guildMemberUpdateKeys, m.Unknown)
}

type guildMemberRemoveFields GuildMemberRemove

var guildMemberRemoveKeys = jsonKeys[guildMemberRemoveFields]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *GuildMemberRemove) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*guildMemberRemoveFields)(m), guildMemberRemoveKeys, &m.Unknown)
}

// MarshalJSON encodes m together with m.Unknown.
func (m GuildMemberRemove) MarshalJSON() ([]byte, error) {
	return encodeObject(guildMemberRemoveFields(m), guildMemberRemoveKeys, m.Unknown)
}

type channelFields Channel

var channelKeys = jsonKeys[channelFields]()

// UnmarshalJSON decodes c and keeps the members it has no field for in
// c.Unknown.
func (c *Channel) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*channelFields)(c), channelKeys, &c.Unknown)
}

// MarshalJSON encodes c together with c.Unknown.
func (c Channel) MarshalJSON() ([]byte, error) {
	return encodeObject(channelFields(c), channelKeys, c.Unknown)
}

type channelDeleteFields ChannelDelete

var channelDeleteKeys = jsonKeys[channelDeleteFields]()

// UnmarshalJSON decodes c and keeps the members it has no field for in
// c.Unknown.
func (c *ChannelDelete) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*channelDeleteFields)(c), channelDeleteKeys, &c.Unknown)
}

// MarshalJSON encodes c together with c.Unknown.
func (c ChannelDelete) MarshalJSON() ([]byte, error) {
	return encodeObject(channelDeleteFields(c), channelDeleteKeys, c.Unknown)
}

type guildFields Guild

var guildKeys = jsonKeys[guildFields]()

// UnmarshalJSON decodes g and keeps the members it has no field for in
// g.Unknown.
func (g *Guild) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*guildFields)(g), guildKeys, &g.Unknown)
}

// MarshalJSON encodes g together with g.Unknown.
func (g Guild) MarshalJSON() ([]byte, error) {
	return encodeObject(guildFields(g), guildKeys, g.Unknown)
}

type guildDeleteFields GuildDelete

var guildDeleteKeys = jsonKeys[guildDeleteFields]()

// UnmarshalJSON decodes g and keeps the members it has no field for in
// g.Unknown.
func (g *GuildDelete) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*guildDeleteFields)(g), guildDeleteKeys, &g.Unknown)
}

// MarshalJSON encodes g together with g.Unknown.
func (g GuildDelete) MarshalJSON() ([]byte, error) {
	return encodeObject(guildDeleteFields(g), guildDeleteKeys, g.Unknown)
}

type guildRoleFields GuildRole

var guildRoleKeys = jsonKeys[guildRoleFields]()

// UnmarshalJSON decodes r and keeps the members it has no field for in
// r.Unknown.
func (r *GuildRole) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*guildRoleFields)(r), guildRoleKeys, &r.Unknown)
}

// MarshalJSON encodes r together with r.Unknown.
func (r GuildRole) MarshalJSON() ([]byte, error) {
	return encodeObject(guildRoleFields(r), guildRoleKeys, r.Unknown)
}

type guildRoleDeleteFields GuildRoleDelete

var guildRoleDeleteKeys = jsonKeys[guildRoleDeleteFields]()

// UnmarshalJSON decodes r and keeps the members it has no field for in
// r.Unknown.
func (r *GuildRoleDelete) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*guildRoleDeleteFields)(r), guildRoleDeleteKeys, &r.Unknown)
}

// MarshalJSON encodes r together with r.Unknown.
func (r GuildRoleDelete) MarshalJSON() ([]byte, error) {
	return encodeObject(guildRoleDeleteFields(r), guildRoleDeleteKeys, r.Unknown)
}

type botReadyFields BotReady

var botReadyKeys = jsonKeys[botReadyFields]()

// UnmarshalJSON decodes b and keeps the members it has no field for in
// b.Unknown.
func (b *BotReady) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*botReadyFields)(b), botReadyKeys, &b.Unknown)
}

// MarshalJSON encodes b together with b.Unknown.
func (b BotReady) MarshalJSON() ([]byte, error) {
	return encodeObject(botReadyFields(b), botReadyKeys, b.Unknown)
}

type botInfoFields BotInfo

var botInfoKeys = jsonKeys[botInfoFields]()

// UnmarshalJSON decodes b and keeps the members it has no field for in
// b.Unknown.
func (b *BotInfo) UnmarshalJSON(data []byte) error {
	return decodeObject(data, (*botInfoFields)(b), botInfoKeys, &b.Unknown)
}

// MarshalJSON encodes b together with b.Unknown.
func (b BotInfo) MarshalJSON() ([]byte, error) {
	return encodeObject(botInfoFields(b), botInfoKeys, b.Unknown)
}
