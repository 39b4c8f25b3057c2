package signature

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
)

// maxDepth is the deepest nesting of arrays and objects that Stringify
// accepts, the same limit as encoding/json.
//
// NOTE: Node's JSON.stringify has no fixed limit. It recurses until the
// call stack runs out: Node v20.20.2 with its default stack size stringified
// 4,000 nested arrays and threw a RangeError at 4,500. Between that depth and
// maxDepth, Stringify returns output where Node throws.
const maxDepth = 10000

// maxSmallObject is the largest object whose duplicate keys are found by
// comparing every pair of keys. Larger objects sort their keys instead.
const maxSmallObject = 16

// maxArrayIndex is the largest array index in ECMAScript, 2^32 - 2. Keys
// that spell an integer above it are ordinary string keys.
const maxArrayIndex = 1<<32 - 2

// Stringify returns exactly what JavaScript's JSON.stringify(JSON.parse(text))
// returns for text, encoded as UTF-8.
//
// Text is decoded as TextDecoder and iconv-lite (which Express's body-parser
// uses) decode UTF-8: a leading byte order mark is skipped, and each maximal
// invalid byte sequence inside a string becomes U+FFFD. Text must then
// be a single JSON value as RFC 8259 defines it, optionally surrounded by
// whitespace. Otherwise Stringify returns an error that names the byte offset
// of the problem.
//
// The output follows ECMAScript's rules: object keys that are array indices
// come first in ascending numeric order, the other keys follow in the order of
// their first occurrence, and a repeated key keeps its last value. Numbers are
// printed by Number::toString, and numbers that overflow float64 become null.
func Stringify(text []byte) ([]byte, error) {
	p := parsers.Get().(*parser)
	defer putParser(p)

	out, err := p.stringify(make([]byte, 0, len(text)+16), text)
	p.out = nil // The caller owns out now, so the pool must not reuse it.
	if err != nil {
		return nil, err
	}
	return out, nil
}

// parsers is a pool of parsers, so that their scratch buffers are reused
// across webhooks.
var parsers = sync.Pool{New: func() any { return new(parser) }}

// putParser returns p to parsers, dropping buffers that one unusually large
// body grew, so that the pool does not keep them alive.
func putParser(p *parser) {
	const maxKeptBytes = 64 << 10
	const maxKeptMembers = 1024

	p.in = nil
	if cap(p.out) > maxKeptBytes {
		p.out = nil
	}
	if cap(p.scratch) > maxKeptBytes {
		p.scratch = nil
	}
	if cap(p.members) > maxKeptMembers {
		p.members = nil
	}
	if cap(p.order) > maxKeptMembers {
		p.order = nil
	}
	parsers.Put(p)
}

// parser is a recursive descent JSON parser that writes the JSON.stringify
// form of its input while it reads. Objects are written in input order
// first, then rewritten in place when ECMAScript's key order or a duplicate
// key requires it.
type parser struct {
	in  []byte
	pos int
	out []byte

	// members is a stack of the members of every object being parsed. An
	// object's members start at the length the stack had when it opened.
	members []member
	// scratch is a copy of an object's members while they are rewritten.
	scratch []byte
	// order is a list of indices into one object's members, for sorting.
	order []int32
}

// member is one key and value of an object, as offsets into parser.out.
type member struct {
	keyStart, keyEnd     int // the quoted key
	valueStart, valueEnd int
	index                uint32 // the key's numeric value when isIndex
	isIndex              bool   // the key is an array index
	// replaced marks a repeated key, whose value now belongs to the key's
	// first occurrence.
	replaced bool
}

// stringify appends the JSON.stringify form of text to out and returns the
// extended buffer.
func (p *parser) stringify(out, text []byte) ([]byte, error) {
	p.in = text
	p.pos = 0
	p.out = out
	p.members = p.members[:0]

	if bytes.HasPrefix(text, []byte("\uFEFF")) {
		p.pos = len("\uFEFF")
	}

	p.skipWhitespace()
	if err := p.parseValue(0); err != nil {
		return p.out, err
	}
	p.skipWhitespace()
	if p.pos < len(p.in) {
		return p.out, p.errorf("invalid character %s after top-level value", describeByte(p.in[p.pos]))
	}
	return p.out, nil
}

