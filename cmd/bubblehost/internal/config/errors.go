package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
)

// SourceKind is the kind of origin of a configuration value: the file, an
// environment variable or a flag.
type SourceKind int

const (
	// SourceNone is a value that no source set, such as a missing key.
	SourceNone SourceKind = iota
	// SourceFile is the YAML config file. Source.Name is its path.
	SourceFile
	// SourceEnv is an environment variable. Source.Name is the variable.
	SourceEnv
	// SourceFlag is a command-line flag. Source.Name is the flag's name.
	SourceFlag
)

// Source is the origin of a configuration value, shown in its errors.
type Source struct {
	Kind SourceKind
	Name string
}

// Describe returns the source as an error message shows it: the file's
// path, "environment variable NAME" or "flag --name".
func (s Source) Describe(p i18n.Printer) string {
	switch s.Kind {
	case SourceFile:
		return s.Name
	case SourceEnv:
		return p.Sprintf(i18n.CfgSourceEnv, s.Name)
	case SourceFlag:
		return p.Sprintf(i18n.CfgSourceFlag, s.Name)
	default:
		return p.Sprintf(i18n.CfgSourceDefault)
	}
}

// Error is one problem with one configuration key.
type Error struct {
	Source Source
	// Key is the dotted key path, such as tenants.demo.signature, with a
	// list index in brackets where the problem is one entry. It is empty
	// for a problem with the whole source, such as a file that cannot be
	// read.
	Key     string
	Message i18n.ID
	// Args are the message's arguments. A value wrapped in shownValue is
	// replaced by "(hidden)" when Key names a secret or a token.
	Args []any
}

// shownValue is a configuration value quoted in an error message.
type shownValue struct {
	value any
}

// localText is a message argument that is itself a message id, such as a
// type name, to be shown in the error's language.
type localText i18n.ID

// Localize formats e as "source: key: message" in p's language.
func (e *Error) Localize(p i18n.Printer) string {
	args := make([]any, len(e.Args))
	for i, arg := range e.Args {
		switch arg := arg.(type) {
		case shownValue:
			if isSensitiveKey(e.Key) {
				args[i] = p.Sprintf(i18n.CfgHidden)
			} else {
				args[i] = formatValue(arg.value)
			}
		case localText:
			args[i] = p.Sprintf(i18n.ID(arg))
		default:
			args[i] = arg
		}
	}

	message := p.Sprintf(e.Message, args...)
	if e.Key == "" {
		return e.Source.Describe(p) + ": " + message
	}
	return e.Source.Describe(p) + ": " + e.Key + ": " + message
}

// Error returns the English form of the message.
func (e *Error) Error() string {
	return e.Localize(i18n.Printer{Lang: i18n.English})
}

// Errors is every problem found in a configuration. Load returns all of
// them at once, so that an operator can fix them in one go.
type Errors []*Error

// Error returns the English messages, one a line.
func (errs Errors) Error() string {
	lines := make([]string, len(errs))
	for i, err := range errs {
		lines[i] = err.Error()
	}
	return strings.Join(lines, "\n")
}

// Localize returns a header line and one indented line per problem, in p's
// language.
func (errs Errors) Localize(p i18n.Printer) string {
	var b strings.Builder
	b.WriteString(p.Sprintf(i18n.CfgHeader))
	for _, err := range errs {
		b.WriteString("\n  ")
		b.WriteString(err.Localize(p))
	}
	return b.String()
}

// sensitiveKeys are the last segments of key paths whose values are
// secrets. Errors never show their values.
var sensitiveKeys = map[string]bool{"secret": true, "secrets": true, "token": true}

// isSensitiveKey reports whether key, such as tenants.demo.secrets[0],
// names a secret or a token.
func isSensitiveKey(key string) bool {
	last := key[strings.LastIndex(key, ".")+1:]
	if i := strings.IndexByte(last, '['); i >= 0 {
		last = last[:i]
	}
	return sensitiveKeys[last]
}

func formatValue(value any) string {
	switch value := value.(type) {
	case string:
		return strconv.Quote(value)
	case nil:
		return "null"
	default:
		return fmt.Sprint(value)
	}
}
