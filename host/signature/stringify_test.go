package signature_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bubblehost/bubblehost/host/signature"
)

// stringifyCase is one entry of testdata/stringify.json, which
// testdata/stringify_cases.js writes by running Node.
type stringifyCase struct {
	Name string `json:"name"`
	// Input is the input as text, or InputHex its bytes when they are not
	// valid UTF-8.
	Input    string `json:"input"`
	InputHex string `json:"inputHex"`
	// Want is Node's output. When NodeError is set, Node threw instead.
	Want      string `json:"want"`
	NodeError string `json:"nodeError"`
}

func readStringifyCases(t *testing.T) []stringifyCase {
	t.Helper()
	data, err := os.ReadFile("testdata/stringify.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []stringifyCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("testdata/stringify.json: %v", err)
	}
	return cases
}

func (c stringifyCase) input(t *testing.T) []byte {
	t.Helper()
	if c.InputHex == "" {
		return []byte(c.Input)
	}
	input, err := hex.DecodeString(c.InputHex)
	if err != nil {
		t.Fatalf("inputHex: %v", err)
	}
	return input
}

func TestStringifyGolden(t *testing.T) {
	for _, tt := range readStringifyCases(t) {
		t.Run(tt.Name, func(t *testing.T) {
			have, err := signature.Stringify(tt.input(t))
			if tt.NodeError != "" {
				if err == nil {
					t.Fatalf("have %q, want an error as Node threw %q", have, tt.NodeError)
				}
				if !strings.Contains(err.Error(), "at offset ") {
					t.Errorf("error %q does not name the offset", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("have error %v, want %q", err, tt.Want)
			}
			if string(have) != tt.Want {
				t.Errorf("have %q\nwant %q", have, tt.Want)
			}
		})
	}
}

func TestStringifyErrorOffset(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"empty", "", "signature: invalid JSON at offset 0: unexpected end of input, want a value"},
		{"trailing comma", "[1,]", "signature: invalid JSON at offset 3: invalid character ']', want a value"},
		{"second value", `{} {}`, "signature: invalid JSON at offset 3: invalid character '{' after top-level value"},
		{"control character", "[\"a\x01\"]", "signature: invalid JSON at offset 3: control character byte 0x01 in string, want an escape sequence"},
		{"bad escape", `"\q"`, `signature: invalid JSON at offset 2: invalid escape character 'q' in string`},
		{"bad unicode escape", `"ab\u00G0"`, `signature: invalid JSON at offset 5: invalid \u escape in string, want 4 hex digits`},
		{"fraction", "1.x", "signature: invalid JSON at offset 2: invalid character 'x' in number fraction, want a digit"},
		{"literal", "[nul]", "signature: invalid JSON at offset 1: invalid literal, want null"},
		{"invalid UTF-8 outside string", "[\xff]", "signature: invalid JSON at offset 1: invalid character byte 0xff, want a value"},
		{"depth", strings.Repeat("[", 10001), "signature: invalid JSON at offset 10000: arrays and objects nested deeper than 10000 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := signature.Stringify([]byte(tt.input))
			if err == nil {
				t.Fatalf("have %q, want error %q", out, tt.want)
			}
			if have := err.Error(); have != tt.want {
				t.Errorf("have %q, want %q", have, tt.want)
			}
		})
	}
}

func TestStringifyMaxDepth(t *testing.T) {
	input := strings.Repeat(`{"a":[`, 5000) + strings.Repeat("]}", 5000)

	have, err := signature.Stringify([]byte(input))
	if err != nil {
		t.Fatalf("have error %v at 10000 levels, want output", err)
	}
	if string(have) != input {
		t.Errorf("have %d bytes, want the input back unchanged", len(have))
	}
}

func TestStringifyEvents(t *testing.T) {
	// A compact body in JavaScript's key order is its own stringify form.
	body := readEvent(t)

	have, err := signature.Stringify(body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, body) {
		t.Errorf("have %s\nwant %s", have, body)
	}
}

// crossCheckScript reads a JSON array of base64 documents on stdin and
// writes, for each, what JSON.stringify(JSON.parse(text)) returns or that it
// threw. The text is decoded as Stringify decodes it.
const crossCheckScript = `
const docs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const decoder = new TextDecoder();
const results = docs.map((doc) => {
  try {
    return { want: JSON.stringify(JSON.parse(decoder.decode(Buffer.from(doc, 'base64')))) };
  } catch (err) {
    return { error: err.message };
  }
});
process.stdout.write(JSON.stringify(results));
`

func TestStringifyMatchesNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}

	const count = 500
	generator := newDocumentGenerator(1)
	docs := make([][]byte, count)
	encoded := make([]string, count)
	for i := range docs {
		docs[i] = generator.document()
		encoded[i] = base64.StdEncoding.EncodeToString(docs[i])
	}
	stdin, err := json.Marshal(encoded)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "-e", crossCheckScript)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var results []struct {
		Want  *string `json:"want"`
		Error string  `json:"error"`
	}
	if err := json.Unmarshal(stdout, &results); err != nil {
		t.Fatalf("node output: %v", err)
	}
	if len(results) != count {
		t.Fatalf("node returned %d results, want %d", len(results), count)
	}

	failures := 0
	for i, result := range results {
		have, err := signature.Stringify(docs[i])
		switch {
		case result.Want == nil && err == nil:
			t.Errorf("document %d %q: have %q, want an error as Node threw %q", i, docs[i], have, result.Error)
		case result.Want != nil && err != nil:
			t.Errorf("document %d %q: have error %v, want %q", i, docs[i], err, *result.Want)
		case result.Want != nil && string(have) != *result.Want:
			t.Errorf("document %d %q:\nhave %q\nwant %q", i, docs[i], have, *result.Want)
		default:
			continue
		}
		if failures++; failures == 10 {
			t.Fatal("stopping after 10 differences")
		}
	}
}

// documentGenerator writes pseudo-random JSON documents that exercise what
// Stringify must get right: key order, repeated keys, escapes, surrogates,
// invalid UTF-8 and the whole range of numbers. A small share of documents
// is invalid.
type documentGenerator struct {
	rng *rand.Rand
	buf []byte
}

