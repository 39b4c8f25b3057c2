package config_test

import (
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/config"
	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
	"github.com/bubblehost/bubblehost/host"
)

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// serveFlags returns the flags that serve defines, parsed from args.
func serveFlags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	fs.String("config", "", "")
	fs.String("listen", host.DefaultListen, "")
	fs.String("data-dir", host.DefaultDataDir, "")
	fs.String("log-level", "info", "")
	fs.String("log-format", "auto", "")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

// loadErrors returns the Errors of a failed load, failing the test when
// the load succeeded or failed with another error type.
func loadErrors(t *testing.T, err error) config.Errors {
	t.Helper()
	if err == nil {
		t.Fatal("want an error, have none")
	}
	var errs config.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("want config.Errors, have %T: %v", err, err)
	}
	return errs
}

const fullFile = `listen: 127.0.0.1:9090
data_dir: /var/lib/bubblehost
max_body_bytes: 1048576
queue_size: 2048
dedupe_window: 3m
shutdown_timeout: 15s
log: {level: debug, format: json}
tenants:
  demo:
    secrets: ["s-one", "s-two"]
    signature: optional
    token: "t-123"
    api_base: https://bubble.example.com/api/bot/v1
    bot_user_id: 42
    plugins: plugins/demo
    deadline: 3s
    memory_limit: 64MiB
    instances: 2
    concurrency: 16
    plugin:
      autoreply:
        deadline: 500ms
        config: {keywords: {"你好": "你好！"}, limit: 3}
`

func TestLoadFullFile(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "bubblehost.yaml", fullFile)

	cfg, logConfig, err := config.Load(path, nil, nil)
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}

	want := host.Config{
		Listen:          "127.0.0.1:9090",
		DataDir:         "/var/lib/bubblehost",
		MaxBodyBytes:    1 << 20,
		QueueSize:       2048,
		DedupeWindow:    3 * time.Minute,
		ShutdownTimeout: 15 * time.Second,
		Tenants: map[string]host.TenantConfig{
			"demo": {
				Secrets:     []string{"s-one", "s-two"},
				Signature:   host.SignatureOptional,
				Token:       "t-123",
				APIBase:     "https://bubble.example.com/api/bot/v1",
				BotUserID:   42,
				PluginDir:   filepath.Join(dir, "plugins", "demo"),
				Deadline:    3 * time.Second,
				MemoryLimit: 64 << 20,
				Instances:   2,
				Concurrency: 16,
				Plugins: map[string]host.PluginConfig{
					"autoreply": {
						Deadline: 500 * time.Millisecond,
						Config:   json.RawMessage(`{"keywords":{"你好":"你好！"},"limit":3}`),
					},
				},
			},
		},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("want\n%+v\nhave\n%+v", want, cfg)
	}
	if logConfig.Level != slog.LevelDebug {
		t.Errorf("want log level debug, have %v", logConfig.Level)
	}
	if logConfig.Format != config.LogFormatJSON {
		t.Errorf("want log format json, have %q", logConfig.Format)
	}
}

func TestLoadDefaults(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "bubblehost.yaml", "tenants:\n  demo:\n    secrets: [s]\n")

	cfg, logConfig, err := config.Load(path, nil, nil)
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}

	want := config.DefaultConfig()
	want.DataDir = filepath.Join(dir, host.DefaultDataDir)
	tenant := config.DefaultTenant(filepath.Join(dir, "plugins", "demo"))
	tenant.Secrets = []string{"s"}
	want.Tenants = map[string]host.TenantConfig{"demo": tenant}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("want\n%+v\nhave\n%+v", want, cfg)
	}
	if have := cfg.Tenants["demo"].Signature; have != host.SignatureRequired {
		t.Errorf("want signature required by default, have %q", have)
	}
	if logConfig.Level != slog.LevelInfo || logConfig.Format != config.LogFormatAuto {
		t.Errorf("want log info/auto, have %v/%s", logConfig.Level, logConfig.Format)
	}
}

