package actions

import (
	"strings"
	"unicode/utf8"
)

// Split cuts text into pieces of at most limit UTF-16 code units each, the
// unit the platform counts in. It cuts after the last line break of a piece
// when there is one, else after the last space, else between two characters;
// it never cuts inside a character, so a surrogate pair stays whole. The
// pieces rejoin to text.
func Split(text string, limit int) []string {
	if limit < 2 {
		limit = 2 // room for one surrogate pair
	}
	var pieces []string
	for UTF16Len(text) > limit {
		// Find the byte offset where the piece reaches the limit.
		end, units := 0, 0
		for end < len(text) {
			r, size := utf8.DecodeRuneInString(text[end:])
			n := 1
			if r >= 0x10000 {
				n = 2
			}
			if units+n > limit {
				break
			}
			units += n
			end += size
		}
		cut := end
		if i := strings.LastIndexByte(text[:end], '\n'); i > 0 {
			cut = i + 1
		} else if i := strings.LastIndexByte(text[:end], ' '); i > 0 {
			cut = i + 1
		}
		pieces = append(pieces, text[:cut])
		text = text[cut:]
	}
	if text != "" || len(pieces) == 0 {
		pieces = append(pieces, text)
	}
	return pieces
}

// UTF16Len returns the length of s in UTF-16 code units, the unit the
// platform's JavaScript counts message length in.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
