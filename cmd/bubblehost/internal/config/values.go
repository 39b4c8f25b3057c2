package config

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
)

// Each helper below checks one value of the merged configuration, reports
// a problem with l.fail and returns false when the value is unusable.
// Values from the environment and from flags are always strings, so the
// helpers for numbers and lists also parse strings from those sources.

// fromText reports whether the value of key came from the environment or a
// flag.
func (l *loader) fromText(key string) bool {
	kind := l.sourceOf(key).Kind
	return kind == SourceEnv || kind == SourceFlag
}

func (l *loader) wrongType(key string, value any, expected i18n.ID) {
	l.fail(key, i18n.CfgWrongType, localText(typeName(value)), localText(expected))
}

// typeName returns the message id of the YAML type of value.
func typeName(value any) i18n.ID {
	switch value.(type) {
	case nil:
		return i18n.TypeNull
	case string:
		return i18n.TypeString
	case bool:
		return i18n.TypeBool
	case int, int64, uint64:
		return i18n.TypeInteger
	case float64:
		return i18n.TypeNumber
	case []any:
		return i18n.TypeList
	case map[string]any:
		return i18n.TypeMapping
	default:
		return i18n.TypeValue
	}
}

func (l *loader) mapping(key string, value any) (map[string]any, bool) {
	switch value := value.(type) {
	case nil:
		// A key with nothing under it, such as "tenants:" in YAML.
		return map[string]any{}, true
	case map[string]any:
		return value, true
	default:
		l.wrongType(key, value, i18n.ExpectMapping)
		return nil, false
	}
}

func (l *loader) str(key string, value any) (string, bool) {
	s, ok := value.(string)
	if !ok {
		l.wrongType(key, value, i18n.ExpectString)
		return "", false
	}
	return s, true
}

func (l *loader) nonEmpty(key string, value any) (string, bool) {
	s, ok := l.str(key, value)
	if !ok {
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		l.fail(key, i18n.CfgEmpty)
		return "", false
	}
	return s, true
}

// integer accepts a YAML integer, a float with no fraction, or a decimal
// string from the environment or a flag. expected names what a value of
// the wrong type should have been.
func (l *loader) integer(key string, value any, expected i18n.ID) (int64, bool) {
	switch v := value.(type) {
	case int:
		return int64(v), true
	case int64:
		return v, true
	case uint64:
		if v <= math.MaxInt64 {
			return int64(v), true
		}
	case float64:
		if v == math.Trunc(v) && v >= math.MinInt64 && v < math.MaxInt64 {
			return int64(v), true
		}
	case string:
		if !l.fromText(key) {
			break
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			l.fail(key, i18n.CfgBadInteger, shownValue{v})
			return 0, false
		}
		return n, true
	}

	switch value.(type) {
	case uint64, float64:
		l.fail(key, i18n.CfgBadInteger, shownValue{value})
	default:
		l.wrongType(key, value, expected)
	}
	return 0, false
}

// count accepts an integer from 0 to the largest int.
func (l *loader) count(key string, value any) (int, bool) {
	n, ok := l.integer(key, value, i18n.ExpectInteger)
	if !ok {
		return 0, false
	}
	if n < 0 {
		l.fail(key, i18n.CfgNegative, shownValue{n})
		return 0, false
	}
	if n > math.MaxInt {
		l.fail(key, i18n.CfgBadInteger, shownValue{n})
		return 0, false
	}
	return int(n), true
}

// duration accepts a Go duration string such as "500ms", or the integer 0.
func (l *loader) duration(key string, value any) (time.Duration, bool) {
	var d time.Duration
	switch v := value.(type) {
	case string:
		parsed, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			l.fail(key, i18n.CfgBadDuration, shownValue{v})
			return 0, false
		}
		d = parsed
	case int:
		// A bare number has no unit, so only 0 is unambiguous.
		if v != 0 {
			l.wrongType(key, value, i18n.ExpectDuration)
			return 0, false
		}
	default:
		l.wrongType(key, value, i18n.ExpectDuration)
		return 0, false
	}

	if d < 0 {
		l.fail(key, i18n.CfgNegativeDuration, shownValue{value})
		return 0, false
	}
	return d, true
}

// sizePattern is a byte count with an optional binary unit, such as 128MiB.
var sizePattern = regexp.MustCompile(`^([0-9]+)\s*(B|KiB|MiB|GiB)?$`)

