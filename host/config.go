package host

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"time"
)

// SignatureMode is the way a tenant's webhooks are authenticated.
type SignatureMode string

const (
	// SignatureRequired rejects any request without a valid signature.
	SignatureRequired SignatureMode = "required"
	// SignatureOptional verifies a signature when one is present and accepts
	// unsigned requests. It exists because the platform may not sign yet.
	SignatureOptional SignatureMode = "optional"
	// SignatureOff accepts every request without looking at its signature.
	SignatureOff SignatureMode = "off"
)

// Defaults for Config and TenantConfig fields left at their zero value.
const (
	DefaultListen          = "127.0.0.1:8080"
	DefaultDataDir         = "data"
	DefaultMaxBodyBytes    = 1 << 20
	DefaultQueueSize       = 1024
	DefaultDedupeWindow    = 2 * time.Minute
	DefaultShutdownTimeout = 10 * time.Second
	DefaultPluginSettle    = 300 * time.Millisecond
	DefaultPluginRescan    = 30 * time.Second
	// DefaultLowerPriorityAfter is longer than a typical call (under a
	// millisecond for the examples) and short against a deadline.
	DefaultLowerPriorityAfter = 10 * time.Millisecond
	DefaultAPIBase            = "https://bubble.alemonjs.com/api/bot/v1"
	DefaultDeadline           = 2 * time.Second
	DefaultMemoryLimit        = 128 << 20
	DefaultInstances          = 4
	DefaultConcurrency        = 8
	DefaultActionsPerEvent    = 20
	DefaultLogBytes           = 64 << 10
	DefaultRequestBytes       = 64 << 10
)

// Config is the whole host's configuration. The command line fills it from
// a file, the environment and flags; the host itself reads no files for it.
type Config struct {
	// Listen is the address of the webhook listener.
	Listen string
	// DataDir holds the host's own files, such as the compilation cache.
	DataDir string
	// CacheDir holds compiled plugin code across restarts. Default:
	// DataDir/cache/wazero.
	CacheDir string
	// MaxBodyBytes caps a webhook body. A larger one gets the response 413.
	MaxBodyBytes int64
	// QueueSize is how many accepted events each tenant may have waiting.
	// When it is full, intake responds 503 so that the platform retries.
	QueueSize int
	// DedupeWindow is how long an event's key is remembered to drop the
	// platform's repeats. The platform retries up to 21 s after the first
	// attempt, plus up to 5 s of waiting for each response.
	DedupeWindow time.Duration
	// ShutdownTimeout bounds how long a stop waits for events in flight.
	ShutdownTimeout time.Duration
	// PluginSettle is how long a plugin folder must be quiet after a change
	// before its modules are read, so a file still being copied is never
	// loaded half-written.
	PluginSettle time.Duration
	// PluginRescan is how often every plugin folder is read again and
	// compared by content hash, to catch changes the OS did not report.
	PluginRescan time.Duration
	// GuestSlots caps the plugin calls running at once across all tenants;
	// no tenant may hold all of them. A running guest cannot be preempted,
	// so this is what keeps one tenant's looping plugin from stalling the
	// others. Default: the number of CPUs plus one.
	GuestSlots int
	// LowerPriorityAfter is how long a plugin call runs at full CPU
	// priority. After it, the call continues 10 steps of nice lower, so a plugin busy for long gets mostly the CPU time that intake,
	// action requests and other tenants' short calls leave over. Linux only.
	// Default: DefaultLowerPriorityAfter. Negative keeps every call at
	// full priority.
	LowerPriorityAfter time.Duration
	// Tenants maps each tenant id, the last segment of its webhook URL, to
	// its settings.
	Tenants map[string]TenantConfig
}

// TenantConfig is the configuration of one bot.
type TenantConfig struct {
	// Secrets are the HMAC keys a signature may be made with. Several are
	// accepted at once so that a secret can be rotated without losing events.
	Secrets []string
	// Signature is the authentication mode of webhooks. Default: required.
	Signature SignatureMode
	// Token is the bot token for the HTTP API. When empty, actions are logged
	// instead of sent (a dry run).
	Token string
	// APIBase is the base URL of the platform's HTTP API.
	APIBase string
	// BotUserID is the bot's own user id, used to ignore its own messages.
	// When zero, the host requests it from the platform (GET /bot/me) once a
	// token is set.
	BotUserID int64
	// PluginDir is the folder of this tenant's .wasm modules.
	PluginDir string
	// Deadline bounds each plugin call unless a plugin overrides it.
	Deadline time.Duration
	// MemoryLimit caps each plugin instance's linear memory, in bytes.
	MemoryLimit int64
	// Instances caps how many instances of one plugin exist at once, and so
	// how many calls of it run at once.
	Instances int
	// Concurrency caps how many of this tenant's events run at once.
	Concurrency int
	// ActionsPerEvent caps the actions one plugin call may ask for.
	ActionsPerEvent int
	// LogBytes caps one plugin call's log output, stdout and stderr
	// included; the rest of the call's output is dropped.
	LogBytes int
	// RequestBytes caps one action request a plugin passes to the host.
	RequestBytes int
	// Plugins holds per-plugin settings, keyed by the name in the plugin's
	// manifest.
	Plugins map[string]PluginConfig
}

// PluginConfig is the operator's settings for one plugin of a tenant. Each
// non-zero limit overrides the tenant's.
type PluginConfig struct {
	Deadline        time.Duration
	MemoryLimit     int64
	Instances       int
	ActionsPerEvent int
	LogBytes        int
	RequestBytes    int
	// Config is passed to the plugin as JSON through the config_read host
	// function. Nil gives the plugin an empty object.
	Config json.RawMessage
}

