package sdk

import (
	"strconv"
	"unicode/utf8"

	"github.com/bubblehost/bubblehost/abi"
)

// appendActionRequest appends req to out as json.Marshal encodes it. In a
// WebAssembly guest, json.Marshal of a reply costs about a quarter of a
// whole typed handler call (RATIONALE.md), and this function a small part
// of that. TestAppendActionRequestCoversFields fails when abi.ActionRequest
// gets a field that this function does not write.
func appendActionRequest(out []byte, req abi.ActionRequest) []byte {
	out = append(out, `{"type":`...)
	out = appendString(out, req.Type)
	out = appendIntMember(out, `,"channelId":`, req.ChannelID)
	out = appendIntMember(out, `,"messageId":`, req.MessageID)
	out = appendIntMember(out, `,"guildId":`, req.GuildID)
	out = appendIntMember(out, `,"userId":`, req.UserID)
	if req.Content != "" {
		out = append(out, `,"content":`...)
		out = appendString(out, req.Content)
	}
	if req.Wait {
		out = append(out, `,"wait":true`...)
	}
	return append(out, '}')
}

// appendIntMember appends the member prefix and n, or nothing when n is
// zero, as the tag option omitempty does.
func appendIntMember(out []byte, prefix string, n int64) []byte {
	if n == 0 {
		return out
	}
	out = append(out, prefix...)
	return strconv.AppendInt(out, n, 10)
}

// appendString appends s as a JSON string, escaped as json.Marshal escapes
// it: '"', '\\' and control characters, the HTML characters '<', '>' and
// '&', U+2028 and U+2029, and each byte of invalid UTF-8 as U+FFFD.
func appendString(out []byte, s string) []byte {
	out = append(out, '"')

	// Words of 8 bytes that need no escaping are copied as they are. The
	// first word that does goes to the loop below, from its start.
	i := 0
	for i+8 <= len(s) {
		if needsEscape(loadWord(s, i)) {
			break
		}
		i += 8
	}
	out = append(out, s[:i]...)

	start := i
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			out = append(out, s[start:i]...)
			switch c {
			case '"', '\\':
				out = append(out, '\\', c)
			case '\b':
				out = append(out, '\\', 'b')
			case '\f':
				out = append(out, '\\', 'f')
			case '\n':
				out = append(out, '\\', 'n')
			case '\r':
				out = append(out, '\\', 'r')
			case '\t':
				out = append(out, '\\', 't')
			default:
				out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}

		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, s[start:i]...)
			out = append(out, `\ufffd`...)
			start = i + size
		case r == '\u2028' || r == '\u2029':
			out = append(out, s[start:i]...)
			out = append(out, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			start = i + size
		}
		i += size
	}
	out = append(out, s[start:]...)
	return append(out, '"')
}

const hexDigits = "0123456789abcdef"

// needsEscape reports whether any byte of x is one that appendString does
// not copy as it is: a control character, '"', '\\', '<', '>', '&', or a
// byte of 0x80 or above, which may start U+2028, U+2029 or invalid UTF-8.
func needsEscape(x uint64) bool {
	hasByte := func(c byte) uint64 {
		v := x ^ (lowBits * uint64(c))
		return (v - lowBits) &^ v
	}
	found := hasByte('"') | hasByte('\\') | hasByte('<') | hasByte('>') | hasByte('&') | ((x - lowBits*0x20) &^ x) | x
	return found&highBits != 0
}

// loadWord returns the 8 bytes of s from offset i as a little-endian word.
func loadWord(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
