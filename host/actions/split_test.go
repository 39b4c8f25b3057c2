package actions_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bubblehost/bubblehost/host/actions"
)

// utf16Units returns the length of s in UTF-16 code units, as JavaScript's
// String.prototype.length counts it.
func utf16Units(s string) int {
	return len(utf16.Encode([]rune(s)))
}

// chineseText returns n characters of Chinese text, one UTF-16 unit each,
// with a line break after every lineLength characters when lineLength > 0.
func chineseText(n, lineLength int) string {
	const sentence = "机器人收到消息后立即回复，并把长文本切成几段发送。"
	runes := []rune(sentence)
	var b strings.Builder
	for i := range n {
		if lineLength > 0 && i > 0 && i%lineLength == 0 {
			b.WriteByte('\n')
		}
		b.WriteRune(runes[i%len(runes)])
	}
	return b.String()
}

// checkPieces fails the test unless pieces rejoin to text and each piece is
// non-empty, valid UTF-8 and at most limit UTF-16 units long.
func checkPieces(t *testing.T, text string, limit int, pieces []string) {
	t.Helper()
	if have := strings.Join(pieces, ""); have != text {
		t.Errorf("pieces rejoined: have %d bytes, want the original %d bytes", len(have), len(text))
	}
	for i, p := range pieces {
		if units := utf16Units(p); units > limit {
			t.Errorf("piece %d: have %d UTF-16 units, want at most %d", i, units, limit)
		}
		if !utf8.ValidString(p) {
			t.Errorf("piece %d is not valid UTF-8", i)
		}
		if p == "" && text != "" {
			t.Errorf("piece %d is empty", i)
		}
	}
}

func TestSplit(t *testing.T) {
	emoji := "😀" // U+1F600, a surrogate pair in UTF-16

	tests := []struct {
		name  string
		text  string
		limit int
		// wantUnits are the pieces' lengths in UTF-16 units.
		wantUnits []int
		// wantSuffix, when set, ends every piece but the last.
		wantSuffix string
	}{
		{
			name:      "empty",
			text:      "",
			limit:     actions.MaxMessageChars,
			wantUnits: []int{0},
		},
		{
			name:      "short",
			text:      "pong",
			limit:     actions.MaxMessageChars,
			wantUnits: []int{4},
		},
		{
			name:      "exactly the limit",
			text:      chineseText(2000, 0),
			limit:     actions.MaxMessageChars,
			wantUnits: []int{2000},
		},
		{
			name:      "4000 Chinese characters without line breaks",
			text:      chineseText(4000, 0),
			limit:     actions.MaxMessageChars,
			wantUnits: []int{2000, 2000},
		},
		{
			// A line is 30 characters and a line break, 31 units, so a
			// piece holds 64 whole lines (1984 units). The text has 133
			// line breaks, 4133 units in all.
			name:       "4000 Chinese characters in lines",
			text:       chineseText(4000, 30),
			limit:      actions.MaxMessageChars,
			wantUnits:  []int{64 * 31, 64 * 31, 4000 + 133 - 2*64*31},
			wantSuffix: "\n",
		},
		{
			name:       "line break preferred over a later space",
			text:       strings.Repeat("a", 10) + "\n" + strings.Repeat("b", 5) + " " + strings.Repeat("c", 10),
			limit:      20,
			wantUnits:  []int{11, 16},
			wantSuffix: "\n",
		},
		{
			name:       "space when there is no line break",
			text:       strings.Repeat("word ", 10),
			limit:      12,
			wantUnits:  []int{10, 10, 10, 10, 10},
			wantSuffix: " ",
		},
		{
			name:      "emoji at the cut moves whole to the next piece",
			text:      strings.Repeat("a", 1999) + emoji + "b",
			limit:     actions.MaxMessageChars,
			wantUnits: []int{1999, 3},
		},
		{
			name:      "emoji only",
			text:      strings.Repeat(emoji, 1500),
			limit:     actions.MaxMessageChars,
			wantUnits: []int{2000, 1000},
		},
		{
			name:      "emoji after an odd number of units",
			text:      "a" + strings.Repeat(emoji, 3),
			limit:     4,
			wantUnits: []int{3, 4},
		},
		{
			name:      "limit below one surrogate pair is raised to 2",
			text:      emoji + emoji,
			limit:     1,
			wantUnits: []int{2, 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pieces := actions.Split(tt.text, tt.limit)

			checkPieces(t, tt.text, max(tt.limit, 2), pieces)
			units := make([]int, len(pieces))
			for i, p := range pieces {
				units[i] = utf16Units(p)
			}
			if !slices.Equal(units, tt.wantUnits) {
				t.Errorf("piece lengths in UTF-16 units: have %v, want %v", units, tt.wantUnits)
			}
			if tt.wantSuffix != "" {
				for i, p := range pieces[:len(pieces)-1] {
					if !strings.HasSuffix(p, tt.wantSuffix) {
						t.Errorf("piece %d ends with %q, want %q", i, lastRunes(p, 3), tt.wantSuffix)
					}
				}
			}
		})
	}
}

func TestSplitKeepsEmojiWhole(t *testing.T) {
	// Text without spaces or line breaks, so every cut falls between two
	// characters, with the emoji at each offset against the cut.
	const emoji, limit, count = "🌸", 7, 10
	for prefix := range limit + 1 {
		text := strings.Repeat("字", prefix) + strings.Repeat(emoji+"字", count)
		pieces := actions.Split(text, limit)

		checkPieces(t, text, limit, pieces)
		whole := 0
		for _, p := range pieces {
			whole += strings.Count(p, emoji)
		}
		if whole != count {
			t.Errorf("prefix of %d characters: have %d whole emoji in the pieces, want %d", prefix, whole, count)
		}
	}
}

// lastRunes returns the last n characters of s, for failure messages.
func lastRunes(s string, n int) string {
	runes := []rune(s)
	return string(runes[max(0, len(runes)-n):])
}
