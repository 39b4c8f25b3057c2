package signature

import (
	"unicode/utf8"
)

// plainByte marks the bytes that a JSON string may contain and that
// JSON.stringify writes unchanged: printable ASCII except '"' and '\'.
var plainByte = func() (table [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		table[c] = c != '"' && c != '\\'
	}
	return table
}()

// shortEscape is JSON.stringify's two-character escape for a code unit, or
// zero when the code unit has none.
var shortEscape = [128]byte{
	'\b': 'b',
	'\t': 't',
	'\n': 'n',
	'\f': 'f',
	'\r': 'r',
	'"':  '"',
	'\\': '\\',
}

const hexDigits = "0123456789abcdef"

// parseString parses the JSON string at p.pos and writes it as
// JSON.stringify quotes the string that JSON.parse returns for it.
func (p *parser) parseString() error {
	p.pos++ // opening '"'
	p.out = append(p.out, '"')

	for {
		start := p.pos
		for p.pos < len(p.in) && plainByte[p.in[p.pos]] {
			p.pos++
		}
		p.out = append(p.out, p.in[start:p.pos]...)
		if p.pos >= len(p.in) {
			return p.errorf("unexpected end of input in string")
		}

		switch c := p.in[p.pos]; {
		case c == '"':
			p.pos++
			p.out = append(p.out, '"')
			return nil
		case c == '\\':
			if err := p.parseEscape(); err != nil {
				return err
			}
		case c < 0x20:
			return p.errorf("control character %s in string, want an escape sequence", describeByte(c))
		default:
			p.copyUTF8()
		}
	}
}

// copyUTF8 copies the UTF-8 sequence at p.pos, which starts with a byte of
// 0x80 or more. An invalid sequence becomes one U+FFFD for each maximal
// subpart, as a WHATWG UTF-8 decoder does.
func (p *parser) copyUTF8() {
	r, size := utf8.DecodeRune(p.in[p.pos:])
	if r == utf8.RuneError && size == 1 {
		size = maximalSubpart(p.in[p.pos:])
		p.out = utf8.AppendRune(p.out, utf8.RuneError)
	} else {
		p.out = append(p.out, p.in[p.pos:p.pos+size]...)
	}
	p.pos += size
}

// maximalSubpart returns the length of the longest prefix of b that starts
// a well-formed UTF-8 sequence, or 1 when b[0] cannot start one. The caller
// has found that b does not start with a whole well-formed sequence. The
// second byte's range excludes overlong forms, surrogates and code points
// above U+10FFFF.
func maximalSubpart(b []byte) int {
	lead := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xbf) // the range of the second byte
	switch {
	case lead >= 0xc2 && lead <= 0xdf:
		need = 1
	case lead == 0xe0:
		need, lo = 2, 0xa0
	case lead == 0xed:
		need, hi = 2, 0x9f
	case lead >= 0xe1 && lead <= 0xef:
		need = 2
	case lead == 0xf0:
		need, lo = 3, 0x90
	case lead == 0xf4:
		need, hi = 3, 0x8f
	case lead >= 0xf1 && lead <= 0xf3:
		need = 3
	default:
		return 1
	}

	n := 1
	for n <= need && n < len(b) {
		if b[n] < lo || b[n] > hi {
			break
		}
		lo, hi = 0x80, 0xbf
		n++
	}
	return n
}

// parseEscape parses the escape sequence at p.pos, which starts with '\'.
func (p *parser) parseEscape() error {
	if p.pos+1 >= len(p.in) {
		p.pos++
		return p.errorf("unexpected end of input in escape sequence")
	}

	c := p.in[p.pos+1]
	switch c {
	case '"', '\\', 'b', 'f', 'n', 'r', 't':
		p.out = append(p.out, '\\', c)
		p.pos += 2
		return nil
	case '/':
		p.out = append(p.out, '/')
		p.pos += 2
		return nil
	case 'u':
	default:
		p.pos++
		return p.errorf("invalid escape character %s in string", describeByte(c))
	}

	unit, ok := parseHex4(p.in[p.pos+2:])
	if !ok {
		p.pos += 2
		return p.errorf("invalid \\u escape in string, want 4 hex digits")
	}
	p.pos += len(`\uXXXX`)

	// A high surrogate followed by an escaped low surrogate is one code
	// point, which JSON.stringify writes as UTF-8. Any other surrogate is
	// written as an escape.
	if unit >= 0xd800 && unit <= 0xdbff {
		next := p.in[p.pos:]
		if len(next) >= len(`\uXXXX`) && next[0] == '\\' && next[1] == 'u' {
			if low, ok := parseHex4(next[2:]); ok && low >= 0xdc00 && low <= 0xdfff {
				p.pos += len(`\uXXXX`)
				r := 0x10000 + (rune(unit)-0xd800)<<10 + (rune(low) - 0xdc00)
				p.out = utf8.AppendRune(p.out, r)
				return nil
			}
		}
	}
	p.appendCodeUnit(unit)
	return nil
}

// appendCodeUnit writes one UTF-16 code unit of a string as JSON.stringify
// does. A surrogate here is one that is not part of a pair.
func (p *parser) appendCodeUnit(unit uint16) {
	switch {
	case unit < 0x80 && shortEscape[unit] != 0:
		p.out = append(p.out, '\\', shortEscape[unit])
	case unit < 0x20 || (unit >= 0xd800 && unit <= 0xdfff):
		p.out = append(p.out, '\\', 'u',
			hexDigits[unit>>12], hexDigits[unit>>8&0xf], hexDigits[unit>>4&0xf], hexDigits[unit&0xf])
	default:
		p.out = utf8.AppendRune(p.out, rune(unit))
	}
}

// parseHex4 parses the four hex digits, in either case, at the start of b.
func parseHex4(b []byte) (uint16, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var unit uint16
	for _, c := range b[:4] {
		digit, ok := hexValue(c)
		if !ok {
			return 0, false
		}
		unit = unit<<4 | uint16(digit)
	}
	return unit, true
}

// hexValue returns the value of the hex digit c, in either case.
func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