func TestLoadSizesAndDurations(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  int64
	}{
		{"integer bytes", "1048576", 1 << 20},
		{"bytes unit", "512B", 512},
		{"KiB", "64KiB", 64 << 10},
		{"MiB with space", "128 MiB", 128 << 20},
		{"GiB", "1GiB", 1 << 30},
		{"4GiB maximum", "4GiB", 4 << 30},
		{"quoted number", `"2048"`, 2048},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "b.yaml",
				"tenants:\n  demo:\n    secrets: [s]\n    memory_limit: "+tt.value+"\n")
			cfg, _, err := config.Load(path, nil, nil)
			if err != nil {
				t.Fatalf("want no error, have:\n%v", err)
			}
			if have := cfg.Tenants["demo"].MemoryLimit; have != tt.want {
				t.Errorf("want %d, have %d", tt.want, have)
			}
		})
	}
}

func TestLoadZeroMeansDefault(t *testing.T) {
	path := writeFile(t, t.TempDir(), "b.yaml", `queue_size: 0
dedupe_window: 0
tenants:
  demo:
    secrets: [s]
    deadline: 0s
    instances: 0
`)
	cfg, _, err := config.Load(path, nil, nil)
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}
	if cfg.QueueSize != host.DefaultQueueSize {
		t.Errorf("queue_size: want %d, have %d", host.DefaultQueueSize, cfg.QueueSize)
	}
	if cfg.DedupeWindow != host.DefaultDedupeWindow {
		t.Errorf("dedupe_window: want %v, have %v", host.DefaultDedupeWindow, cfg.DedupeWindow)
	}
	if have := cfg.Tenants["demo"].Deadline; have != host.DefaultDeadline {
		t.Errorf("deadline: want %v, have %v", host.DefaultDeadline, have)
	}
	if have := cfg.Tenants["demo"].Instances; have != host.DefaultInstances {
		t.Errorf("instances: want %d, have %d", host.DefaultInstances, have)
	}
}

func TestLoadLowerPriorityAfter(t *testing.T) {
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"25ms", 25 * time.Millisecond},
		{"0s", 0}, // the host's default
		{"off", -1},
		{`" off "`, -1},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "b.yaml", "lower_priority_after: "+tt.value+"\ntenants:\n  demo:\n    secrets: [s]\n")
			cfg, _, err := config.Load(path, nil, nil)
			if err != nil {
				t.Fatalf("want no error, have:\n%v", err)
			}
			if cfg.LowerPriorityAfter != tt.want {
				t.Errorf("want %v, have %v", tt.want, cfg.LowerPriorityAfter)
			}
		})
	}
}

func TestLoadLowerPriorityAfterRejects(t *testing.T) {
	for _, value := range []string{"OFF", "never", "-5ms", "10 ms", "5", "true", "1.5"} {
		t.Run(value, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "b.yaml", "lower_priority_after: "+value+"\ntenants:\n  demo:\n    secrets: [s]\n")
			_, _, err := config.Load(path, nil, nil)
			errs := loadErrors(t, err)
			if len(errs) != 1 || errs[0].Key != "lower_priority_after" || !strings.Contains(errs[0].Error(), "or off") {
				t.Errorf("want one error for lower_priority_after that mentions off, have:\n%v", err)
			}
		})
	}
}

