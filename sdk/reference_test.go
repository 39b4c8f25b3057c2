package sdk

// The reference decoder for FuzzDecodeMatchesEncodingJSON is the SDK's
// earlier reflection-based one. encoding/json decodes a method-less copy of
// a struct, and a member scanner then collects the members it has no field
// for. The ref types mirror some event structs field for field, which
// TestReferenceTypesMirrorEvents checks.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

type refUser struct {
	ID      int64                      `json:"id"`
	Name    string                     `json:"name"`
	Avatar  string                     `json:"avatar,omitempty"`
	Bot     bool                       `json:"bot,omitempty"`
	Unknown map[string]json.RawMessage `json:"-"`
}

func (u *refUser) UnmarshalJSON(data []byte) error {
	type fields refUser
	return referenceDecode(data, (*fields)(u), &u.Unknown)
}

type refChannelRef struct {
	ID      int64                      `json:"id"`
	Name    string                     `json:"name"`
	Unknown map[string]json.RawMessage `json:"-"`
}

func (c *refChannelRef) UnmarshalJSON(data []byte) error {
	type fields refChannelRef
	return referenceDecode(data, (*fields)(c), &c.Unknown)
}

type refMember struct {
	User     refUser                    `json:"user"`
	Roles    []int64                    `json:"roles,omitempty"`
	Nick     string                     `json:"nick,omitempty"`
	JoinedAt time.Time                  `json:"joinedAt,omitzero"`
	Unknown  map[string]json.RawMessage `json:"-"`
}

func (m *refMember) UnmarshalJSON(data []byte) error {
	type fields refMember
	return referenceDecode(data, (*fields)(m), &m.Unknown)
}

type refMessageCreate struct {
	ID           int64                      `json:"id"`
	ChannelID    int64                      `json:"channelId"`
	GuildID      int64                      `json:"guildId"`
	Content      string                     `json:"content"`
	MsgType      int                        `json:"msgType"`
	Author       refUser                    `json:"author"`
	Timestamp    time.Time                  `json:"timestamp,omitzero"`
	Mentions     []int64                    `json:"mentions,omitempty"`
	MentionRoles []int64                    `json:"mentionRoles,omitempty"`
	Unknown      map[string]json.RawMessage `json:"-"`
}

func (m *refMessageCreate) UnmarshalJSON(data []byte) error {
	type fields refMessageCreate
	return referenceDecode(data, (*fields)(m), &m.Unknown)
}

type refGuild struct {
	ID       int64                      `json:"id"`
	Name     string                     `json:"name,omitempty"`
	OwnerID  int64                      `json:"ownerId,omitempty"`
	Channels []refChannelRef            `json:"channels,omitempty"`
	Members  []refMember                `json:"members,omitempty"`
	Unknown  map[string]json.RawMessage `json:"-"`
}

func (g *refGuild) UnmarshalJSON(data []byte) error {
	type fields refGuild
	return referenceDecode(data, (*fields)(g), &g.Unknown)
}

type refBotInfo struct {
	ID      int64                      `json:"id"`
	Name    string                     `json:"name"`
	BotUser refUser                    `json:"botUser"`
	Unknown map[string]json.RawMessage `json:"-"`
}

func (b *refBotInfo) UnmarshalJSON(data []byte) error {
	type fields refBotInfo
	return referenceDecode(data, (*fields)(b), &b.Unknown)
}

type refBotReady struct {
	Bot              refBotInfo                 `json:"bot"`
	SubscribedGuilds json.RawMessage            `json:"subscribedGuilds,omitempty"`
	SubscribedDMs    json.RawMessage            `json:"subscribedDMs,omitempty"`
	AvailableEvents  []string                   `json:"availableEvents,omitempty"`
	Unknown          map[string]json.RawMessage `json:"-"`
}

func (b *refBotReady) UnmarshalJSON(data []byte) error {
	type fields refBotReady
	return referenceDecode(data, (*fields)(b), &b.Unknown)
}

// referenceDecode decodes data into fields, a pointer to a method-less
// struct, with encoding/json, and stores the object's members that fields
// has no field for in *unknown. A JSON null leaves both untouched.
func referenceDecode[F any](data []byte, fields *F, unknown *map[string]json.RawMessage) error {
	if err := json.Unmarshal(data, fields); err != nil {
		return err
	}
	keys := jsonKeys[F]()

	scanner, ok := newMemberScanner(data)
	if !ok {
		return nil
	}
	*unknown = nil
	for {
		rawKey, value, more := scanner.next()
		if !more {
			return nil
		}
		key, err := unquoteKey(rawKey)
		if err != nil {
			return err
		}
		if isKnownKey(key, keys) {
			continue
		}
		if *unknown == nil {
			*unknown = make(map[string]json.RawMessage)
		}
		(*unknown)[key] = bytes.Clone(value)
	}
}

// unquoteKey returns the member name of rawKey, a JSON string with its
// quotes.
func unquoteKey(rawKey []byte) (string, error) {
	if name := rawKey[1 : len(rawKey)-1]; bytes.IndexByte(name, '\\') < 0 && utf8.Valid(name) {
		return string(name), nil
	}
	var key string
	if err := json.Unmarshal(rawKey, &key); err != nil {
		return "", fmt.Errorf("invalid member name %s: %w", rawKey, err)
	}
	return key, nil
}

// memberScanner walks the members of one JSON object without allocating.
// The input must be valid JSON, checked beforehand with json.Valid or a
// successful json.Unmarshal: the scanner finds where keys and values start
// and end but does not validate them. On input that is not valid it stops
// early rather than panicking.
type memberScanner struct {
	data []byte
	pos  int
}

// newMemberScanner returns a scanner positioned inside the object data, or
// false when data is not a JSON object.
func newMemberScanner(data []byte) (memberScanner, bool) {
	s := memberScanner{data: data}
	s.skipSpace()
	if s.pos >= len(data) || data[s.pos] != '{' {
		return s, false
	}
	s.pos++
	return s, true
}

// next returns the next member's key, as a JSON string with its quotes, and
// its raw value. more is false after the last member.
func (s *memberScanner) next() (key, value []byte, more bool) {
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ',' {
		s.pos++
		s.skipSpace()
	}
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, nil, false
	}

	start := s.pos
	s.pos = skipString(s.data, s.pos)
	key = s.data[start:s.pos]

	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		return nil, nil, false
	}
	s.pos++
	s.skipSpace()

	start = s.pos
	s.pos = skipValue(s.data, s.pos)
	if s.pos <= start {
		return nil, nil, false
	}
	return key, s.data[start:s.pos], true
}

func (s *memberScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// skipString returns the offset just past the JSON string that starts at
// data[pos], which is '"'.
func skipString(data []byte, pos int) int {
	for i := pos + 1; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// skipValue returns the offset just past the JSON value that starts at
// data[pos].
func skipValue(data []byte, pos int) int {
	if pos >= len(data) {
		return pos
	}
	switch data[pos] {
	case '"':
		return skipString(data, pos)
	case '{', '[':
		depth := 0
		for i := pos; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = skipString(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(data)
	default:
		// A number, true, false or null ends at the next delimiter.
		i := pos
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}
