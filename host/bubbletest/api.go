package bubbletest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
	"unicode/utf16"
)

// MaxMessageChars is the longest message content the platform accepts,
// counted in UTF-16 code units as JavaScript counts a string's length.
const MaxMessageChars = 2000

// Page sizes of the list endpoints. The maximums are the platform's; it
// documents no defaults, so these are choices of this package.
const (
	maxMessagesLimit     = 100
	defaultMessagesLimit = 50
	maxMembersLimit      = 1000
	defaultMembersLimit  = 100
)

// Routes, as Request.Route names them: the method and the path pattern
// under the base path, in which each {name} is a positive integer id.
const (
	RouteCreateMessage   = "POST /channels/{channelId}/messages"
	RouteListMessages    = "GET /channels/{channelId}/messages"
	RouteEditMessage     = "PUT /channels/{channelId}/messages/{messageId}"
	RouteDeleteMessage   = "DELETE /channels/{channelId}/messages/{messageId}"
	RouteGetChannel      = "GET /channels/{channelId}"
	RouteOpenDM          = "POST /users/{userId}/dm"
	RouteCreateDMMessage = "POST /dm/channels/{channelId}/messages"
	RouteGetMe           = "GET /bot/me"
	RouteGuildChannels   = "GET /guilds/{guildId}/channels"
	RouteListMembers     = "GET /guilds/{guildId}/members"
	RouteGetMember       = "GET /guilds/{guildId}/members/{userId}"
)

// route is one endpoint of the API.
type route struct {
	// name is one of the Route constants.
	name string
	// handle returns the response to the request. It runs with p.mu held.
	handle func(p *Platform, c *call) response
}

// call is one authenticated request on its way to an endpoint.
type call struct {
	bot   *botState
	ids   map[string]int64
	query url.Values
	body  []byte
	// now is the current time by Options.Now, to the second.
	now time.Time
	// events are the delivery bodies of the events the request caused.
	events [][]byte
}

// routes lists the endpoints of the platform's documented HTTP API, except
// the file endpoints.
var routes = []route{
	{RouteCreateMessage, (*Platform).createMessage},
	{RouteListMessages, (*Platform).listMessages},
	{RouteEditMessage, (*Platform).editMessage},
	{RouteDeleteMessage, (*Platform).deleteMessage},
	{RouteGetChannel, (*Platform).getChannel},
	{RouteOpenDM, (*Platform).openDM},
	{RouteCreateDMMessage, (*Platform).createDMMessage},
	{RouteGetMe, (*Platform).getMe},
	{RouteGuildChannels, (*Platform).listGuildChannels},
	{RouteListMembers, (*Platform).listMembers},
	{RouteGetMember, (*Platform).getMember},
}

// createMessage serves POST /channels/{channelId}/messages. It accepts a
// guild's channel and the bot's own direct message channels.
func (p *Platform) createMessage(c *call) response {
	ch, resp := p.visibleChannel(c, c.ids["channelId"])
	if resp != nil {
		return *resp
	}
	return p.storeBotMessage(c, ch)
}

// createDMMessage serves POST /dm/channels/{channelId}/messages, which
// accepts only a direct message channel that the bot opened.
func (p *Platform) createDMMessage(c *call) response {
	id := c.ids["channelId"]
	ch := p.channels[id]
	if ch == nil || ch.Type != ChannelTypeDM || ch.botID != c.bot.ID {
		return errorResponse(http.StatusNotFound, codeNotFound,
			"DM channel %d not found: open one with POST /users/{userId}/dm and send to the channelId it returns", id)
	}
	return p.storeBotMessage(c, ch)
}

// storeBotMessage validates the body of a send and stores the message as
// written by the bot's user.
func (p *Platform) storeBotMessage(c *call, ch *Channel) response {
	var in struct {
		Content *string `json:"content"`
		MsgType int     `json:"msgType"`
	}
	if resp := decodeBody(c.body, &in); resp != nil {
		return *resp
	}
	if resp := validateContent(in.Content); resp != nil {
		return *resp
	}

	p.lastMessageID++
	m := &Message{
		ID:        p.lastMessageID,
		ChannelID: ch.ID,
		GuildID:   ch.GuildID,
		Content:   *in.Content,
		MsgType:   in.MsgType,
		Author:    User{ID: c.bot.UserID, Name: c.bot.Name, Bot: true},
		Timestamp: c.now,
	}
	p.messages[ch.ID] = append(p.messages[ch.ID], m)
	c.events = append(c.events, MessageEvent(eventType(ch, EventMessageCreate, EventDMMessageCreate), *m))
	return response{status: http.StatusOK, body: m.object()}
}