func TestLoadEnvOverridesFile(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "bubblehost.yaml", fullFile)
	env := []string{
		"HOME=/root",
		"BUBBLEHOST_LISTEN=127.0.0.1:7070",
		"BUBBLEHOST_QUEUE_SIZE=99",
		"BUBBLEHOST_LOG__LEVEL=warn",
		"BUBBLEHOST_TENANTS__DEMO__TOKEN=t-from-env",
		"BUBBLEHOST_TENANTS__DEMO__SECRETS=e-one, e-two",
		"BUBBLEHOST_TENANTS__DEMO__MEMORY_LIMIT=32MiB",
		"BUBBLEHOST_TENANTS__DEMO__PLUGIN__AUTOREPLY__CONFIG={\"keywords\":{\"hi\":\"hello\"}}",
		"BUBBLEHOST_TENANTS__OTHER__SECRETS=o-one",
		"BUBBLEHOST_TENANTS__OTHER__PLUGINS=relative/plugins",
		// Read by sign and send only, so it must not count as an unknown key.
		"BUBBLEHOST_SECRET=ignored",
	}

	cfg, logConfig, err := config.Load(path, env, nil)
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}

	if cfg.Listen != "127.0.0.1:7070" {
		t.Errorf("listen: want the environment's value, have %q", cfg.Listen)
	}
	if cfg.QueueSize != 99 {
		t.Errorf("queue_size: want 99, have %d", cfg.QueueSize)
	}
	if cfg.ShutdownTimeout != 15*time.Second {
		t.Errorf("shutdown_timeout: want the file's 15s, have %v", cfg.ShutdownTimeout)
	}
	if logConfig.Level != slog.LevelWarn {
		t.Errorf("log.level: want warn, have %v", logConfig.Level)
	}
	if logConfig.Format != config.LogFormatJSON {
		t.Errorf("log.format: want the file's json, have %q", logConfig.Format)
	}

	demo := cfg.Tenants["demo"]
	if demo.Token != "t-from-env" {
		t.Error("tenants.demo.token: want the environment's value")
	}
	if want := []string{"e-one", "e-two"}; !reflect.DeepEqual(demo.Secrets, want) {
		t.Errorf("tenants.demo.secrets: want %q, have %q", want, demo.Secrets)
	}
	if demo.MemoryLimit != 32<<20 {
		t.Errorf("tenants.demo.memory_limit: want 32MiB, have %d", demo.MemoryLimit)
	}
	if demo.Signature != host.SignatureOptional {
		t.Errorf("tenants.demo.signature: want the file's optional, have %q", demo.Signature)
	}
	if have, want := string(demo.Plugins["autoreply"].Config), `{"keywords":{"hi":"hello"}}`; have != want {
		t.Errorf("plugin config: want %s, have %s", want, have)
	}
	if have := demo.Plugins["autoreply"].Deadline; have != 500*time.Millisecond {
		t.Errorf("plugin deadline: want the file's 500ms, have %v", have)
	}

	// A tenant id from the environment is lower-cased, and its relative
	// paths are relative to the current folder, not the file's.
	other, ok := cfg.Tenants["other"]
	if !ok {
		t.Fatalf("want tenant %q from the environment, have tenants %v", "other", cfg.Tenants)
	}
	if want := []string{"o-one"}; !reflect.DeepEqual(other.Secrets, want) {
		t.Errorf("tenants.other.secrets: want %q, have %q", want, other.Secrets)
	}
	if other.PluginDir != "relative/plugins" {
		t.Errorf("tenants.other.plugins: want relative/plugins, have %q", other.PluginDir)
	}
}

func TestLoadFlagsOverrideEnv(t *testing.T) {
	path := writeFile(t, t.TempDir(), "bubblehost.yaml", fullFile)
	env := []string{
		"BUBBLEHOST_LISTEN=127.0.0.1:7070",
		"BUBBLEHOST_DATA_DIR=/from/env",
		"BUBBLEHOST_LOG__FORMAT=text",
	}
	flags := serveFlags(t, "--listen", "127.0.0.1:6060", "--log-level", "error", "--config", path)

	cfg, logConfig, err := config.Load(path, env, flags)
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}

	if cfg.Listen != "127.0.0.1:6060" {
		t.Errorf("listen: want the flag's value, have %q", cfg.Listen)
	}
	if cfg.DataDir != "/from/env" {
		t.Errorf("data_dir: want the environment's value (no flag given), have %q", cfg.DataDir)
	}
	if logConfig.Level != slog.LevelError {
		t.Errorf("log.level: want the flag's error, have %v", logConfig.Level)
	}
	if logConfig.Format != config.LogFormatText {
		t.Errorf("log.format: want the environment's text, have %q", logConfig.Format)
	}
}

