package host

import (
	"encoding/json"
	"time"
)

// SignatureMode says how a tenant's webhooks are authenticated.
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
	DefaultAPIBase         = "https://bubble.alemonjs.com/api/bot/v1"
	DefaultDeadline        = 2 * time.Second
	DefaultMemoryLimit     = 128 << 20
	DefaultInstances       = 4
	DefaultConcurrency     = 8
)

// Config is the whole host's configuration. The command line fills it from
// a file, the environment and flags; the host itself reads no files for it.
type Config struct {
	// Listen is the address of the webhook listener.
	Listen string
	// DataDir holds the host's own files, such as the compilation cache.
	DataDir string
	// MaxBodyBytes caps a webhook body. A larger one is answered 413.
	MaxBodyBytes int64
	// QueueSize is how many accepted events each tenant may have waiting.
	// When it is full, intake answers 503 so that the platform retries.
	QueueSize int
	// DedupeWindow is how long an event's key is remembered to drop the
	// platform's repeats. The platform retries up to 21 s after the first
	// attempt, plus up to 5 s of waiting for each answer.
	DedupeWindow time.Duration
	// ShutdownTimeout bounds how long a stop waits for events in flight.
	ShutdownTimeout time.Duration
	// Tenants maps each tenant id, the last segment of its webhook URL, to
	// its settings.
	Tenants map[string]TenantConfig
}

// TenantConfig is the configuration of one bot.
type TenantConfig struct {
	// Secrets are the HMAC keys a signature may be made with. Several are
	// accepted at once so that a secret can be rotated without losing events.
	Secrets []string
	// Signature is how webhooks are authenticated. Default: required.
	Signature SignatureMode
	// Token is the bot token for the HTTP API. When empty, actions are logged
	// instead of sent (a dry run).
	Token string
	// APIBase is the base URL of the platform's HTTP API.
	APIBase string
	// BotUserID is the bot's own user id, used to ignore its own messages.
	// When zero, the host asks the platform (GET /bot/me) once a token is set.
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
	// Plugins holds per-plugin settings, keyed by the name in the plugin's
	// manifest.
	Plugins map[string]PluginConfig
}

// PluginConfig is the operator's settings for one plugin of a tenant.
type PluginConfig struct {
	// Deadline overrides the tenant's call deadline when non-zero.
	Deadline time.Duration
	// Config is passed to the plugin as JSON through the config_read host
	// function. Nil means the plugin sees an empty object.
	Config json.RawMessage
}