var sizeUnits = map[string]int64{"": 1, "B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}

// size accepts an integer number of bytes, or a string with a number and
// an optional unit. A max above 0 is the largest size allowed.
func (l *loader) size(key string, value any, max int64) (int64, bool) {
	var n int64
	if s, ok := value.(string); ok {
		match := sizePattern.FindStringSubmatch(strings.TrimSpace(s))
		if match == nil {
			l.fail(key, i18n.CfgBadSize, shownValue{s})
			return 0, false
		}
		number, err := strconv.ParseInt(match[1], 10, 64)
		unit := sizeUnits[match[2]]
		if err != nil || number > math.MaxInt64/unit {
			l.fail(key, i18n.CfgBadSize, shownValue{s})
			return 0, false
		}
		n = number * unit
	} else {
		parsed, ok := l.integer(key, value, i18n.ExpectSize)
		if !ok {
			return 0, false
		}
		n = parsed
	}

	if n < 0 {
		l.fail(key, i18n.CfgNegative, shownValue{value})
		return 0, false
	}
	if max > 0 && n > max {
		l.fail(key, i18n.CfgSizeTooLarge, shownValue{value})
		return 0, false
	}
	return n, true
}

func (l *loader) enum(key string, value any, allowed []string) (string, bool) {
	s, ok := l.str(key, value)
	if !ok {
		return "", false
	}
	if !slices.Contains(allowed, s) {
		l.fail(key, i18n.CfgBadEnum, shownValue{s}, strings.Join(allowed, ", "))
		return "", false
	}
	return s, true
}

// address accepts host:port with a numeric port. The host may be empty,
// which listens on every interface.
func (l *loader) address(key string, value any) (string, bool) {
	s, ok := l.nonEmpty(key, value)
	if !ok {
		return "", false
	}
	_, port, err := net.SplitHostPort(s)
	if err == nil {
		_, err = strconv.ParseUint(port, 10, 16)
	}
	if err != nil {
		l.fail(key, i18n.CfgBadAddress, shownValue{s})
		return "", false
	}
	return s, true
}

// path accepts a non-empty path. A relative path from the config file is
// made relative to the file's folder.
func (l *loader) path(key string, value any) (string, bool) {
	s, ok := l.nonEmpty(key, value)
	if !ok {
		return "", false
	}
	if filepath.IsAbs(s) || l.sourceOf(key).Kind != SourceFile {
		return s, true
	}
	return filepath.Join(l.fileDir, s), true
}

// resolveDefault returns a default relative path, made relative to the
// config file's folder when there is a file.
func (l *loader) resolveDefault(path string) string {
	if l.fileDir == "" {
		return path
	}
	return filepath.Join(l.fileDir, path)
}

// url accepts an absolute http or https URL.
func (l *loader) url(key string, value any) (string, bool) {
	s, ok := l.nonEmpty(key, value)
	if !ok {
		return "", false
	}
	parsed, err := url.Parse(s)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		l.fail(key, i18n.CfgBadURL, shownValue{redactURL(s)})
		return "", false
	}
	return s, true
}

// redactURL returns s with its user information, which can hold a
// password or a token, replaced by "xxxxx".
func redactURL(s string) string {
	if parsed, err := url.Parse(s); err == nil && parsed.User != nil {
		parsed.User = url.User("xxxxx")
		return parsed.String()
	}
	// Without a parsed user, the value may still hold one in a form that
	// url.Parse reads otherwise, such as "user:pass@host".
	scheme, rest, found := strings.Cut(s, "://")
	if !found {
		scheme, rest = "", s
	}
	authority, _, _ := strings.Cut(rest, "/")
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return s
	}
	if found {
		return scheme + "://xxxxx" + rest[at:]
	}
	return "xxxxx" + rest[at:]
}

// stringList accepts a YAML list of strings, or a comma-separated string
// from the environment or a flag, whose items are trimmed of white space.
func (l *loader) stringList(key string, value any) ([]string, bool) {
	switch v := value.(type) {
	case []any:
		list := make([]string, 0, len(v))
		ok := true
		for i, item := range v {
			s, isString := item.(string)
			if !isString {
				l.wrongType(fmt.Sprintf("%s[%d]", key, i), item, i18n.ExpectString)
				ok = false
				continue
			}
			list = append(list, s)
		}
		return list, ok
	case string:
		if !l.fromText(key) {
			break
		}
		items := strings.Split(v, ",")
		for i := range items {
			items[i] = strings.TrimSpace(items[i])
		}
		return items, true
	}
	l.wrongType(key, value, i18n.ExpectStringList)
	return nil, false
}

// pluginConfig converts a plugin's config value to JSON. A string from the
// environment is parsed as YAML (and so as JSON) first, because the
// environment cannot express nested values.
func (l *loader) pluginConfig(key string, value any) json.RawMessage {
	if s, ok := value.(string); ok && l.fromText(key) {
		var parsed any
		if err := yaml.Unmarshal([]byte(s), &parsed); err != nil {
			l.fail(key, i18n.CfgBadEnvValue, err)
			return nil
		}
		value = parsed
	}
	if value == nil {
		return nil
	}

	data, err := json.Marshal(jsonCompatible(value))
	if err != nil {
		l.fail(key, i18n.CfgBadJSON, err)
		return nil
	}
	return data
}

// jsonCompatible returns value with every map[any]any, which YAML produces
// for mappings with keys that are not strings, turned into a
// map[string]any that encoding/json accepts.
func jsonCompatible(value any) any {
	switch v := value.(type) {
	case map[any]any:
		converted := make(map[string]any, len(v))
		for key, item := range v {
			converted[fmt.Sprint(key)] = jsonCompatible(item)
		}
		return converted
	case map[string]any:
		converted := make(map[string]any, len(v))
		for key, item := range v {
			converted[key] = jsonCompatible(item)
		}
		return converted
	case []any:
		converted := make([]any, len(v))
		for i, item := range v {
			converted[i] = jsonCompatible(item)
		}
		return converted
	default:
		return value
	}
}