func TestLoadUnsetFlagsKeepFile(t *testing.T) {
	path := writeFile(t, t.TempDir(), "bubblehost.yaml", fullFile)

	cfg, logConfig, err := config.Load(path, nil, serveFlags(t))
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}
	if cfg.Listen != "127.0.0.1:9090" {
		t.Errorf("listen: want the file's value, have the flag default %q", cfg.Listen)
	}
	if logConfig.Level != slog.LevelDebug {
		t.Errorf("log.level: want the file's debug, have %v", logConfig.Level)
	}
}

func TestLoadWithoutFile(t *testing.T) {
	env := []string{"BUBBLEHOST_TENANTS__DEMO__SIGNATURE=off"}

	cfg, _, err := config.Load("", env, serveFlags(t, "--data-dir", "state"))
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}
	if cfg.DataDir != "state" {
		t.Errorf("data_dir: want state, have %q", cfg.DataDir)
	}
	if have := cfg.Tenants["demo"].PluginDir; have != filepath.Join("plugins", "demo") {
		t.Errorf("plugins: want plugins/demo relative to the current folder, have %q", have)
	}
}

func TestLoadSecretsFileAndTokenFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "demo.secrets", "# rotated 2025-12\n\nnew-secret\n  old-secret  \r\n# retired\n")
	writeFile(t, dir, "demo.token", "\n token-from-file \n")
	path := writeFile(t, dir, "bubblehost.yaml", `tenants:
  demo:
    secrets: [inline]
    secrets_file: demo.secrets
    token_file: demo.token
`)

	cfg, _, err := config.Load(path, nil, nil)
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}

	demo := cfg.Tenants["demo"]
	if want := []string{"inline", "new-secret", "old-secret"}; !reflect.DeepEqual(demo.Secrets, want) {
		t.Errorf("secrets: want %q, have %q", want, demo.Secrets)
	}
	if demo.Token != "token-from-file" {
		t.Errorf("token: want the trimmed file contents, have %q", demo.Token)
	}
}

func TestLoadSecretsFileFromEnv(t *testing.T) {
	dir := t.TempDir()
	secretsPath := writeFile(t, dir, "demo.secrets", "env-file-secret\n")
	env := []string{"BUBBLEHOST_TENANTS__DEMO__SECRETS_FILE=" + secretsPath}

	cfg, _, err := config.Load("", env, nil)
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}
	if want := []string{"env-file-secret"}; !reflect.DeepEqual(cfg.Tenants["demo"].Secrets, want) {
		t.Errorf("secrets: want %q, have %q", want, cfg.Tenants["demo"].Secrets)
	}
}

// validTenant is a tenant section that loads without error, for cases that
// add one problem to it.
const validTenant = "tenants:\n  demo:\n    secrets: [s]\n"