// editMessage serves PUT /channels/{channelId}/messages/{messageId}. A bot
// may edit only the messages its user wrote.
func (p *Platform) editMessage(c *call) response {
	ch, m, resp := p.ownMessage(c, "edit")
	if resp != nil {
		return *resp
	}
	var in struct {
		Content *string `json:"content"`
	}
	if resp := decodeBody(c.body, &in); resp != nil {
		return *resp
	}
	if resp := validateContent(in.Content); resp != nil {
		return *resp
	}

	m.Content = *in.Content
	m.EditedTimestamp = c.now
	c.events = append(c.events, MessageEvent(eventType(ch, EventMessageUpdate, EventDMMessageUpdate), *m))
	return response{status: http.StatusOK, body: m.object()}
}

// deleteMessage serves DELETE /channels/{channelId}/messages/{messageId}. A
// bot may delete only the messages its user wrote.
func (p *Platform) deleteMessage(c *call) response {
	ch, m, resp := p.ownMessage(c, "delete")
	if resp != nil {
		return *resp
	}
	p.messages[ch.ID] = slices.DeleteFunc(p.messages[ch.ID], func(x *Message) bool { return x == m })
	c.events = append(c.events, MessageEvent(eventType(ch, EventMessageDelete, EventDMMessageDelete), *m))
	return response{status: http.StatusNoContent}
}

// ownMessage returns the channel and message of the request's path, or the
// 404 or 403 response when the bot cannot see the message or did not write it.
func (p *Platform) ownMessage(c *call, verb string) (*Channel, *Message, *response) {
	ch, resp := p.visibleChannel(c, c.ids["channelId"])
	if resp != nil {
		return nil, nil, resp
	}
	id := c.ids["messageId"]
	i := slices.IndexFunc(p.messages[ch.ID], func(m *Message) bool { return m.ID == id })
	if i < 0 {
		resp := errorResponse(http.StatusNotFound, codeNotFound, "message %d not found in channel %d", id, ch.ID)
		return nil, nil, &resp
	}
	m := p.messages[ch.ID][i]
	if m.Author.ID != c.bot.UserID {
		resp := errorResponse(http.StatusForbidden, codeForbidden,
			"cannot %s message %d: it was written by user %d, and a bot may %s only its own messages", verb, id, m.Author.ID, verb)
		return nil, nil, &resp
	}
	return ch, m, nil
}

// listMessages serves GET /channels/{channelId}/messages?before=&after=&limit=.
// It returns up to limit messages with ids between after and before,
// oldest first: those right after "after" when it is given, else the
// latest ones.
func (p *Platform) listMessages(c *call) response {
	ch, resp := p.visibleChannel(c, c.ids["channelId"])
	if resp != nil {
		return *resp
	}
	before, resp := queryInt(c.query, "before", 1, 0)
	if resp != nil {
		return *resp
	}
	after, resp := queryInt(c.query, "after", 0, 0)
	if resp != nil {
		return *resp
	}
	limit, resp := queryInt(c.query, "limit", 1, maxMessagesLimit)
	if resp != nil {
		return *resp
	}
	if limit == 0 {
		limit = defaultMessagesLimit
	}

	var page []messageObject
	for _, m := range p.messages[ch.ID] {
		if (before == 0 || m.ID < before) && m.ID > after {
			page = append(page, m.object())
		}
	}
	if int64(len(page)) > limit {
		if after > 0 {
			page = page[:limit]
		} else {
			page = page[int64(len(page))-limit:]
		}
	}
	return response{status: http.StatusOK, body: orEmptyList(page)}
}

// getChannel serves GET /channels/{channelId}.
func (p *Platform) getChannel(c *call) response {
	ch, resp := p.visibleChannel(c, c.ids["channelId"])
	if resp != nil {
		return *resp
	}
	return response{status: http.StatusOK, body: ch}
}

// openDM serves POST /users/{userId}/dm. Any positive user id exists, and
// the same bot and user always get the same channel.
func (p *Platform) openDM(c *call) response {
	ch := p.openDMLocked(c.bot, c.ids["userId"])
	return response{status: http.StatusOK, body: dmChannel{ChannelID: ch.ID, RecipientID: ch.RecipientID}}
}

// getMe serves GET /bot/me.
func (p *Platform) getMe(c *call) response {
	var me botMe
	me.ID, me.Name = c.bot.ID, c.bot.Name
	me.BotUser.ID, me.BotUser.Name = c.bot.UserID, c.bot.Name
	return response{status: http.StatusOK, body: me}
}

// listGuildChannels serves GET /guilds/{guildId}/channels, ordered by
// position and then id. Channels created on first use are listed once used.
func (p *Platform) listGuildChannels(c *call) response {
	guild, resp := p.guild(c.ids["guildId"])
	if resp != nil {
		return *resp
	}
	var list []*Channel
	for _, ch := range p.channels {
		if ch.GuildID == guild.ID {
			list = append(list, ch)
		}
	}
	slices.SortFunc(list, func(a, b *Channel) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.ID, b.ID))
	})
	return response{status: http.StatusOK, body: orEmptyList(list)}
}

