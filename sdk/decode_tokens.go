package sdk

import (
	"encoding/binary"
	"math"
	"math/bits"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The decoder's reading of single tokens (strings, numbers and literals)
// and its validating skip over a whole value. Strings and digits are read 8
// bytes at a time, because each step of a byte-by-byte loop costs a deadline
// check in the host.

// Words of 8 bytes with every byte set to 0x01 and 0x80, for scanning 8
// bytes at a time.
const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// specialBytes returns a mask with the high bit set in the first byte of x,
// read little-endian, that is '"', '\\' or a control character, and possibly
// in later bytes. It is zero when x has no such byte.
func specialBytes(x uint64) uint64 {
	quote := x ^ (lowBits * '"')
	backslash := x ^ (lowBits * '\\')
	// (v - lowBits) &^ v has the high bit set in the first zero byte of v,
	// and (x - lowBits*0x20) &^ x in the first byte below 0x20. A borrow
	// can set it in later bytes too, but never in an earlier one.
	return (((quote - lowBits) &^ quote) | ((backslash - lowBits) &^ backslash) | ((x - lowBits*0x20) &^ x)) & highBits
}

// scanString reads the JSON string that starts at d.pos, which is '"'. It
// returns the offsets of its first byte and of its closing quote. escaped
// is true when it contains an escape sequence, and nonASCII when it contains
// a byte of 0x80 or above.
func (d *decoder) scanString() (start, end int, escaped, nonASCII bool, err error) {
	data := d.data
	start = d.pos + 1
	i := start
	var high uint64
	for {
		for i+8 <= len(data) {
			x := binary.LittleEndian.Uint64(data[i:])
			special := specialBytes(x)
			if special == 0 {
				high |= x
				i += 8
				continue
			}
			n := bits.TrailingZeros64(special) / 8
			high |= x & (1<<(8*n) - 1)
			i += n
			break
		}
		if i >= len(data) {
			return 0, 0, false, false, errSyntax
		}

		switch c := data[i]; {
		case c == '"':
			d.pos = i + 1
			return start, i, escaped, nonASCII || high&highBits != 0, nil
		case c == '\\':
			n := escapeLength(data[i:])
			if n == 0 {
				return 0, 0, false, false, errSyntax
			}
			escaped = true
			i += n
		case c < 0x20:
			return 0, 0, false, false, errSyntax
		default:
			// Only the last 7 bytes of the input are read one at a time.
			nonASCII = nonASCII || c >= utf8.RuneSelf
			i++
		}
	}
}

// escapeLength returns the length of the escape sequence at the start of s,
// or 0 when it is not a valid one.
func escapeLength(s []byte) int {
	if len(s) < 2 {
		return 0
	}
	switch s[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if decodeHex4(s[1:]) < 0 {
			return 0
		}
		return 6
	}
	return 0
}

// decodeHex4 returns the code unit of s, which starts with 'u' and four hex
// digits, or -1 when it does not.
func decodeHex4(s []byte) rune {
	if len(s) < 5 || s[0] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[1:5] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// readString reads the JSON string at d.pos and returns its value. Like
// encoding/json, it replaces invalid UTF-8 and unpaired surrogates with
// U+FFFD.
func (d *decoder) readString() (string, error) {
	start, end, escaped, nonASCII, err := d.scanString()
	if err != nil {
		return "", err
	}
	contents := d.data[start:end]
	if !escaped && (!nonASCII || utf8.Valid(contents)) {
		return string(contents), nil
	}
	return string(unescape(contents)), nil
}

// readKey reads the member name at d.pos and the colon after it. The result
// points into d.data unless the name needed unescaping.
func (d *decoder) readKey() ([]byte, error) {
	if d.next() != '"' {
		return nil, errSyntax
	}
	start, end, escaped, nonASCII, err := d.scanString()
	if err != nil {
		return nil, err
	}
	if !d.consume(':') {
		return nil, errSyntax
	}
	key := d.data[start:end]
	if escaped || nonASCII && !utf8.Valid(key) {
		key = unescape(key)
	}
	return key, nil
}

// skipKey reads the member name at d.pos and the colon after it, and
// returns the name as it is in d.data, quotes and escapes included.
func (d *decoder) skipKey() ([]byte, error) {
	if d.next() != '"' {
		return nil, errSyntax
	}
	start := d.pos
	if _, _, _, _, err := d.scanString(); err != nil {
		return nil, err
	}
	quoted := d.data[start:d.pos]
	if !d.consume(':') {
		return nil, errSyntax
	}
	return quoted, nil
}

// unescape returns the value of s, the contents of a JSON string that
// scanString accepted, as encoding/json decodes it.
func unescape(s []byte) []byte {
	out := make([]byte, 0, len(s)+utf8.UTFMax)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			switch s[i+1] {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := decodeHex4(s[i+1:])
				i += 6
				if utf16.IsSurrogate(r) {
					// A pair counts only when the second half follows at
					// once, as in encoding/json.
					if i+1 < len(s) && s[i] == '\\' {
						if pair := utf16.DecodeRune(r, decodeHex4(s[i+1:])); pair != unicode.ReplacementChar {
							out = utf8.AppendRune(out, pair)
							i += 6
							continue
						}
					}
					r = unicode.ReplacementChar
				}
				out = utf8.AppendRune(out, r)
				continue
			default: // '"', '\\' and '/'
				out = append(out, s[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			out = utf8.AppendRune(out, r)
			i += size
		}
	}
	return out
}

// scanNumber reads the JSON number at d.pos. When the number is an integer
// without fraction or exponent that fits in an int64, isInt is true and n is
// its value.
func (d *decoder) scanNumber() (n int64, isInt bool, err error) {
	data := d.data
	i := d.pos
	negative := i < len(data) && data[i] == '-'
	if negative {
		i++
	}

	// The integer part is 0 or a digit from 1 to 9 followed by more digits.
	start := i
	u, i := readDigits(data, i)
	digits := i - start
	if digits == 0 || digits > 1 && data[start] == '0' {
		return 0, false, errSyntax
	}
	// 19 digits always fit in a uint64, and the limits then decide.
	isInt = digits <= 19 && (u <= math.MaxInt64 || negative && u == 1<<63)

	if i < len(data) && data[i] == '.' {
		start := i + 1
		if _, i = readDigits(data, start); i == start {
			return 0, false, errSyntax
		}
		isInt = false
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		start := i
		if _, i = readDigits(data, start); i == start {
			return 0, false, errSyntax
		}
		isInt = false
	}
	d.pos = i

	if !isInt {
		return 0, false, nil
	}
	if negative {
		return int64(-u), true, nil
	}
	return int64(u), true, nil
}

// readDigits reads the ASCII digits at data[i:], 8 at a time, and returns
// their value and the offset after them. The value is only right for at most
// 19 digits, because more overflow a uint64.
func readDigits(data []byte, i int) (value uint64, end int) {
	for i+8 <= len(data) {
		x := binary.LittleEndian.Uint64(data[i:])
		n := digitCount(x)
		// The n digits move to the end of the word, after '0's, so that
		// the word is the 8-digit form of their value.
		value = value*powersOf10[n] + eightDigits(x<<(8*(8-n))|lowBits*'0'>>(8*n))
		i += int(n)
		if n < 8 {
			return value, i
		}
	}
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		value = value*10 + uint64(data[i]-'0')
		i++
	}
	return value, i
}

// powersOf10 lists 10 to the powers 0 to 8.
var powersOf10 = [9]uint64{1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000}

// digitCount returns how many of the bytes of x, read little-endian, are
// ASCII digits before the first byte that is not.
func digitCount(x uint64) uint {
	// A byte is a digit when its high half is 3 and adding 6 to it keeps
	// its high half 3. Bytes over 0xf9 carry into the next byte, but they
	// are not digits themselves, so the first byte flagged is right.
	const highHalves = 0xf0f0f0f0f0f0f0f0
	notDigit := (x&highHalves ^ lowBits*'0') | ((x+lowBits*6)&highHalves ^ lowBits*'0')
	// Move each byte's flag bits down to its low half, and then to its high
	// bit.
	flags := ((notDigit >> 4) + lowBits*0x7f) & highBits
	return uint(bits.TrailingZeros64(flags)) / 8
}

// eightDigits returns the value of the 8 ASCII digits in x, the first in
// the lowest byte. It combines pairs of digits, then pairs of those, and
// then the two halves.
func eightDigits(x uint64) uint64 {
	x -= lowBits * '0'
	x = x*10 + x>>8
	const mask = 0x000000ff000000ff
	x = ((x&mask)*(100+1_000_000<<32) + (x>>16&mask)*(1+10_000<<32)) >> 32
	return x & 0xffffffff
}

// literal reads the literal word at d.pos, which is "true", "false" or
// "null".
func (d *decoder) literal(word string) error {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return errSyntax
	}
	d.pos += len(word)
	return nil
}

// skipValue reads and validates the JSON value at d.pos and returns it.
func (d *decoder) skipValue() ([]byte, error) {
	c := d.next()
	start := d.pos
	var err error
	switch c {
	case '"':
		_, _, _, _, err = d.scanString()
	case '{':
		err = d.skipObject()
	case '[':
		err = d.skipArray()
	case 't':
		err = d.literal("true")
	case 'f':
		err = d.literal("false")
	case 'n':
		err = d.literal("null")
	default:
		_, _, err = d.scanNumber()
	}
	if err != nil {
		return nil, err
	}
	return d.data[start:d.pos], nil
}

func (d *decoder) skipObject() error {
	if err := d.enter(); err != nil {
		return err
	}
	d.pos++ // '{'
	if d.consume('}') {
		d.depth--
		return nil
	}
	for {
		if _, err := d.skipKey(); err != nil {
			return err
		}
		if _, err := d.skipValue(); err != nil {
			return err
		}
		if d.consume(',') {
			continue
		}
		if !d.consume('}') {
			return errSyntax
		}
		d.depth--
		return nil
	}
}

func (d *decoder) skipArray() error {
	return d.decodeArray(func() error {
		_, err := d.skipValue()
		return err
	})
}