// syntaxError describes invalid JSON and the byte offset where it was found.
type syntaxError struct {
	offset int
	msg    string
}

func (e *syntaxError) Error() string {
	return "signature: " + e.describe()
}

// describe returns the error message without the package prefix.
func (e *syntaxError) describe() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.offset, e.msg)
}

func (p *parser) errorf(format string, args ...any) error {
	return &syntaxError{offset: p.pos, msg: fmt.Sprintf(format, args...)}
}

// describeByte quotes c for an error message, as a character when it is
// printable ASCII and as a hex byte otherwise.
func describeByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// skipWhitespace skips the four whitespace characters that JSON allows.
func (p *parser) skipWhitespace() {
	for p.pos < len(p.in) {
		switch p.in[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// parseValue parses the value at p.pos, which is not whitespace. Depth is
// the number of arrays and objects that enclose the value.
func (p *parser) parseValue(depth int) error {
	if p.pos >= len(p.in) {
		return p.errorf("unexpected end of input, want a value")
	}

	switch c := p.in[p.pos]; c {
	case '{':
		return p.parseObject(depth + 1)
	case '[':
		return p.parseArray(depth + 1)
	case '"':
		return p.parseString()
	case 't':
		return p.parseLiteral("true")
	case 'f':
		return p.parseLiteral("false")
	case 'n':
		return p.parseLiteral("null")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return p.parseNumber()
		}
		return p.errorf("invalid character %s, want a value", describeByte(c))
	}
}

func (p *parser) parseLiteral(literal string) error {
	if !bytes.HasPrefix(p.in[p.pos:], []byte(literal)) {
		return p.errorf("invalid literal, want %s", literal)
	}
	p.out = append(p.out, literal...)
	p.pos += len(literal)
	return nil
}

func (p *parser) parseArray(depth int) error {
	if depth > maxDepth {
		return p.errorf("arrays and objects nested deeper than %d levels", maxDepth)
	}
	p.pos++ // '['
	p.out = append(p.out, '[')

	p.skipWhitespace()
	if p.pos < len(p.in) && p.in[p.pos] == ']' {
		p.pos++
		p.out = append(p.out, ']')
		return nil
	}

	for {
		p.skipWhitespace()
		if err := p.parseValue(depth); err != nil {
			return err
		}

		p.skipWhitespace()
		if p.pos >= len(p.in) {
			return p.errorf("unexpected end of input in array, want ',' or ']'")
		}
		switch c := p.in[p.pos]; c {
		case ',':
			p.pos++
			p.out = append(p.out, ',')
		case ']':
			p.pos++
			p.out = append(p.out, ']')
			return nil
		default:
			return p.errorf("invalid character %s in array, want ',' or ']'", describeByte(c))
		}
	}
}

func (p *parser) parseObject(depth int) error {
	if depth > maxDepth {
		return p.errorf("arrays and objects nested deeper than %d levels", maxDepth)
	}
	p.pos++ // '{'
	p.out = append(p.out, '{')
	bodyStart := len(p.out)
	first := len(p.members)

	p.skipWhitespace()
	if p.pos < len(p.in) && p.in[p.pos] == '}' {
		p.pos++
		p.out = append(p.out, '}')
		return nil
	}

	for {
		// Key.
		p.skipWhitespace()
		if p.pos >= len(p.in) {
			return p.errorf("unexpected end of input in object, want a key")
		}
		if c := p.in[p.pos]; c != '"' {
			return p.errorf("invalid character %s in object, want a string key", describeByte(c))
		}
		m := member{keyStart: len(p.out)}
		if err := p.parseString(); err != nil {
			return err
		}
		m.keyEnd = len(p.out)
		m.index, m.isIndex = parseArrayIndex(p.out[m.keyStart+1 : m.keyEnd-1])

		// Colon and value.
		p.skipWhitespace()
		if p.pos >= len(p.in) {
			return p.errorf("unexpected end of input in object, want ':'")
		}
		if c := p.in[p.pos]; c != ':' {
			return p.errorf("invalid character %s after object key, want ':'", describeByte(c))
		}
		p.pos++
		p.out = append(p.out, ':')
		m.valueStart = len(p.out)
		p.skipWhitespace()
		if err := p.parseValue(depth); err != nil {
			return err
		}
		m.valueEnd = len(p.out)
		p.members = append(p.members, m)

		// Separator or end.
		p.skipWhitespace()
		if p.pos >= len(p.in) {
			return p.errorf("unexpected end of input in object, want ',' or '}'")
		}
		c := p.in[p.pos]
		if c == ',' {
			p.pos++
			p.out = append(p.out, ',')
			continue
		}
		if c != '}' {
			return p.errorf("invalid character %s in object, want ',' or '}'", describeByte(c))
		}
		p.pos++
		break
	}

	p.orderMembers(first, bodyStart)
	p.members = p.members[:first]
	p.out = append(p.out, '}')
	return nil
}

// parseArrayIndex reports whether key, the contents of a JSON.stringify
// string, is the canonical decimal form of an ECMAScript array index: "0" or
// a digit string without a leading zero, at most 2^32 - 2.
func parseArrayIndex(key []byte) (uint32, bool) {
	if len(key) == 0 || len(key) > len("4294967294") || (key[0] == '0' && len(key) > 1) {
		return 0, false
	}
	var n uint64
	for _, c := range key {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if n > maxArrayIndex {
		return 0, false
	}
	return uint32(n), true
}

// orderMembers rewrites the members of the object whose body starts at
// p.out[bodyStart] into ECMAScript's property order, keeping each repeated
// key at its first position with its last value. Members are p.members[first:].
// When the members are already in that order, p.out is left as it is.
func (p *parser) orderMembers(first, bodyStart int) {
	members := p.members[first:]
	replaced := p.markRepeatedKeys(members)

	// Array indices must come first and in ascending order.
	ordered := true
	seenName := false
	next := uint64(0) // the smallest index allowed next
	for _, m := range members {
		if m.replaced {
			continue
		}
		if !m.isIndex {
			seenName = true
			continue
		}
		if seenName || uint64(m.index) < next {
			ordered = false
			break
		}
		next = uint64(m.index) + 1
	}
	if ordered && !replaced {
		return
	}

	// Indices in numeric order, then the other keys in insertion order.
	p.order = p.order[:0]
	for i, m := range members {
		if m.isIndex && !m.replaced {
			p.order = append(p.order, int32(i))
		}
	}
	slices.SortFunc(p.order, func(a, b int32) int {
		return cmp.Compare(members[a].index, members[b].index)
	})
	for i, m := range members {
		if !m.isIndex && !m.replaced {
			p.order = append(p.order, int32(i))
		}
	}

	// Write the members again from a copy of the object's body.
	p.scratch = append(p.scratch[:0], p.out[bodyStart:]...)
	p.out = p.out[:bodyStart]
	for n, i := range p.order {
		m := members[i]
		if n > 0 {
			p.out = append(p.out, ',')
		}
		p.out = append(p.out, p.scratch[m.keyStart-bodyStart:m.keyEnd-bodyStart]...)
		p.out = append(p.out, ':')
		p.out = append(p.out, p.scratch[m.valueStart-bodyStart:m.valueEnd-bodyStart]...)
	}
}

// markRepeatedKeys gives the first occurrence of each repeated key the value
// of its last occurrence and marks the later occurrences replaced, as
// JSON.parse does when it assigns a property that already exists. It reports
// whether any key was repeated.
func (p *parser) markRepeatedKeys(members []member) bool {
	key := func(m *member) []byte { return p.out[m.keyStart:m.keyEnd] }
	replaced := false

	if len(members) <= maxSmallObject {
		for i := 1; i < len(members); i++ {
			for j := range i {
				if members[j].replaced || !bytes.Equal(key(&members[i]), key(&members[j])) {
					continue
				}
				members[j].valueStart = members[i].valueStart
				members[j].valueEnd = members[i].valueEnd
				members[i].replaced = true
				replaced = true
				break
			}
		}
		return replaced
	}

	// Sort by key, then by position, so that each run of equal keys starts
	// with the first occurrence and ends with the last.
	p.order = p.order[:0]
	for i := range members {
		p.order = append(p.order, int32(i))
	}
	slices.SortFunc(p.order, func(a, b int32) int {
		if c := bytes.Compare(key(&members[a]), key(&members[b])); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for start := 0; start < len(p.order); {
		end := start + 1
		for end < len(p.order) && bytes.Equal(key(&members[p.order[start]]), key(&members[p.order[end]])) {
			end++
		}
		if end-start > 1 {
			firstSeen := &members[p.order[start]]
			lastSeen := &members[p.order[end-1]]
			firstSeen.valueStart = lastSeen.valueStart
			firstSeen.valueEnd = lastSeen.valueEnd
			for _, i := range p.order[start+1 : end] {
				members[i].replaced = true
			}
			replaced = true
		}
		start = end
	}
	return replaced
}

// parseNumber parses a JSON number and writes it as Number::toString would.
func (p *parser) parseNumber() error {
	start := p.pos
	if p.in[p.pos] == '-' {
		p.pos++
	}

	// Integer part: 0 or a digit string without a leading zero.
	intStart := p.pos
	switch {
	case p.pos >= len(p.in):
		return p.errorf("unexpected end of input in number")
	case p.in[p.pos] == '0':
		p.pos++
	case p.in[p.pos] >= '1' && p.in[p.pos] <= '9':
		p.skipDigits()
	default:
		return p.errorf("invalid character %s in number, want a digit", describeByte(p.in[p.pos]))
	}
	intDigits := p.pos - intStart

	// Fraction and exponent.
	integer := true
	if p.pos < len(p.in) && p.in[p.pos] == '.' {
		integer = false
		p.pos++
		if err := p.requireDigits("fraction"); err != nil {
			return err
		}
	}
	if p.pos < len(p.in) && (p.in[p.pos] == 'e' || p.in[p.pos] == 'E') {
		integer = false
		p.pos++
		if p.pos < len(p.in) && (p.in[p.pos] == '+' || p.in[p.pos] == '-') {
			p.pos++
		}
		if err := p.requireDigits("exponent"); err != nil {
			return err
		}
	}
	text := p.in[start:p.pos]

	// An integer of at most 15 digits is exactly a float64, and
	// Number::toString prints it as written, except that -0 becomes 0.
	if integer && intDigits <= 15 {
		if len(text) == 2 && text[0] == '-' && text[1] == '0' {
			text = text[1:]
		}
		p.out = append(p.out, text...)
		return nil
	}

	// ParseFloat rounds correctly, as JSON.parse does. Overflow returns ±Inf
	// with ErrRange, and underflow returns ±0.
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return p.errorf("invalid number: %v", err)
	}
	p.out = appendNumber(p.out, f)
	return nil
}

func (p *parser) skipDigits() {
	for p.pos < len(p.in) && p.in[p.pos] >= '0' && p.in[p.pos] <= '9' {
		p.pos++
	}
}

// requireDigits skips one or more digits of a number's part.
func (p *parser) requireDigits(part string) error {
	start := p.pos
	p.skipDigits()
	if p.pos == start {
		if p.pos >= len(p.in) {
			return p.errorf("unexpected end of input in number %s", part)
		}
		return p.errorf("invalid character %s in number %s, want a digit", describeByte(p.in[p.pos]), part)
	}
	return nil
}
