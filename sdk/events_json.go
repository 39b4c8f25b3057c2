package sdk

// JSON methods of the event and action result structs. UnmarshalJSON runs
// the struct's decode method (events_decode.go) on the package's own
// decoder. MarshalJSON encodes a method-less copy of the struct (the *Fields
// type) with encoding/json, and encodeObject adds the Unknown members.

type userFields User

var userStruct = newStructInfo[User]()

// UnmarshalJSON decodes u and keeps the members it has no field for in
// u.Unknown.
func (u *User) UnmarshalJSON(data []byte) error {
	return decodeValue(data, u)
}

// MarshalJSON encodes u together with u.Unknown.
func (u User) MarshalJSON() ([]byte, error) {
	return encodeObject(userFields(u), userStruct.keys, u.Unknown)
}

type roleFields Role

var roleStruct = newStructInfo[Role]()

// UnmarshalJSON decodes r and keeps the members it has no field for in
// r.Unknown.
func (r *Role) UnmarshalJSON(data []byte) error {
	return decodeValue(data, r)
}

// MarshalJSON encodes r together with r.Unknown.
func (r Role) MarshalJSON() ([]byte, error) {
	return encodeObject(roleFields(r), roleStruct.keys, r.Unknown)
}

type channelRefFields ChannelRef

var channelRefStruct = newStructInfo[ChannelRef]()

// UnmarshalJSON decodes c and keeps the members it has no field for in
// c.Unknown.
func (c *ChannelRef) UnmarshalJSON(data []byte) error {
	return decodeValue(data, c)
}

// MarshalJSON encodes c together with c.Unknown.
func (c ChannelRef) MarshalJSON() ([]byte, error) {
	return encodeObject(channelRefFields(c), channelRefStruct.keys, c.Unknown)
}

type memberFields Member

var memberStruct = newStructInfo[Member]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *Member) UnmarshalJSON(data []byte) error {
	return decodeValue(data, m)
}

// MarshalJSON encodes m together with m.Unknown.
func (m Member) MarshalJSON() ([]byte, error) {
	return encodeObject(memberFields(m), memberStruct.keys, m.Unknown)
}

type messageFields Message

var messageStruct = newStructInfo[Message]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *Message) UnmarshalJSON(data []byte) error {
	return decodeValue(data, m)
}

// MarshalJSON encodes m together with m.Unknown.
func (m Message) MarshalJSON() ([]byte, error) {
	return encodeObject(messageFields(m), messageStruct.keys, m.Unknown)
}

type messageCreateFields MessageCreate

var messageCreateStruct = newStructInfo[MessageCreate]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *MessageCreate) UnmarshalJSON(data []byte) error {
	return decodeValue(data, m)
}

// MarshalJSON encodes m together with m.Unknown.
func (m MessageCreate) MarshalJSON() ([]byte, error) {
	return encodeObject(messageCreateFields(m), messageCreateStruct.keys, m.Unknown)
}

type messageUpdateFields MessageUpdate

var messageUpdateStruct = newStructInfo[MessageUpdate]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *MessageUpdate) UnmarshalJSON(data []byte) error {
	return decodeValue(data, m)
}

// MarshalJSON encodes m together with m.Unknown.
func (m MessageUpdate) MarshalJSON() ([]byte, error) {
	return encodeObject(messageUpdateFields(m), messageUpdateStruct.keys, m.Unknown)
}

type messageDeleteFields MessageDelete

var messageDeleteStruct = newStructInfo[MessageDelete]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *MessageDelete) UnmarshalJSON(data []byte) error {
	return decodeValue(data, m)
}

// MarshalJSON encodes m together with m.Unknown.
func (m MessageDelete) MarshalJSON() ([]byte, error) {
	return encodeObject(messageDeleteFields(m), messageDeleteStruct.keys, m.Unknown)
}

type dmMessageCreateFields DMMessageCreate

var dmMessageCreateStruct = newStructInfo[DMMessageCreate]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *DMMessageCreate) UnmarshalJSON(data []byte) error {
	return decodeValue(data, m)
}

// MarshalJSON encodes m together with m.Unknown.
func (m DMMessageCreate) MarshalJSON() ([]byte, error) {
	return encodeObject(dmMessageCreateFields(m), dmMessageCreateStruct.keys, m.Unknown)
}

type guildMemberAddFields GuildMemberAdd

var guildMemberAddStruct = newStructInfo[GuildMemberAdd]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *GuildMemberAdd) UnmarshalJSON(data []byte) error {
	return decodeValue(data, m)
}

// MarshalJSON encodes m together with m.Unknown.
func (m GuildMemberAdd) MarshalJSON() ([]byte, error) {
	return encodeObject(guildMemberAddFields(m), guildMemberAddStruct.keys, m.Unknown)
}

type guildMemberUpdateFields GuildMemberUpdate

var guildMemberUpdateStruct = newStructInfo[GuildMemberUpdate]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *GuildMemberUpdate) UnmarshalJSON(data []byte) error {
	return decodeValue(data, m)
}

