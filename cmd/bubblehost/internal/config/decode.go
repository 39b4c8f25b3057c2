package config

import (
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
	"github.com/bubblehost/bubblehost/host"
)

// Valid keys at each level, in the order the help lists them.
var (
	topKeys = []string{"listen", "data_dir", "cache_dir", "max_body_bytes", "queue_size", "dedupe_window", "shutdown_timeout",
		"plugin_settle", "plugin_rescan", "guest_slots", "lower_priority_after", "log", "tls", "admin", "tenants"}
	logKeys    = []string{"level", "format"}
	tenantKeys = []string{"secrets", "secrets_file", "signature", "token", "token_file", "api_base", "bot_user_id",
		"plugins", "deadline", "memory_limit", "instances", "concurrency", "actions_per_event", "log_bytes",
		"request_bytes", "plugin"}
	pluginKeys = []string{"deadline", "memory_limit", "instances", "actions_per_event", "log_bytes", "request_bytes", "config"}
)

var (
	// tenantIDPattern is a tenant id, which is also the last segment of the
	// tenant's webhook URL.
	tenantIDPattern = host.TenantIDPattern
	// pluginNamePattern is a plugin name as a plugin's manifest declares it.
	pluginNamePattern = regexp.MustCompile(`^[a-z0-9_-]{1,64}$`)
)

var (
	signatureModes = []string{string(host.SignatureRequired), string(host.SignatureOptional), string(host.SignatureOff)}
	logFormats     = []string{LogFormatAuto, LogFormatText, LogFormatJSON}
	logLevelNames  = []string{"debug", "info", "warn", "error"}
	logLevels      = map[string]slog.Level{
		"debug": slog.LevelDebug,
		"info":  slog.LevelInfo,
		"warn":  slog.LevelWarn,
		"error": slog.LevelError,
	}
)

// maxMemoryLimit is the largest linear memory a 32-bit WebAssembly module
// can have: 65536 pages of 64 KiB.
const maxMemoryLimit = 4 << 30

// DefaultConfig returns a configuration with every host-wide field set to
// its host.Default value and no tenants.
func DefaultConfig() host.Config {
	return host.Config{
		Listen:          host.DefaultListen,
		DataDir:         host.DefaultDataDir,
		MaxBodyBytes:    host.DefaultMaxBodyBytes,
		QueueSize:       host.DefaultQueueSize,
		DedupeWindow:    host.DefaultDedupeWindow,
		ShutdownTimeout: host.DefaultShutdownTimeout,
	}
}

// DefaultTenant returns a tenant with every field set to its host.Default
// value, signatures required, no secret, no token and plugins from
// pluginDir.
func DefaultTenant(pluginDir string) host.TenantConfig {
	return host.TenantConfig{
		Signature:   host.SignatureRequired,
		APIBase:     host.DefaultAPIBase,
		PluginDir:   pluginDir,
		Deadline:    host.DefaultDeadline,
		MemoryLimit: host.DefaultMemoryLimit,
		Instances:   host.DefaultInstances,
		Concurrency: host.DefaultConcurrency,
	}
}

