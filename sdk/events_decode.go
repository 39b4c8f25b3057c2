package sdk

// The decode methods of the event and action result structs, which
// decodeValue and the typed handlers call. Each decodes the members it has a
// field for and leaves the rest to decodeObject, which keeps them in
// Unknown. TestDecodeKnowsEveryField checks that each member reaches its
// own field.

func (u *User) decode(d *decoder) error {
	return d.decodeObject(&userStruct, &u.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "id":
			return true, d.decodeInt64(&u.ID)
		case "name":
			return true, d.decodeString(&u.Name)
		case "avatar":
			return true, d.decodeString(&u.Avatar)
		case "bot":
			return true, d.decodeBool(&u.Bot)
		}
		return false, nil
	})
}

func (r *Role) decode(d *decoder) error {
	return d.decodeObject(&roleStruct, &r.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "id":
			return true, d.decodeInt64(&r.ID)
		case "name":
			return true, d.decodeString(&r.Name)
		case "color":
			return true, d.decodeString(&r.Color)
		case "permissions":
			return true, d.decodeInt64(&r.Permissions)
		}
		return false, nil
	})
}

func (c *ChannelRef) decode(d *decoder) error {
	return d.decodeObject(&channelRefStruct, &c.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "id":
			return true, d.decodeInt64(&c.ID)
		case "name":
			return true, d.decodeString(&c.Name)
		}
		return false, nil
	})
}

func (m *Member) decode(d *decoder) error {
	return d.decodeObject(&memberStruct, &m.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "user":
			return true, m.User.decode(d)
		case "roles":
			return true, d.decodeInt64s(&m.Roles)
		case "nick":
			return true, d.decodeString(&m.Nick)
		case "joinedAt":
			return true, d.decodeTime(&m.JoinedAt)
		}
		return false, nil
	})
}

func (m *Message) decode(d *decoder) error {
	return d.decodeObject(&messageStruct, &m.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "id":
			return true, d.decodeInt64(&m.ID)
		case "channelId":
			return true, d.decodeInt64(&m.ChannelID)
		case "content":
			return true, d.decodeString(&m.Content)
		}
		return false, nil
	})
}

func (m *MessageCreate) decode(d *decoder) error {
	return d.decodeObject(&messageCreateStruct, &m.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "id":
			return true, d.decodeInt64(&m.ID)
		case "channelId":
			return true, d.decodeInt64(&m.ChannelID)
		case "guildId":
			return true, d.decodeInt64(&m.GuildID)
		case "content":
			return true, d.decodeString(&m.Content)
		case "msgType":
			return true, d.decodeInt(&m.MsgType)
		case "author":
			return true, m.Author.decode(d)
		case "timestamp":
			return true, d.decodeTime(&m.Timestamp)
		case "mentions":
			return true, d.decodeInt64s(&m.Mentions)
		case "mentionRoles":
			return true, d.decodeInt64s(&m.MentionRoles)
		}
		return false, nil
	})
}

func (m *MessageUpdate) decode(d *decoder) error {
	return d.decodeObject(&messageUpdateStruct, &m.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "id":
			return true, d.decodeInt64(&m.ID)
		case "channelId":
			return true, d.decodeInt64(&m.ChannelID)
		case "content":
			return true, d.decodeString(&m.Content)
		case "editedTimestamp":
			return true, d.decodeTime(&m.EditedTimestamp)
		}
		return false, nil
	})
}

func (m *MessageDelete) decode(d *decoder) error {
	return d.decodeObject(&messageDeleteStruct, &m.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "id":
			return true, d.decodeInt64(&m.ID)
		case "channelId":
			return true, d.decodeInt64(&m.ChannelID)
		case "guildId":
			return true, d.decodeInt64(&m.GuildID)
		}
		return false, nil
	})
}

func (m *DMMessageCreate) decode(d *decoder) error {
	return d.decodeObject(&dmMessageCreateStruct, &m.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "id":
			return true, d.decodeInt64(&m.ID)
		case "channelId":
			return true, d.decodeInt64(&m.ChannelID)
		case "content":
			return true, d.decodeString(&m.Content)
		case "author":
			return true, m.Author.decode(d)
		case "timestamp":
			return true, d.decodeTime(&m.Timestamp)
		}
		return false, nil
	})
}

