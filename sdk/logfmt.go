package sdk

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// The SDK renders a log call's key/value pairs into the message text itself,
// in the key=value form that log/slog's TextHandler writes:
//
//	reply sent channel=5 content="hello there"
//
// Importing log/slog instead would add about 260 KB to every plugin module.

// badKey is the key written for an argument that is not a string key, as
// log/slog does.
const badKey = "!BADKEY"

// appendRecord appends msg and the key/value pairs in args to dst. Keys are
// strings at even positions. An argument in a key's position that is not a
// string is written as a value under badKey, and so is a final key without
// a value.
func appendRecord(dst []byte, msg string, args []any) []byte {
	dst = append(dst, msg...)
	for len(args) > 0 {
		key, ok := args[0].(string)
		var value any
		if ok && len(args) > 1 {
			value = args[1]
			args = args[2:]
		} else {
			key = badKey
			value = args[0]
			args = args[1:]
		}

		if len(dst) > 0 {
			dst = append(dst, ' ')
		}
		dst = appendText(dst, key)
		dst = append(dst, '=')
		dst = appendText(dst, formatValue(value))
	}
	return dst
}

// formatValue returns v as log text: a time in RFC 3339, anything else as
// fmt.Sprint formats it, which uses the Error and String methods.
func formatValue(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return v.Format(time.RFC3339Nano)
	}
	// fmt calls Error and String methods and recovers if they panic.
	return fmt.Sprint(v)
}

// appendText appends s, quoted with Go escapes when it is empty or contains
// a space, '=', '"', a backslash, a character that is not printable or
// invalid UTF-8, so that every key and value stays one token.
func appendText(dst []byte, s string) []byte {
	if needsQuoting(s) {
		return strconv.AppendQuote(dst, s)
	}
	return append(dst, s...)
}

func needsQuoting(s string) bool {
	if s == "" {
		return true
	}
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			// A literal U+FFFD is fine, but a decoding error is not.
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return true
			}
		case r == ' ' || r == '=' || r == '"' || r == '\\':
			return true
		case !strconv.IsPrint(r):
			return true
		}
	}
	return false
}
