// Package config loads the bubblehost configuration from a YAML file, the
// environment and command-line flags, in that order, and turns it into the
// host.Config that the host takes. Every problem found is reported with
// its key path and source, all at once.
package config

import (
	"errors"
	"io/fs"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/providers/posflag"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/pflag"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
	"github.com/bubblehost/bubblehost/host"
)

// EnvPrefix starts every environment variable that sets a configuration
// key. Levels are separated by "__", and the rest of the name is
// lower-cased, so BUBBLEHOST_TENANTS__DEMO__TOKEN sets tenants.demo.token.
const EnvPrefix = "BUBBLEHOST_"

// EnvSecret is the variable that sign and send read their secret from. It
// starts with EnvPrefix but is not a configuration key, so Load skips it.
const EnvSecret = "BUBBLEHOST_SECRET"

// FlagKeys maps the names of the flags that Load reads to the keys they
// set. Load ignores other flags and flags that were not given.
var FlagKeys = map[string]string{
	"listen":     "listen",
	"data-dir":   "data_dir",
	"log-level":  "log.level",
	"log-format": "log.format",
}

// Log formats for LogConfig.Format.
const (
	// LogFormatAuto is LogFormatText when standard error is a terminal and
	// LogFormatJSON otherwise.
	LogFormatAuto = "auto"
	LogFormatText = "text"
	LogFormatJSON = "json"
)

// LogConfig is the log section of the configuration, which configures the
// command's logger rather than the host.
type LogConfig struct {
	Level  slog.Level
	Format string
}

// Load reads the config file at path (none when path is empty), then the
// BUBBLEHOST_ variables in environ (as os.Environ returns them), then the flags
// of flags that were set (flags may be nil). A later source overrides an
// earlier one key by key.
//
// Fields left unset get the host.Default values. Relative paths from the
// file resolve against the file's folder, and relative paths from the
// environment and flags are kept relative to the current folder.
//
// The error, when not nil, is an Errors value with every problem found.
// LoadSettings returns the sections that only serve reads as well.
func Load(path string, environ []string, flags *pflag.FlagSet) (host.Config, LogConfig, error) {
	settings, err := load(path, environ, flags)
	return settings.Host, settings.Log, err
}

func load(path string, environ []string, flags *pflag.FlagSet) (Settings, error) {
	l := loader{origins: make(map[string]Source)}
	merged := koanf.New(".")

	// The file is read first. Without it the other sources cannot be
	// checked for missing keys, so a file that cannot be read ends the load.
	if path != "" {
		l.fileDir = filepath.Dir(path)
		l.file = Source{Kind: SourceFile, Name: path}
		layer := koanf.New(".")
		source := l.file
		if err := layer.Load(file.Provider(path), yaml.Parser()); err != nil {
			id := i18n.CfgParseFile
			if errors.As(err, new(*fs.PathError)) {
				id = i18n.CfgReadFile
			}
			return Settings{}, Errors{{Source: source, Message: id, Args: []any{err}}}
		}
		l.recordOrigins("", layer.Raw(), func(string) Source { return source })
		mergeLayer(merged, layer)
	}

	// Environment variables: the transform turns each name into a key path
	// and remembers which variable set which key.
	envNames := make(map[string]string)
	envLayer := koanf.New(".")
	envProvider := env.Provider(".", env.Opt{
		Prefix:      EnvPrefix,
		EnvironFunc: func() []string { return environ },
		TransformFunc: func(name, value string) (string, any) {
			if name == EnvSecret || name == EnvAdminToken {
				return "", nil
			}
			key := envKey(name)
			envNames[key] = name
			return key, value
		},
	})
	// The env provider reads a slice and returns no error.
	_ = envLayer.Load(envProvider, nil)
	l.recordOrigins("", envLayer.Raw(), func(key string) Source {
		return Source{Kind: SourceEnv, Name: envNames[key]}
	})
	mergeLayer(merged, envLayer)

	// Flags that were given on the command line.
	if flags != nil {
		flagNames := make(map[string]string)
		flagLayer := koanf.New(".")
		flagProvider := posflag.ProviderWithFlag(flags, ".", nil, func(f *pflag.Flag) (string, any) {
			key, ok := FlagKeys[f.Name]
			if !ok || !f.Changed {
				return "", nil
			}
			flagNames[key] = f.Name
			return key, f.Value.String()
		})
		// The posflag provider returns no error.
		_ = flagLayer.Load(flagProvider, nil)
		l.recordOrigins("", flagLayer.Raw(), func(key string) Source {
			return Source{Kind: SourceFlag, Name: flagNames[key]}
		})
		mergeLayer(merged, flagLayer)
	}

	settings := l.decode(merged.Raw())
	if len(l.errs) > 0 {
		return Settings{}, l.errs
	}
	return settings, nil
}

