// Package i18n holds every string that the bubblehost command shows a
// person (help, usage, errors, the demo's instructions) in English and in
// Chinese, and picks the language from the locale environment variables.
// Log messages are not translated.
package i18n

import (
	"fmt"
	"strings"
)

// Lang is a language that the command's messages exist in.
type Lang int

const (
	English Lang = iota
	Chinese
)

// ID names one message in the table.
type ID string

// Text is one message in both languages. Both are fmt formats that take the
// same arguments in the same order.
type Text struct {
	En string
	Zh string
}

// Detect returns the language of the POSIX message locale: the first
// non-empty one of LC_ALL, LC_MESSAGES and LANG. A value starting with "zh"
// (such as zh_CN.UTF-8) selects Chinese, any other value English.
func Detect(getenv func(string) string) Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		value := getenv(name)
		if value == "" {
			continue
		}
		if strings.HasPrefix(value, "zh") {
			return Chinese
		}
		return English
	}
	return English
}

// Printer formats messages in one language.
type Printer struct {
	Lang Lang
}

// Sprintf formats message id with args. An id missing from the table
// formats as the id and its arguments, so a typo shows up instead of
// printing nothing.
func (p Printer) Sprintf(id ID, args ...any) string {
	text, ok := messages[id]
	if !ok {
		return fmt.Sprint(append([]any{string(id)}, args...)...)
	}

	format := text.En
	if p.Lang == Chinese {
		format = text.Zh
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// Messages returns a copy of the whole table, for tests that check it.
func Messages() map[ID]Text {
	table := make(map[ID]Text, len(messages))
	for id, text := range messages {
		table[id] = text
	}
	return table
}
