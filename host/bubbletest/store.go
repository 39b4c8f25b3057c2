package bubbletest

// The platform's data: bots, guilds, channels, members and messages, and
// the methods that seed and look them up.

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"golang.org/x/time/rate"
)

// seed adds the bots, guilds, channels, members and messages of opts.
func (p *Platform) seed(opts Options) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.guilds[DefaultGuildID] = &Guild{ID: DefaultGuildID, Name: "bubbletest"}
	for _, b := range opts.Bots {
		if err := p.addBotLocked(b); err != nil {
			return err
		}
	}
	for _, g := range opts.Guilds {
		if err := p.addGuildLocked(g); err != nil {
			return err
		}
	}
	for _, c := range opts.Channels {
		if err := p.addChannelLocked(c); err != nil {
			return err
		}
	}
	for _, m := range opts.Members {
		if err := p.addMemberLocked(m); err != nil {
			return err
		}
	}
	for _, m := range opts.Messages {
		if _, err := p.addMessageLocked(m); err != nil {
			return err
		}
	}
	return nil
}

// AddBot adds a bot, or replaces the bot with the same token and gives it
// a full bucket. It panics when the token is empty or the id is not
// positive.
func (p *Platform) AddBot(b Bot) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.addBotLocked(b); err != nil {
		panic("bubbletest: " + err.Error())
	}
}

func (p *Platform) addBotLocked(b Bot) error {
	if b.Token == "" {
		return errors.New("invalid bot: the token is empty")
	}
	if b.ID <= 0 {
		return fmt.Errorf("invalid bot %q: id %d is not positive", b.Name, b.ID)
	}
	if b.UserID == 0 {
		b.UserID = b.ID
	}
	if b.Name == "" {
		b.Name = "bot-" + strconv.FormatInt(b.ID, 10)
	}
	p.bots[b.Token] = &botState{Bot: b, limiter: rate.NewLimiter(p.opts.Rate, p.opts.Burst)}
	return nil
}

// AddGuild adds a guild or replaces the one with the same id. It panics
// when the id is not positive.
func (p *Platform) AddGuild(g Guild) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.addGuildLocked(g); err != nil {
		panic("bubbletest: " + err.Error())
	}
}

func (p *Platform) addGuildLocked(g Guild) error {
	if g.ID <= 0 {
		return fmt.Errorf("invalid guild %q: id %d is not positive", g.Name, g.ID)
	}
	p.guilds[g.ID] = &g
	return nil
}

// AddChannel adds a guild's channel or replaces the one with the same id.
// An unknown guild is created with the name "guild-<id>". It panics when an
// id is not positive.
func (p *Platform) AddChannel(c Channel) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.addChannelLocked(c); err != nil {
		panic("bubbletest: " + err.Error())
	}
}

func (p *Platform) addChannelLocked(c Channel) error {
	if c.ID <= 0 || c.GuildID <= 0 {
		return fmt.Errorf("invalid channel %q: id %d and guild id %d must be positive", c.Name, c.ID, c.GuildID)
	}
	p.ensureGuildLocked(c.GuildID)
	c.RecipientID, c.botID = 0, 0
	p.channels[c.ID] = &c
	return nil
}

// AddMember adds a guild member or replaces the one with the same guild and
// user. An unknown guild is created as AddChannel does, and a zero JoinedAt
// becomes the current time. It panics when an id is not positive.
func (p *Platform) AddMember(m Member) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.addMemberLocked(m); err != nil {
		panic("bubbletest: " + err.Error())
	}
}

func (p *Platform) addMemberLocked(m Member) error {
	if m.GuildID <= 0 || m.User.ID <= 0 {
		return fmt.Errorf("invalid member %q: guild id %d and user id %d must be positive", m.User.Name, m.GuildID, m.User.ID)
	}
	p.ensureGuildLocked(m.GuildID)
	if m.JoinedAt.IsZero() {
		m.JoinedAt = p.now()
	}
	m = m.clone()
	if p.members[m.GuildID] == nil {
		p.members[m.GuildID] = map[int64]*Member{}
	}
	p.members[m.GuildID][m.User.ID] = &m
	return nil
}