// withDefaults returns cfg with every zero field set to its default.
func (cfg Config) withDefaults() Config {
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if cfg.DataDir == "" {
		cfg.DataDir = DefaultDataDir
	}
	if cfg.CacheDir == "" {
		cfg.CacheDir = filepath.Join(cfg.DataDir, "cache", "wazero")
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.QueueSize == 0 {
		cfg.QueueSize = DefaultQueueSize
	}
	if cfg.DedupeWindow == 0 {
		cfg.DedupeWindow = DefaultDedupeWindow
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if cfg.PluginSettle == 0 {
		cfg.PluginSettle = DefaultPluginSettle
	}
	if cfg.PluginRescan == 0 {
		cfg.PluginRescan = DefaultPluginRescan
	}
	if cfg.GuestSlots == 0 {
		cfg.GuestSlots = goruntime.NumCPU() + 1
	}
	if cfg.LowerPriorityAfter == 0 {
		cfg.LowerPriorityAfter = DefaultLowerPriorityAfter
	}
	tenants := make(map[string]TenantConfig, len(cfg.Tenants))
	for id, t := range cfg.Tenants {
		if t.Signature == "" {
			t.Signature = SignatureRequired
		}
		if t.APIBase == "" {
			t.APIBase = DefaultAPIBase
		}
		if t.PluginDir == "" {
			t.PluginDir = filepath.Join("plugins", id)
		}
		if t.Deadline == 0 {
			t.Deadline = DefaultDeadline
		}
		if t.MemoryLimit == 0 {
			t.MemoryLimit = DefaultMemoryLimit
		}
		if t.Instances == 0 {
			t.Instances = DefaultInstances
		}
		if t.Concurrency == 0 {
			t.Concurrency = DefaultConcurrency
		}
		if t.ActionsPerEvent == 0 {
			t.ActionsPerEvent = DefaultActionsPerEvent
		}
		if t.LogBytes == 0 {
			t.LogBytes = DefaultLogBytes
		}
		if t.RequestBytes == 0 {
			t.RequestBytes = DefaultRequestBytes
		}
		tenants[id] = t
	}
	cfg.Tenants = tenants
	return cfg
}

// TenantIDPattern is the form of a tenant id, which is also a URL path
// segment and a metrics label.
var TenantIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Validate reports every problem of cfg at once, each naming its key as it
// is written in a configuration file.
func (cfg Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if cfg.MaxBodyBytes < 0 {
		bad("max_body_bytes", "must not be negative")
	}
	if cfg.QueueSize < 0 {
		bad("queue_size", "must not be negative")
	}
	if cfg.DedupeWindow < 0 {
		bad("dedupe_window", "must not be negative")
	}
	if cfg.PluginSettle < 0 {
		bad("plugin_settle", "must not be negative")
	}
	if cfg.PluginRescan < 0 {
		bad("plugin_rescan", "must not be negative")
	}
	if cfg.GuestSlots < 0 {
		bad("guest_slots", "must not be negative")
	}
	for id, t := range cfg.Tenants {
		key := "tenants." + id
		if !TenantIDPattern.MatchString(id) {
			bad(key, "tenant id must match %s", TenantIDPattern)
		}
		switch t.Signature {
		case SignatureRequired:
			if len(t.Secrets) == 0 {
				bad(key+".secrets", "signature is required but no secret is set")
			}
		case SignatureOptional, SignatureOff:
		default:
			bad(key+".signature", "invalid value %q; want required, optional or off", t.Signature)
		}
		for i, s := range t.Secrets {
			if s == "" {
				bad(fmt.Sprintf("%s.secrets[%d]", key, i), "secret is empty")
			}
		}
		if u, err := url.Parse(t.APIBase); err != nil {
			bad(key+".api_base", "invalid URL; want an absolute http or https URL")
		} else if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			// Redacted: a URL may carry a password in its user information.
			bad(key+".api_base", "invalid URL %q; want an absolute http or https URL", u.Redacted())
		}
		if t.Deadline < 0 {
			bad(key+".deadline", "must not be negative")
		}
		if t.MemoryLimit < 0 || t.MemoryLimit > 4<<30 {
			bad(key+".memory_limit", "must be between 0 and 4 GiB")
		}
		if t.Instances < 0 {
			bad(key+".instances", "must not be negative")
		}
		if t.Concurrency < 0 {
			bad(key+".concurrency", "must not be negative")
		}
		if t.ActionsPerEvent < 0 {
			bad(key+".actions_per_event", "must not be negative")
		}
		if t.LogBytes < 0 {
			bad(key+".log_bytes", "must not be negative")
		}
		if t.RequestBytes < 0 {
			bad(key+".request_bytes", "must not be negative")
		}
		for name, p := range t.Plugins {
			pkey := key + ".plugin." + name
			if p.Deadline < 0 {
				bad(pkey+".deadline", "must not be negative")
			}
			if p.MemoryLimit < 0 || p.MemoryLimit > 4<<30 {
				bad(pkey+".memory_limit", "must be between 0 and 4 GiB")
			}
			if p.Instances < 0 || p.ActionsPerEvent < 0 || p.LogBytes < 0 || p.RequestBytes < 0 {
				bad(pkey, "limits must not be negative")
			}
			if len(p.Config) > 0 && !json.Valid(p.Config) {
				bad(key+".plugin."+name+".config", "is not valid JSON")
			}
		}
	}
	return errors.Join(errs...)
}