func newDocumentGenerator(seed uint64) *documentGenerator {
	return &documentGenerator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// chance returns true with probability p.
func (g *documentGenerator) chance(p float64) bool {
	return g.rng.Float64() < p
}

func (g *documentGenerator) document() []byte {
	g.buf = g.buf[:0]
	if g.chance(0.02) {
		g.buf = append(g.buf, "\uFEFF"...)
	}
	g.whitespace()
	g.value(0)
	g.whitespace()

	if g.chance(0.03) && len(g.buf) > 1 {
		// Break the document: cut it short, or add a stray byte.
		if g.chance(0.5) {
			g.buf = g.buf[:g.rng.IntN(len(g.buf))]
		} else {
			const stray = ",]}:\"\\x\x01\xff"
			at := g.rng.IntN(len(g.buf))
			g.buf = slices.Insert(g.buf, at, stray[g.rng.IntN(len(stray))])
		}
	}
	return bytes.Clone(g.buf)
}

func (g *documentGenerator) whitespace() {
	for g.chance(0.15) {
		g.buf = append(g.buf, " \t\n\r"[g.rng.IntN(4)])
	}
}

func (g *documentGenerator) value(depth int) {
	kind := g.rng.IntN(10)
	if depth >= 5 && kind < 4 {
		kind += 4
	}
	switch kind {
	case 0, 1:
		g.object(depth + 1)
	case 2, 3:
		g.array(depth + 1)
	case 4, 5:
		g.str(g.randomText())
	case 6, 7:
		g.number()
	default:
		g.buf = append(g.buf, []string{"true", "false", "null"}[g.rng.IntN(3)]...)
	}
}

func (g *documentGenerator) array(depth int) {
	g.buf = append(g.buf, '[')
	n := g.rng.IntN(6)
	for i := range n {
		if i > 0 {
			g.buf = append(g.buf, ',')
		}
		g.whitespace()
		g.value(depth)
		g.whitespace()
	}
	if n == 0 {
		g.whitespace()
	}
	g.buf = append(g.buf, ']')
}

// keyPool contains keys that are array indices, keys that only look like
// integers, and keys that need escaping. Drawing from a small pool makes
// repeated keys common.
var keyPool = []string{
	"0", "1", "2", "7", "10", "42", "99", "100", "4294967294",
	"4294967295", "4294967296", "01", "-1", "1.0", "1e3", " 1", "",
	"a", "b", "type", "data", "id", "__proto__", "é", "😀", "\u2028", "\x00", "\"q\"",
}

func (g *documentGenerator) object(depth int) {
	g.buf = append(g.buf, '{')
	n := g.rng.IntN(8)
	if g.chance(0.1) {
		n = 17 + g.rng.IntN(30) // large enough to sort keys to find repeats
	}
	for i := range n {
		if i > 0 {
			g.buf = append(g.buf, ',')
		}
		g.whitespace()
		if g.chance(0.8) {
			g.str(keyPool[g.rng.IntN(len(keyPool))])
		} else {
			g.str(g.randomText())
		}
		g.whitespace()
		g.buf = append(g.buf, ':')
		g.whitespace()
		g.value(depth)
		g.whitespace()
	}
	if n == 0 {
		g.whitespace()
	}
	g.buf = append(g.buf, '}')
}

// randomText returns a string of UTF-16 code units, in which a surrogate may
// stand alone. Code points above U+FFFF are written as surrogate pairs.
func (g *documentGenerator) randomText() []uint16 {
	var units []uint16
	for range g.rng.IntN(8) {
		switch g.rng.IntN(8) {
		case 0, 1, 2:
			units = append(units, uint16('a'+g.rng.IntN(26)))
		case 3:
			units = append(units, uint16(g.rng.IntN(0x80))) // ASCII with controls
		case 4:
			units = append(units, uint16(0x80+g.rng.IntN(0xd800-0x80)))
		case 5:
			units = append(units, uint16(0xd800+g.rng.IntN(0x800))) // lone surrogate
		case 6:
			r := rune(0x10000 + g.rng.IntN(0x100000))
			r -= 0x10000
			units = append(units, uint16(0xd800+r>>10), uint16(0xdc00+r&0x3ff))
		default:
			units = append(units, uint16(0xe000+g.rng.IntN(0x2000)))
		}
	}
	return units
}

// invalidUTF8 lists byte sequences that a UTF-8 decoder replaces.
var invalidUTF8 = []string{
	"\x80", "\xbf", "\xc0\x80", "\xc2", "\xe2\x82", "\xed\xa0\x80", "\xf0\x9f\x98",
	"\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xfe", "\xff", "\xe0\x80\x80",
}

// str writes units as a JSON string, choosing per code unit between the raw
// UTF-8 form and each allowed escape.
func (g *documentGenerator) str(units any) {
	var text []uint16
	switch units := units.(type) {
	case string:
		for _, r := range units {
			if r >= 0x10000 {
				r -= 0x10000
				text = append(text, uint16(0xd800+r>>10), uint16(0xdc00+r&0x3ff))
			} else {
				text = append(text, uint16(r))
			}
		}
	case []uint16:
		text = units
	}

	g.buf = append(g.buf, '"')
	for i := 0; i < len(text); i++ {
		unit := text[i]
		isPair := unit >= 0xd800 && unit <= 0xdbff && i+1 < len(text) && text[i+1] >= 0xdc00 && text[i+1] <= 0xdfff
		switch {
		case g.chance(0.02):
			g.buf = append(g.buf, invalidUTF8[g.rng.IntN(len(invalidUTF8))]...)
			i--
			continue
		case isPair && g.chance(0.5):
			r := 0x10000 + (rune(unit)-0xd800)<<10 + rune(text[i+1]-0xdc00)
			g.buf = utf8.AppendRune(g.buf, r)
			i++
		case unit < 0x20 || unit == '"' || unit == '\\' || (unit >= 0xd800 && unit <= 0xdfff) || g.chance(0.2):
			g.escape(unit)
		default:
			g.buf = utf8.AppendRune(g.buf, rune(unit))
		}
	}
	g.buf = append(g.buf, '"')
}

func (g *documentGenerator) escape(unit uint16) {
	short := map[uint16]string{'"': `\"`, '\\': `\\`, '/': `\/`, '\b': `\b`, '\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`}
	if s, ok := short[unit]; ok && g.chance(0.5) {
		g.buf = append(g.buf, s...)
		return
	}
	format := "\\u%04x"
	if g.chance(0.5) {
		format = "\\u%04X"
	}
	g.buf = fmt.Appendf(g.buf, format, unit)
}

func (g *documentGenerator) number() {
	switch g.rng.IntN(8) {
	case 0:
		g.buf = strconv.AppendInt(g.buf, g.rng.Int64N(2000)-1000, 10)
	case 1:
		// Integers of up to 25 digits, around and past 2^53.
		if g.chance(0.3) {
			g.buf = append(g.buf, '-')
		}
		g.buf = append(g.buf, byte('1'+g.rng.IntN(9)))
		for range g.rng.IntN(25) {
			g.buf = append(g.buf, byte('0'+g.rng.IntN(10)))
		}
	case 2:
		// Any finite float64, written in its shortest form.
		f := math.Float64frombits(g.rng.Uint64())
		for math.IsInf(f, 0) || math.IsNaN(f) {
			f = math.Float64frombits(g.rng.Uint64())
		}
		g.buf = strconv.AppendFloat(g.buf, f, "eEg"[g.rng.IntN(3)], -1, 64)
	case 3:
		// A decimal fraction with an exponent near the ends of the range.
		g.buf = fmt.Appendf(g.buf, "%d.%de%d", g.rng.IntN(100), g.rng.IntN(1000000), g.rng.IntN(800)-400)
	case 4:
		// Exponents around the switch to exponential notation.
		g.buf = fmt.Appendf(g.buf, "%de%+03d", 1+g.rng.IntN(999), g.rng.IntN(50)-25)
	case 5:
		g.buf = append(g.buf, []string{"-0", "0", "-0.0", "0e0", "1E400", "-1e400", "1e-400", "5e-324", "0.1", "1.7976931348623157e308"}[g.rng.IntN(10)]...)
	case 6:
		// Many digits, to test rounding.
		g.buf = append(g.buf, "0."...)
		for range 10 + g.rng.IntN(30) {
			g.buf = append(g.buf, byte('0'+g.rng.IntN(10)))
		}
	default:
		g.buf = strconv.AppendFloat(g.buf, g.rng.Float64()*math.Pow(10, float64(g.rng.IntN(40)-20)), 'f', -1, 64)
	}
}