// decode checks the merged values and turns them into the host's
// configuration and the command's settings. It records every problem in
// l.errs and goes on, so that one load reports all of them.
func (l *loader) decode(root map[string]any) Settings {
	cfg := DefaultConfig()
	cfg.DataDir = l.resolveDefault(host.DefaultDataDir)
	logConfig := LogConfig{Level: slog.LevelInfo, Format: LogFormatAuto}
	var admin AdminConfig
	var tlsConfig TLSConfig
	tenantCount := 0

	for _, key := range slices.Sorted(maps.Keys(root)) {
		value := root[key]
		switch key {
		case "listen":
			if address, ok := l.address(key, value); ok {
				cfg.Listen = address
			}
		case "data_dir":
			if path, ok := l.path(key, value); ok {
				cfg.DataDir = path
			}
		case "cache_dir":
			if path, ok := l.path(key, value); ok {
				cfg.CacheDir = path
			}
		case "max_body_bytes":
			if n, ok := l.size(key, value, 0); ok && n > 0 {
				cfg.MaxBodyBytes = n
			}
		case "queue_size":
			if n, ok := l.count(key, value); ok && n > 0 {
				cfg.QueueSize = n
			}
		case "dedupe_window":
			if d, ok := l.duration(key, value); ok && d > 0 {
				cfg.DedupeWindow = d
			}
		case "plugin_settle":
			if d, ok := l.duration(key, value); ok && d > 0 {
				cfg.PluginSettle = d
			}
		case "plugin_rescan":
			if d, ok := l.duration(key, value); ok && d > 0 {
				cfg.PluginRescan = d
			}
		case "guest_slots":
			if n, ok := l.count(key, value); ok && n > 0 {
				cfg.GuestSlots = n
			}
		case "lower_priority_after":
			v, isString := value.(string)
			switch {
			case isString && strings.TrimSpace(v) == "off":
				cfg.LowerPriorityAfter = -1 // the host's value for off
			case isString:
				d, err := time.ParseDuration(strings.TrimSpace(v))
				if err != nil || d < 0 {
					l.fail(key, i18n.CfgBadDurationOrOff, shownValue{v})
				} else if d > 0 {
					cfg.LowerPriorityAfter = d
				}
			default:
				// Only a bare 0, the default, has no unit and no "off".
				if value != 0 {
					l.wrongType(key, value, i18n.ExpectDurationOrOff)
				}
			}
		case "shutdown_timeout":
			if d, ok := l.duration(key, value); ok && d > 0 {
				cfg.ShutdownTimeout = d
			}
		case "log":
			logConfig = l.decodeLog(key, value)
		case "admin":
			admin = l.decodeAdmin(key, value)
		case "tls":
			tlsConfig = l.decodeTLS(key, value)
		case "tenants":
			cfg.Tenants, tenantCount = l.decodeTenants(key, value)
		default:
			l.unknownKey(key, topKeys)
		}
	}

	if tenantCount == 0 {
		l.fail("tenants", i18n.CfgNoTenants)
	}
	settings := Settings{Host: cfg, Log: logConfig, Admin: admin, TLS: tlsConfig}
	finishACME(&settings)
	return settings
}

func (l *loader) decodeLog(key string, value any) LogConfig {
	logConfig := LogConfig{Level: slog.LevelInfo, Format: LogFormatAuto}
	entries, ok := l.mapping(key, value)
	if !ok {
		return logConfig
	}

	for _, name := range slices.Sorted(maps.Keys(entries)) {
		entryKey := joinKey(key, name)
		value := entries[name]
		switch name {
		case "level":
			if level, ok := l.enum(entryKey, value, logLevelNames); ok {
				logConfig.Level = logLevels[level]
			}
		case "format":
			if format, ok := l.enum(entryKey, value, logFormats); ok {
				logConfig.Format = format
			}
		default:
			l.unknownKey(entryKey, logKeys)
		}
	}
	return logConfig
}

// decodeTenants returns the valid tenants and the number of entries under
// key, or -1 when key is not a mapping.
func (l *loader) decodeTenants(key string, value any) (map[string]host.TenantConfig, int) {
	entries, ok := l.mapping(key, value)
	if !ok {
		return nil, -1
	}

	tenants := make(map[string]host.TenantConfig, len(entries))
	for _, id := range slices.Sorted(maps.Keys(entries)) {
		tenantKey := joinKey(key, id)
		if !tenantIDPattern.MatchString(id) {
			l.fail(tenantKey, i18n.CfgBadTenantID, shownValue{id})
			continue
		}
		tenants[id] = l.decodeTenant(tenantKey, id, entries[id])
	}
	return tenants, len(entries)
}