// MarshalJSON encodes m together with m.Unknown.
func (m GuildMemberUpdate) MarshalJSON() ([]byte, error) {
	return encodeObject(guildMemberUpdateFields(m), guildMemberUpdateStruct.keys, m.Unknown)
}

type guildMemberRemoveFields GuildMemberRemove

var guildMemberRemoveStruct = newStructInfo[GuildMemberRemove]()

// UnmarshalJSON decodes m and keeps the members it has no field for in
// m.Unknown.
func (m *GuildMemberRemove) UnmarshalJSON(data []byte) error {
	return decodeValue(data, m)
}

// MarshalJSON encodes m together with m.Unknown.
func (m GuildMemberRemove) MarshalJSON() ([]byte, error) {
	return encodeObject(guildMemberRemoveFields(m), guildMemberRemoveStruct.keys, m.Unknown)
}

type channelFields Channel

var channelStruct = newStructInfo[Channel]()

// UnmarshalJSON decodes c and keeps the members it has no field for in
// c.Unknown.
func (c *Channel) UnmarshalJSON(data []byte) error {
	return decodeValue(data, c)
}

// MarshalJSON encodes c together with c.Unknown.
func (c Channel) MarshalJSON() ([]byte, error) {
	return encodeObject(channelFields(c), channelStruct.keys, c.Unknown)
}

type channelDeleteFields ChannelDelete

var channelDeleteStruct = newStructInfo[ChannelDelete]()

// UnmarshalJSON decodes c and keeps the members it has no field for in
// c.Unknown.
func (c *ChannelDelete) UnmarshalJSON(data []byte) error {
	return decodeValue(data, c)
}

// MarshalJSON encodes c together with c.Unknown.
func (c ChannelDelete) MarshalJSON() ([]byte, error) {
	return encodeObject(channelDeleteFields(c), channelDeleteStruct.keys, c.Unknown)
}

type guildFields Guild

var guildStruct = newStructInfo[Guild]()

// UnmarshalJSON decodes g and keeps the members it has no field for in
// g.Unknown.
func (g *Guild) UnmarshalJSON(data []byte) error {
	return decodeValue(data, g)
}

// MarshalJSON encodes g together with g.Unknown.
func (g Guild) MarshalJSON() ([]byte, error) {
	return encodeObject(guildFields(g), guildStruct.keys, g.Unknown)
}

type guildDeleteFields GuildDelete

var guildDeleteStruct = newStructInfo[GuildDelete]()

// UnmarshalJSON decodes g and keeps the members it has no field for in
// g.Unknown.
func (g *GuildDelete) UnmarshalJSON(data []byte) error {
	return decodeValue(data, g)
}

// MarshalJSON encodes g together with g.Unknown.
func (g GuildDelete) MarshalJSON() ([]byte, error) {
	return encodeObject(guildDeleteFields(g), guildDeleteStruct.keys, g.Unknown)
}

type guildRoleFields GuildRole

var guildRoleStruct = newStructInfo[GuildRole]()

// UnmarshalJSON decodes r and keeps the members it has no field for in
// r.Unknown.
func (r *GuildRole) UnmarshalJSON(data []byte) error {
	return decodeValue(data, r)
}

// MarshalJSON encodes r together with r.Unknown.
func (r GuildRole) MarshalJSON() ([]byte, error) {
	return encodeObject(guildRoleFields(r), guildRoleStruct.keys, r.Unknown)
}

type guildRoleDeleteFields GuildRoleDelete

var guildRoleDeleteStruct = newStructInfo[GuildRoleDelete]()

// UnmarshalJSON decodes r and keeps the members it has no field for in
// r.Unknown.
func (r *GuildRoleDelete) UnmarshalJSON(data []byte) error {
	return decodeValue(data, r)
}

// MarshalJSON encodes r together with r.Unknown.
func (r GuildRoleDelete) MarshalJSON() ([]byte, error) {
	return encodeObject(guildRoleDeleteFields(r), guildRoleDeleteStruct.keys, r.Unknown)
}

type botReadyFields BotReady

var botReadyStruct = newStructInfo[BotReady]()

// UnmarshalJSON decodes b and keeps the members it has no field for in
// b.Unknown.
func (b *BotReady) UnmarshalJSON(data []byte) error {
	return decodeValue(data, b)
}

// MarshalJSON encodes b together with b.Unknown.
func (b BotReady) MarshalJSON() ([]byte, error) {
	return encodeObject(botReadyFields(b), botReadyStruct.keys, b.Unknown)
}

type botInfoFields BotInfo

var botInfoStruct = newStructInfo[BotInfo]()

// UnmarshalJSON decodes b and keeps the members it has no field for in
// b.Unknown.
func (b *BotInfo) UnmarshalJSON(data []byte) error {
	return decodeValue(data, b)
}

// MarshalJSON encodes b together with b.Unknown.
func (b BotInfo) MarshalJSON() ([]byte, error) {
	return encodeObject(botInfoFields(b), botInfoStruct.keys, b.Unknown)
}