// listMembers serves GET /guilds/{guildId}/members?after=&limit=, ordered by
// user id: up to limit members whose user id is greater than after.
func (p *Platform) listMembers(c *call) response {
	guild, resp := p.guild(c.ids["guildId"])
	if resp != nil {
		return *resp
	}
	after, resp := queryInt(c.query, "after", 0, 0)
	if resp != nil {
		return *resp
	}
	limit, resp := queryInt(c.query, "limit", 1, maxMembersLimit)
	if resp != nil {
		return *resp
	}
	if limit == 0 {
		limit = defaultMembersLimit
	}

	var list []Member
	for _, m := range p.members[guild.ID] {
		if m.User.ID > after {
			list = append(list, m.clone())
		}
	}
	slices.SortFunc(list, func(a, b Member) int { return cmp.Compare(a.User.ID, b.User.ID) })
	if int64(len(list)) > limit {
		list = list[:limit]
	}
	return response{status: http.StatusOK, body: orEmptyList(list)}
}

// getMember serves GET /guilds/{guildId}/members/{userId}.
func (p *Platform) getMember(c *call) response {
	guild, resp := p.guild(c.ids["guildId"])
	if resp != nil {
		return *resp
	}
	userID := c.ids["userId"]
	m := p.members[guild.ID][userID]
	if m == nil {
		return errorResponse(http.StatusNotFound, codeNotFound, "user %d is not a member of guild %d", userID, guild.ID)
	}
	return response{status: http.StatusOK, body: m.clone()}
}

// visibleChannel returns the channel id as the bot may use it: a guild's
// channel, created on first use unless Options.StrictChannels is set, or a
// direct message channel that this bot opened.
func (p *Platform) visibleChannel(c *call, id int64) (*Channel, *response) {
	ch, ok := p.channelLocked(id)
	if !ok || (ch.Type == ChannelTypeDM && ch.botID != c.bot.ID) {
		resp := errorResponse(http.StatusNotFound, codeNotFound, "channel %d not found", id)
		return nil, &resp
	}
	return ch, nil
}

func (p *Platform) guild(id int64) (*Guild, *response) {
	g := p.guilds[id]
	if g == nil {
		resp := errorResponse(http.StatusNotFound, codeNotFound, "guild %d not found", id)
		return nil, &resp
	}
	return g, nil
}

// decodeBody decodes a JSON request body into v, or returns the 400 response.
func decodeBody(body []byte, v any) *response {
	if len(body) == 0 {
		resp := errorResponse(http.StatusBadRequest, codeInvalidRequest, `request body is empty: send JSON such as {"content":"hello","msgType":0}`)
		return &resp
	}
	if err := json.Unmarshal(body, v); err != nil {
		resp := errorResponse(http.StatusBadRequest, codeInvalidRequest, "invalid JSON body: %v", err)
		return &resp
	}
	return nil
}

// validateContent returns the 400 response for a missing, empty or too long
// message content, or nil.
func validateContent(content *string) *response {
	if content == nil || *content == "" {
		resp := errorResponse(http.StatusBadRequest, codeInvalidRequest, "content is missing or empty")
		return &resp
	}
	if n := utf16Len(*content); n > MaxMessageChars {
		resp := errorResponse(http.StatusBadRequest, codeInvalidRequest,
			"content is %d characters long, over the limit of %d (counted in UTF-16 code units): split it into several messages", n, MaxMessageChars)
		return &resp
	}
	return nil
}

// utf16Len returns the length of s in UTF-16 code units, as JavaScript's
// String.length counts it. Invalid UTF-8 bytes count as U+FFFD, one unit.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// queryInt parses the query parameter name as an integer of at least
// minimum and, when maximum is positive, at most maximum. A missing
// parameter is zero.
func queryInt(query url.Values, name string, minimum, maximum int64) (int64, *response) {
	value := query.Get(name)
	if value == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil || n < minimum || (maximum > 0 && n > maximum) {
		bounds := "at least " + strconv.FormatInt(minimum, 10)
		if maximum > 0 {
			bounds = "from " + strconv.FormatInt(minimum, 10) + " to " + strconv.FormatInt(maximum, 10)
		}
		resp := errorResponse(http.StatusBadRequest, codeInvalidRequest, "invalid query parameter %s=%q: want an integer %s", name, value, bounds)
		return 0, &resp
	}
	return n, nil
}

// eventType returns guild for a guild's channel and dm for a direct
// message channel.
func eventType(ch *Channel, guild, dm string) string {
	if ch.Type == ChannelTypeDM {
		return dm
	}
	return guild
}

// orEmptyList returns list, or an empty slice for nil so that it encodes
// as [].
func orEmptyList[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