func (l *loader) decodeTenant(key, id string, value any) host.TenantConfig {
	tenant := DefaultTenant(l.resolveDefault(filepath.Join("plugins", id)))
	entries, ok := l.mapping(key, value)
	if !ok {
		return tenant
	}

	var secretsFile, tokenFile string
	tokenSet := false
	secretProblems := 0
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		entryKey := joinKey(key, name)
		value := entries[name]
		before := len(l.errs)
		switch name {
		case "secrets":
			if secrets, ok := l.stringList(entryKey, value); ok {
				for i, secret := range secrets {
					if secret == "" {
						l.fail(fmt.Sprintf("%s[%d]", entryKey, i), i18n.CfgEmptySecret)
					}
				}
				tenant.Secrets = append(tenant.Secrets, secrets...)
			}
			secretProblems += len(l.errs) - before
		case "secrets_file":
			secretsFile, _ = l.path(entryKey, value)
			secretProblems += len(l.errs) - before
		case "signature":
			if mode, ok := l.enum(entryKey, value, signatureModes); ok {
				tenant.Signature = host.SignatureMode(mode)
			}
		case "token":
			if token, ok := l.str(entryKey, value); ok {
				tenant.Token = token
				tokenSet = true
			}
		case "token_file":
			tokenFile, _ = l.path(entryKey, value)
		case "api_base":
			if base, ok := l.url(entryKey, value); ok {
				tenant.APIBase = base
			}
		case "bot_user_id":
			if n, ok := l.integer(entryKey, value, i18n.ExpectInteger); ok {
				if n < 0 {
					l.fail(entryKey, i18n.CfgNegative, shownValue{n})
				} else {
					tenant.BotUserID = n
				}
			}
		case "plugins":
			if dir, ok := l.path(entryKey, value); ok {
				tenant.PluginDir = dir
			}
		case "deadline":
			if d, ok := l.duration(entryKey, value); ok && d > 0 {
				tenant.Deadline = d
			}
		case "memory_limit":
			if n, ok := l.size(entryKey, value, maxMemoryLimit); ok && n > 0 {
				tenant.MemoryLimit = n
			}
		case "instances":
			if n, ok := l.count(entryKey, value); ok && n > 0 {
				tenant.Instances = n
			}
		case "concurrency":
			if n, ok := l.count(entryKey, value); ok && n > 0 {
				tenant.Concurrency = n
			}
		case "actions_per_event":
			if n, ok := l.count(entryKey, value); ok && n > 0 {
				tenant.ActionsPerEvent = n
			}
		case "log_bytes":
			if n, ok := l.size(entryKey, value, 0); ok && n > 0 {
				tenant.LogBytes = int(n)
			}
		case "request_bytes":
			if n, ok := l.size(entryKey, value, 0); ok && n > 0 {
				tenant.RequestBytes = int(n)
			}
		case "plugin":
			tenant.Plugins = l.decodePlugins(entryKey, value)
		default:
			l.unknownKey(entryKey, tenantKeys)
		}
	}

	// Files are read after every key is known, so that secrets_file adds to
	// secrets and token_file can be checked against token.
	if secretsFile != "" {
		before := len(l.errs)
		tenant.Secrets = append(tenant.Secrets, l.readSecretsFile(joinKey(key, "secrets_file"), secretsFile)...)
		secretProblems += len(l.errs) - before
	}
	if tokenFile != "" {
		tokenFileKey := joinKey(key, "token_file")
		if tokenSet {
			l.fail(tokenFileKey, i18n.CfgConflict, joinKey(key, "token"))
		} else if token, ok := l.readTokenFile(tokenFileKey, tokenFile, i18n.CfgFileEmptyToken); ok {
			tenant.Token = token
		}
	}

	// A problem already reported for secrets or secrets_file explains the
	// missing secret better than this error would.
	if tenant.Signature == host.SignatureRequired && len(tenant.Secrets) == 0 && secretProblems == 0 {
		l.fail(joinKey(key, "secrets"), i18n.CfgNoSecret, strconv.Quote(id))
	}
	return tenant
}