func TestLoadErrorNamesKeyAndSource(t *testing.T) {
	tests := []struct {
		name string
		file string
		env  []string
		// wantKey and wantText describe the only expected error.
		wantKey  string
		wantText string
		// wantEnv is the variable the error should name, or "" for the file.
		wantEnv string
	}{
		{
			name:     "unknown top-level key",
			file:     "lisen: 127.0.0.1:1\n" + validTenant,
			wantKey:  "lisen",
			wantText: "unknown key. Did you mean listen?",
		},
		{
			name:     "unknown key without suggestion",
			file:     "frobnicate: true\n" + validTenant,
			wantKey:  "frobnicate",
			wantText: "Valid keys here: listen, data_dir,",
		},
		{
			name:     "unknown tenant key",
			file:     validTenant + "    tokne: x\n",
			wantKey:  "tenants.demo.tokne",
			wantText: "Did you mean token?",
		},
		{
			name:     "unknown plugin key",
			file:     validTenant + "    plugin:\n      echo:\n        timeout: 1s\n",
			wantKey:  "tenants.demo.plugin.echo.timeout",
			wantText: "unknown key",
		},
		{
			name:     "wrong type for integer",
			file:     "queue_size: lots\n" + validTenant,
			wantKey:  "queue_size",
			wantText: "invalid type: have a string, expected an integer",
		},
		{
			name:     "negative integer",
			file:     "queue_size: -1\n" + validTenant,
			wantKey:  "queue_size",
			wantText: "invalid value -1, expected 0 or more",
		},
		{
			name:     "fractional integer",
			file:     validTenant + "    instances: 1.5\n",
			wantKey:  "tenants.demo.instances",
			wantText: "invalid integer 1.5",
		},
		{
			name:     "bad duration",
			file:     "dedupe_window: 2 minutes\n" + validTenant,
			wantKey:  "dedupe_window",
			wantText: `invalid duration "2 minutes"`,
		},
		{
			name:     "duration without unit",
			file:     "shutdown_timeout: 10\n" + validTenant,
			wantKey:  "shutdown_timeout",
			wantText: "have an integer, expected a duration such as 2s",
		},
		{
			name:     "negative duration",
			file:     validTenant + "    deadline: -1s\n",
			wantKey:  "tenants.demo.deadline",
			wantText: `invalid duration "-1s", expected 0 or more`,
		},
		{
			name:     "bad listen address",
			file:     "listen: localhost\n" + validTenant,
			wantKey:  "listen",
			wantText: `invalid address "localhost", expected host:port`,
		},
		{
			name:     "empty data dir",
			file:     "data_dir: \"\"\n" + validTenant,
			wantKey:  "data_dir",
			wantText: "empty value",
		},
		{
			name:     "bad log level",
			file:     "log: {level: loud}\n" + validTenant,
			wantKey:  "log.level",
			wantText: `invalid value "loud", expected one of debug, info, warn, error`,
		},
		{
			name:     "bad log format",
			file:     "log: {format: xml}\n" + validTenant,
			wantKey:  "log.format",
			wantText: `invalid value "xml", expected one of auto, text, json`,
		},
		{
			name:     "log not a mapping",
			file:     "log: debug\n" + validTenant,
			wantKey:  "log",
			wantText: "have a string, expected a mapping",
		},
		{
			name:     "bad signature mode",
			file:     validTenant + "    signature: requird\n",
			wantKey:  "tenants.demo.signature",
			wantText: `invalid value "requird", expected one of required, optional, off`,
		},
		{
			name:     "required signature without secret",
			file:     "tenants:\n  demo:\n    token: t\n",
			wantKey:  "tenants.demo.secrets",
			wantText: `tenant "demo" requires signed webhooks but has no secret`,
		},
		{
			name:     "empty secret list",
			file:     "tenants:\n  demo:\n    secrets: []\n",
			wantKey:  "tenants.demo.secrets",
			wantText: "has no secret",
		},
		{
			name:     "empty secret entry",
			file:     "tenants:\n  demo:\n    secrets: [s, \"\"]\n",
			wantKey:  "tenants.demo.secrets[1]",
			wantText: "empty secret",
		},
		{
			name:     "secrets not a list",
			file:     "tenants:\n  demo:\n    secrets: s\n",
			wantKey:  "tenants.demo.secrets",
			wantText: "have a string, expected a list of strings",
		},
		{
			name:     "secrets file missing",
			file:     "tenants:\n  demo:\n    secrets_file: no-such-file\n",
			wantKey:  "tenants.demo.secrets_file",
			wantText: "cannot read the file",
		},
		{
			name:     "secrets file without secrets",
			file:     "tenants:\n  demo:\n    secrets_file: comments.secrets\n",
			wantKey:  "tenants.demo.secrets_file",
			wantText: "contains no secret",
		},
		{
			name:     "token and token file",
			file:     validTenant + "    token: t\n    token_file: token.txt\n",
			wantKey:  "tenants.demo.token_file",
			wantText: "cannot be set together with tenants.demo.token",
		},
		{
			name:     "empty token file",
			file:     validTenant + "    token_file: empty.txt\n",
			wantKey:  "tenants.demo.token_file",
			wantText: "is empty, expected the bot token",
		},
		{
			name:     "relative api base",
			file:     validTenant + "    api_base: /api/bot/v1\n",
			wantKey:  "tenants.demo.api_base",
			wantText: `invalid URL "/api/bot/v1"`,
		},
		{
			name:     "api base not http",
			file:     validTenant + "    api_base: ftp://bubble.example.com/\n",
			wantKey:  "tenants.demo.api_base",
			wantText: "expected an absolute http or https URL",
		},
		{
			name:     "negative bot user id",
			file:     validTenant + "    bot_user_id: -5\n",
			wantKey:  "tenants.demo.bot_user_id",
			wantText: "invalid value -5",
		},
		{
			name:     "memory limit bad unit",
			file:     validTenant + "    memory_limit: 128MB\n",
			wantKey:  "tenants.demo.memory_limit",
			wantText: `invalid size "128MB"`,
		},
		{
			name:     "memory limit too large",
			file:     validTenant + "    memory_limit: 5GiB\n",
			wantKey:  "tenants.demo.memory_limit",
			wantText: "expected at most 4GiB",
		},
		{
			name:     "tenant id upper case",
			file:     "tenants:\n  Demo:\n    secrets: [s]\n",
			wantKey:  "tenants.Demo",
			wantText: `invalid tenant id "Demo"`,
		},
		{
			name:     "plugin name invalid",
			file:     validTenant + "    plugin:\n      Auto.Reply: {}\n",
			wantKey:  "tenants.demo.plugin.Auto.Reply",
			wantText: `invalid plugin name "Auto.Reply"`,
		},
		{
			name:     "no tenants",
			file:     "listen: 127.0.0.1:1\n",
			wantKey:  "tenants",
			wantText: "no tenant configured",
		},
		{
			name:     "tenants not a mapping",
			file:     "tenants: [demo]\n",
			wantKey:  "tenants",
			wantText: "have a list, expected a mapping",
		},
		{
			name:     "env bad integer",
			file:     validTenant,
			env:      []string{"BUBBLEHOST_QUEUE_SIZE=abc"},
			wantKey:  "queue_size",
			wantText: `invalid integer "abc"`,
			wantEnv:  "BUBBLEHOST_QUEUE_SIZE",
		},
		{
			name:     "env unknown key",
			file:     validTenant,
			env:      []string{"BUBBLEHOST_TENANTS__DEMO__TOKNE=x"},
			wantKey:  "tenants.demo.tokne",
			wantText: "Did you mean token?",
			wantEnv:  "BUBBLEHOST_TENANTS__DEMO__TOKNE",
		},
		{
			name:     "env bad duration",
			file:     validTenant,
			env:      []string{"BUBBLEHOST_TENANTS__DEMO__DEADLINE=2secs"},
			wantKey:  "tenants.demo.deadline",
			wantText: `invalid duration "2secs"`,
			wantEnv:  "BUBBLEHOST_TENANTS__DEMO__DEADLINE",
		},
		{
			name:     "env plugin config not yaml",
			file:     validTenant,
			env:      []string{"BUBBLEHOST_TENANTS__DEMO__PLUGIN__ECHO__CONFIG={unclosed"},
			wantKey:  "tenants.demo.plugin.echo.config",
			wantText: "invalid YAML or JSON value",
			wantEnv:  "BUBBLEHOST_TENANTS__DEMO__PLUGIN__ECHO__CONFIG",
		},
		{
			name:     "env tenant without secret",
			env:      []string{"BUBBLEHOST_TENANTS__ENVONLY__TOKEN=t"},
			file:     validTenant,
			wantKey:  "tenants.envonly.secrets",
			wantText: `tenant "envonly" requires signed webhooks`,
			wantEnv:  "BUBBLEHOST_TENANTS__ENVONLY__TOKEN",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "comments.secrets", "# only a comment\n\n")
			writeFile(t, dir, "token.txt", "t\n")
			writeFile(t, dir, "empty.txt", " \n")
			path := writeFile(t, dir, "bubblehost.yaml", tt.file)

			_, _, err := config.Load(path, tt.env, nil)
			errs := loadErrors(t, err)
			if len(errs) != 1 {
				t.Fatalf("want 1 error, have %d:\n%v", len(errs), errs)
			}
			have := errs[0]

			if have.Key != tt.wantKey {
				t.Errorf("key: want %q, have %q", tt.wantKey, have.Key)
			}
			wantSource := config.Source{Kind: config.SourceFile, Name: path}
			if tt.wantEnv != "" {
				wantSource = config.Source{Kind: config.SourceEnv, Name: tt.wantEnv}
			}
			if have.Source != wantSource {
				t.Errorf("source: want %+v, have %+v", wantSource, have.Source)
			}

			text := have.Error()
			if !strings.Contains(text, tt.wantText) {
				t.Errorf("want message containing %q, have %q", tt.wantText, text)
			}
			if !strings.Contains(text, tt.wantKey) {
				t.Errorf("want message naming %q, have %q", tt.wantKey, text)
			}
			wantPrefix := path + ": "
			if tt.wantEnv != "" {
				wantPrefix = "environment variable " + tt.wantEnv + ": "
			}
			if !strings.HasPrefix(text, wantPrefix) {
				t.Errorf("want message starting with %q, have %q", wantPrefix, text)
			}
		})
	}
}