func (m *GuildMemberAdd) decode(d *decoder) error {
	return d.decodeObject(&guildMemberAddStruct, &m.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "guildId":
			return true, d.decodeInt64(&m.GuildID)
		case "user":
			return true, m.User.decode(d)
		case "joinedAt":
			return true, d.decodeTime(&m.JoinedAt)
		}
		return false, nil
	})
}

func (m *GuildMemberUpdate) decode(d *decoder) error {
	return d.decodeObject(&guildMemberUpdateStruct, &m.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "guildId":
			return true, d.decodeInt64(&m.GuildID)
		case "user":
			return true, m.User.decode(d)
		case "roles":
			return true, d.decodeInt64s(&m.Roles)
		case "nick":
			return true, d.decodeString(&m.Nick)
		}
		return false, nil
	})
}

func (m *GuildMemberRemove) decode(d *decoder) error {
	return d.decodeObject(&guildMemberRemoveStruct, &m.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "guildId":
			return true, d.decodeInt64(&m.GuildID)
		case "user":
			return true, m.User.decode(d)
		}
		return false, nil
	})
}

func (c *Channel) decode(d *decoder) error {
	return d.decodeObject(&channelStruct, &c.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "id":
			return true, d.decodeInt64(&c.ID)
		case "guildId":
			return true, d.decodeInt64(&c.GuildID)
		case "name":
			return true, d.decodeString(&c.Name)
		case "type":
			return true, d.decodeInt(&c.Type)
		case "position":
			return true, d.decodeInt(&c.Position)
		}
		return false, nil
	})
}

func (c *ChannelDelete) decode(d *decoder) error {
	return d.decodeObject(&channelDeleteStruct, &c.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "id":
			return true, d.decodeInt64(&c.ID)
		case "guildId":
			return true, d.decodeInt64(&c.GuildID)
		}
		return false, nil
	})
}

func (g *Guild) decode(d *decoder) error {
	return d.decodeObject(&guildStruct, &g.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "id":
			return true, d.decodeInt64(&g.ID)
		case "name":
			return true, d.decodeString(&g.Name)
		case "ownerId":
			return true, d.decodeInt64(&g.OwnerID)
		case "channels":
			return true, decodeStructs(d, &g.Channels)
		case "members":
			return true, decodeStructs(d, &g.Members)
		}
		return false, nil
	})
}

func (g *GuildDelete) decode(d *decoder) error {
	return d.decodeObject(&guildDeleteStruct, &g.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "id":
			return true, d.decodeInt64(&g.ID)
		}
		return false, nil
	})
}

func (r *GuildRole) decode(d *decoder) error {
	return d.decodeObject(&guildRoleStruct, &r.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "guildId":
			return true, d.decodeInt64(&r.GuildID)
		case "role":
			return true, r.Role.decode(d)
		}
		return false, nil
	})
}

func (r *GuildRoleDelete) decode(d *decoder) error {
	return d.decodeObject(&guildRoleDeleteStruct, &r.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "guildId":
			return true, d.decodeInt64(&r.GuildID)
		case "roleId":
			return true, d.decodeInt64(&r.RoleID)
		}
		return false, nil
	})
}

func (b *BotReady) decode(d *decoder) error {
	return d.decodeObject(&botReadyStruct, &b.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "bot":
			return true, b.Bot.decode(d)
		case "subscribedGuilds":
			return true, d.decodeRaw(&b.SubscribedGuilds)
		case "subscribedDMs":
			return true, d.decodeRaw(&b.SubscribedDMs)
		case "availableEvents":
			return true, d.decodeStrings(&b.AvailableEvents)
		}
		return false, nil
	})
}

func (b *BotInfo) decode(d *decoder) error {
	return d.decodeObject(&botInfoStruct, &b.Unknown, func(key []byte) (bool, error) {
		switch string(key) {
		case "id":
			return true, d.decodeInt64(&b.ID)
		case "name":
			return true, d.decodeString(&b.Name)
		case "botUser":
			return true, b.BotUser.decode(d)
		}
		return false, nil
	})
}