func (l *loader) decodePlugins(key string, value any) map[string]host.PluginConfig {
	entries, ok := l.mapping(key, value)
	if !ok {
		return nil
	}

	plugins := make(map[string]host.PluginConfig, len(entries))
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		pluginKey := joinKey(key, name)
		if !pluginNamePattern.MatchString(name) {
			l.fail(pluginKey, i18n.CfgBadPluginName, shownValue{name})
			continue
		}
		plugins[name] = l.decodePlugin(pluginKey, entries[name])
	}
	return plugins
}

func (l *loader) decodePlugin(key string, value any) host.PluginConfig {
	var plugin host.PluginConfig
	entries, ok := l.mapping(key, value)
	if !ok {
		return plugin
	}

	for _, name := range slices.Sorted(maps.Keys(entries)) {
		entryKey := joinKey(key, name)
		value := entries[name]
		switch name {
		case "deadline":
			if d, ok := l.duration(entryKey, value); ok {
				plugin.Deadline = d
			}
		case "memory_limit":
			if n, ok := l.size(entryKey, value, maxMemoryLimit); ok {
				plugin.MemoryLimit = n
			}
		case "instances":
			if n, ok := l.count(entryKey, value); ok {
				plugin.Instances = n
			}
		case "actions_per_event":
			if n, ok := l.count(entryKey, value); ok {
				plugin.ActionsPerEvent = n
			}
		case "log_bytes":
			if n, ok := l.size(entryKey, value, 0); ok {
				plugin.LogBytes = int(n)
			}
		case "request_bytes":
			if n, ok := l.size(entryKey, value, 0); ok {
				plugin.RequestBytes = int(n)
			}
		case "config":
			plugin.Config = l.pluginConfig(entryKey, value)
		default:
			l.unknownKey(entryKey, pluginKeys)
		}
	}
	return plugin
}

// readSecretsFile returns the secrets in the file at path, one a line.
// Blank lines and lines starting with # are skipped, and each line is
// trimmed of surrounding white space.
func (l *loader) readSecretsFile(key, path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		l.fail(key, i18n.CfgReadKeyFile, err)
		return nil
	}

	secrets := ParseSecrets(data)
	if len(secrets) == 0 {
		l.fail(key, i18n.CfgFileNoSecret, path)
	}
	return secrets
}

// ParseSecrets returns the secrets in the contents of a secrets file: one
// a line, trimmed of surrounding white space, skipping blank lines and
// lines starting with #.
func ParseSecrets(data []byte) []string {
	var secrets []string
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		secrets = append(secrets, line)
	}
	return secrets
}

// readTokenFile returns the contents of the file at path, trimmed of
// surrounding white space. emptyMessage reports a file with nothing else.
func (l *loader) readTokenFile(key, path string, emptyMessage i18n.ID) (string, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		l.fail(key, i18n.CfgReadKeyFile, err)
		return "", false
	}

	token := strings.TrimSpace(string(data))
	if token == "" {
		l.fail(key, emptyMessage, path)
		return "", false
	}
	return token, true
}

// unknownKey reports key as unknown, suggesting the closest valid key when
// one is a likely typo.
func (l *loader) unknownKey(key string, valid []string) {
	name := key[strings.LastIndexByte(key, '.')+1:]
	if suggestion := closestKey(name, valid); suggestion != "" {
		l.fail(key, i18n.CfgUnknownKeySuggest, suggestion)
		return
	}
	l.fail(key, i18n.CfgUnknownKey, strings.Join(valid, ", "))
}

// closestKey returns the key in valid within an edit distance of 2 of
// name, or "" when there is none.
func closestKey(name string, valid []string) string {
	best, bestDistance := "", 3
	for _, candidate := range valid {
		if d := editDistance(strings.ToLower(name), candidate); d < bestDistance {
			best, bestDistance = candidate, d
		}
	}
	return best
}

// editDistance returns the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	previous := make([]int, len(b)+1)
	current := make([]int, len(b)+1)
	for j := range previous {
		previous[j] = j
	}
	for i := 1; i <= len(a); i++ {
		current[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			current[j] = min(previous[j]+1, current[j-1]+1, previous[j-1]+cost)
		}
		previous, current = current, previous
	}
	return previous[len(b)]
}