func TestLoadFlagErrorNamesFlag(t *testing.T) {
	path := writeFile(t, t.TempDir(), "bubblehost.yaml", validTenant)

	_, _, err := config.Load(path, nil, serveFlags(t, "--log-level", "verbose"))
	errs := loadErrors(t, err)
	if len(errs) != 1 {
		t.Fatalf("want 1 error, have %d:\n%v", len(errs), errs)
	}
	if want := (config.Source{Kind: config.SourceFlag, Name: "log-level"}); errs[0].Source != want {
		t.Errorf("source: want %+v, have %+v", want, errs[0].Source)
	}
	if want := `flag --log-level: log.level: invalid value "verbose"`; !strings.HasPrefix(errs[0].Error(), want) {
		t.Errorf("want message starting with %q, have %q", want, errs[0].Error())
	}
}

func TestLoadFileProblems(t *testing.T) {
	dir := t.TempDir()
	invalid := writeFile(t, dir, "invalid.yaml", "listen: [unclosed\n")
	notMapping := writeFile(t, dir, "list.yaml", "- a\n- b\n")
	missing := filepath.Join(dir, "missing.yaml")

	tests := []struct {
		name     string
		path     string
		wantText string
	}{
		{"missing file", missing, "cannot read the config file"},
		{"invalid YAML", invalid, "invalid YAML"},
		{"not a mapping", notMapping, "invalid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := config.Load(tt.path, nil, nil)
			errs := loadErrors(t, err)
			if len(errs) != 1 {
				t.Fatalf("want 1 error, have %d:\n%v", len(errs), errs)
			}
			if !strings.HasPrefix(errs[0].Error(), tt.path+": ") {
				t.Errorf("want message starting with the path %q, have %q", tt.path, errs[0].Error())
			}
			if !strings.Contains(errs[0].Error(), tt.wantText) {
				t.Errorf("want message containing %q, have %q", tt.wantText, errs[0].Error())
			}
		})
	}
}