// envKey turns a variable name such as BUBBLEHOST_TENANTS__DEMO__SECRETS_FILE
// into the key path tenants.demo.secrets_file.
func envKey(name string) string {
	key := strings.TrimPrefix(name, EnvPrefix)
	key = strings.ToLower(key)
	return strings.ReplaceAll(key, "__", ".")
}

// mergeLayer merges one source into the merged configuration. In koanf
// v2.4.1, Merge fails only with strict merge, which merged does not enable.
func mergeLayer(merged, layer *koanf.Koanf) {
	_ = merged.Merge(layer)
}

// loader is the state of one Load: where each key came from and the
// problems found so far.
type loader struct {
	// origins maps each key path to the source of its value. A leaf takes
	// the last source that set it. A mapping keeps the first source that
	// mentioned it, which is where a tenant was defined.
	origins map[string]Source
	// file is the config file, or the zero Source without a file.
	file Source
	// fileDir is the folder of the config file, or "" without a file.
	fileDir string
	errs    Errors
}

// recordOrigins walks one source's values under prefix and records their
// source, as sourceOf returns it for a leaf key.
func (l *loader) recordOrigins(prefix string, values map[string]any, sourceOf func(key string) Source) Source {
	var first Source
	for i, name := range slices.Sorted(maps.Keys(values)) {
		key := joinKey(prefix, name)
		var source Source
		if child, ok := values[name].(map[string]any); ok && len(child) > 0 {
			source = l.recordOrigins(key, child, sourceOf)
			if _, seen := l.origins[key]; !seen {
				l.origins[key] = source
			}
		} else {
			source = sourceOf(key)
			l.origins[key] = source
		}
		if i == 0 {
			first = source
		}
	}
	return first
}

// sourceOf returns the source of key: its own, else that of the nearest
// enclosing key, else that of the first key inside it, else the file.
func (l *loader) sourceOf(key string) Source {
	if i := strings.IndexByte(key, '['); i >= 0 {
		key = key[:i]
	}
	for ancestor := key; ancestor != ""; {
		if source, ok := l.origins[ancestor]; ok {
			return source
		}
		i := strings.LastIndexByte(ancestor, '.')
		if i < 0 {
			break
		}
		ancestor = ancestor[:i]
	}
	for _, candidate := range slices.Sorted(maps.Keys(l.origins)) {
		if strings.HasPrefix(candidate, key+".") {
			return l.origins[candidate]
		}
	}
	return l.file
}

// fail records a problem with key.
func (l *loader) fail(key string, message i18n.ID, args ...any) {
	l.errs = append(l.errs, &Error{Source: l.sourceOf(key), Key: key, Message: message, Args: args})
}

func joinKey(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// ParseLog checks a log level and format given as the flags named
// levelFlag and formatFlag, as the keys log.level and log.format take them.
// The error, when not nil, is an Errors value.
func ParseLog(level, levelFlag, format, formatFlag string) (LogConfig, error) {
	l := loader{origins: map[string]Source{
		"log.level":  {Kind: SourceFlag, Name: levelFlag},
		"log.format": {Kind: SourceFlag, Name: formatFlag},
	}}
	logConfig := l.decodeLog("log", map[string]any{"level": level, "format": format})
	if len(l.errs) > 0 {
		return LogConfig{}, l.errs
	}
	return logConfig, nil
}