// AddMessage stores a message as if a user had sent it, and returns it as
// stored. A zero ID gets the next free id, a zero Timestamp the current
// second, and GuildID is set from the channel. The channel is created as
// on first use unless Options.StrictChannels is set. Unlike a message sent
// through the API, this causes no OnEvent call: build the event with
// MessageEvent to deliver it.
func (p *Platform) AddMessage(m Message) (Message, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	stored, err := p.addMessageLocked(m)
	if err != nil {
		return Message{}, err
	}
	p.notifyLocked()
	return stored.clone(), nil
}

func (p *Platform) addMessageLocked(m Message) (*Message, error) {
	ch, ok := p.channelLocked(m.ChannelID)
	if !ok {
		return nil, fmt.Errorf("adding a message: channel %d not found", m.ChannelID)
	}
	if m.ID == 0 {
		p.lastMessageID++
		m.ID = p.lastMessageID
	} else if p.findMessageLocked(m.ID) != nil {
		return nil, fmt.Errorf("adding a message: id %d is taken", m.ID)
	}
	// Ids handed out later must stay above every id in use, so that the
	// API appends its messages in order.
	p.lastMessageID = max(p.lastMessageID, m.ID)
	if m.Timestamp.IsZero() {
		m.Timestamp = p.now()
	}
	m.GuildID = ch.GuildID
	m = m.clone()

	// Keep the channel's messages in ascending id order.
	list := p.messages[ch.ID]
	i, _ := slices.BinarySearchFunc(list, m.ID, func(x *Message, id int64) int { return cmp.Compare(x.ID, id) })
	p.messages[ch.ID] = slices.Insert(list, i, &m)
	return &m, nil
}

// OpenDM returns the direct message channel between the bot botID and the
// user userID, creating it on first use, as POST /users/{userId}/dm does.
func (p *Platform) OpenDM(botID, userID int64) (Channel, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var bot *botState
	for _, b := range p.bots {
		if b.ID == botID {
			bot = b
		}
	}
	if bot == nil {
		return Channel{}, fmt.Errorf("opening a direct message channel: bot %d not found", botID)
	}
	if userID <= 0 {
		return Channel{}, fmt.Errorf("opening a direct message channel: user id %d is not positive", userID)
	}
	return *p.openDMLocked(bot, userID), nil
}

func (p *Platform) openDMLocked(bot *botState, userID int64) *Channel {
	key := [2]int64{bot.ID, userID}
	if id, ok := p.dms[key]; ok {
		return p.channels[id]
	}
	p.lastChannelID++
	for p.channels[p.lastChannelID] != nil {
		p.lastChannelID++
	}
	ch := &Channel{ID: p.lastChannelID, Type: ChannelTypeDM, RecipientID: userID, botID: bot.ID}
	p.channels[ch.ID] = ch
	p.dms[key] = ch.ID
	return ch
}

// ensureGuildLocked creates the guild id, named "guild-<id>", unless it
// exists.
func (p *Platform) ensureGuildLocked(id int64) {
	if p.guilds[id] == nil {
		p.guilds[id] = &Guild{ID: id, Name: "guild-" + strconv.FormatInt(id, 10)}
	}
}

// channelLocked returns channel id, creating a text channel in
// DefaultGuildID on first use unless Options.StrictChannels is set.
func (p *Platform) channelLocked(id int64) (*Channel, bool) {
	if ch, ok := p.channels[id]; ok {
		return ch, true
	}
	if p.opts.StrictChannels || id <= 0 {
		return nil, false
	}
	position := 0
	for _, ch := range p.channels {
		if ch.GuildID == DefaultGuildID {
			position++
		}
	}
	ch := &Channel{ID: id, GuildID: DefaultGuildID, Name: "channel-" + strconv.FormatInt(id, 10), Type: ChannelTypeText, Position: position}
	p.channels[id] = ch
	return ch, true
}

// findMessageLocked returns the message with the given id in any channel,
// or nil.
func (p *Platform) findMessageLocked(id int64) *Message {
	for _, list := range p.messages {
		for _, m := range list {
			if m.ID == id {
				return m
			}
		}
	}
	return nil
}