func TestLoadReportsAllErrors(t *testing.T) {
	path := writeFile(t, t.TempDir(), "bubblehost.yaml", `listen: nowhere
queue_size: -3
tenants:
  demo:
    secrets: [s]
    signature: sometimes
    memory_limit: lots
  Upper:
    secrets: [s]
`)
	env := []string{"BUBBLEHOST_SHUTDOWN_TIMEOUT=soon"}

	_, _, err := config.Load(path, env, serveFlags(t, "--log-format", "xml"))
	errs := loadErrors(t, err)

	wantKeys := []string{"listen", "queue_size", "shutdown_timeout", "tenants.Upper",
		"tenants.demo.memory_limit", "tenants.demo.signature", "log.format"}
	haveKeys := map[string]bool{}
	for _, e := range errs {
		haveKeys[e.Key] = true
	}
	for _, key := range wantKeys {
		if !haveKeys[key] {
			t.Errorf("want an error for %s, have:\n%v", key, errs)
		}
	}
	if len(errs) != len(wantKeys) {
		t.Errorf("want %d errors, have %d:\n%v", len(wantKeys), len(errs), errs)
	}
}

func TestLoadErrorsHideSecrets(t *testing.T) {
	const secret = "hunter2-do-not-print"
	tests := []struct {
		name string
		file string
		env  []string
	}{
		{"secret as string", "tenants:\n  demo:\n    secrets: " + secret + "\n", nil},
		{"secret in nested list", "tenants:\n  demo:\n    secrets: [[" + secret + "]]\n", nil},
		{"token as list", validTenant + "    token: [" + secret + "]\n", nil},
		{"misspelled secret key", "tenants:\n  demo:\n    secrest: [" + secret + "]\n", nil},
		{"misspelled token key", validTenant + "    tokne: " + secret + "\n", nil},
		{"secret at top level", "secret: " + secret + "\n" + validTenant, nil},
		{"env secrets as mapping", validTenant, []string{"BUBBLEHOST_TENANTS__DEMO__SECRETS__X=" + secret}},
		{"env token nested", validTenant, []string{"BUBBLEHOST_TENANTS__DEMO__TOKEN__VALUE=" + secret}},
		{"env secret with empty entry", validTenant, []string{"BUBBLEHOST_TENANTS__DEMO__SECRETS=" + secret + ","}},
		{"env misspelled key", validTenant, []string{"BUBBLEHOST_TENANTS__DEMO__SECRET=" + secret}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "bubblehost.yaml", tt.file)

			_, _, err := config.Load(path, tt.env, nil)
			errs := loadErrors(t, err)

			for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
				text := errs.Localize(i18n.Printer{Lang: lang})
				if strings.Contains(text, secret) {
					t.Errorf("error text contains the secret:\n%s", text)
				}
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("Error() contains the secret:\n%s", err.Error())
			}
		})
	}
}

func TestErrorsLocalizeChinese(t *testing.T) {
	path := writeFile(t, t.TempDir(), "bubblehost.yaml", validTenant+"    signature: sometimes\n")
	env := []string{"BUBBLEHOST_QUEUE_SIZE=many"}

	_, _, err := config.Load(path, env, nil)
	errs := loadErrors(t, err)
	text := errs.Localize(i18n.Printer{Lang: i18n.Chinese})

	for _, want := range []string{
		"配置无效：",
		"环境变量 BUBBLEHOST_QUEUE_SIZE: queue_size: 整数 \"many\" 无效",
		path + ": tenants.demo.signature: 值 \"sometimes\" 无效",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("want text containing %q, have:\n%s", want, text)
		}
	}
}

func TestParseSecrets(t *testing.T) {
	have := config.ParseSecrets([]byte("# header\n\n one \ntwo\r\n#three\n  # four\nfive"))
	want := []string{"one", "two", "five"}
	if !reflect.DeepEqual(have, want) {
		t.Errorf("want %q, have %q", want, have)
	}
}

func TestParseLog(t *testing.T) {
	logConfig, err := config.ParseLog("warn", "log-level", "text", "log-format")
	if err != nil {
		t.Fatalf("want no error, have %v", err)
	}
	if logConfig.Level != slog.LevelWarn || logConfig.Format != config.LogFormatText {
		t.Errorf("want warn/text, have %v/%s", logConfig.Level, logConfig.Format)
	}

	_, err = config.ParseLog("loud", "log-level", "xml", "log-format")
	errs := loadErrors(t, err)
	if len(errs) != 2 {
		t.Fatalf("want 2 errors, have %d:\n%v", len(errs), errs)
	}
	if !strings.HasPrefix(errs[0].Error(), "flag --log-format: log.format:") {
		t.Errorf("want the format error first, naming its flag, have %q", errs[0].Error())
	}
}
