package cli

import (
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/config"
)

func TestSettingsReloaderAppliesLevelAndWarns(t *testing.T) {
	running := config.Settings{
		Host:  config.DefaultConfig(),
		Log:   config.LogConfig{Level: slog.LevelInfo, Format: config.LogFormatJSON},
		Admin: config.AdminConfig{Listen: "127.0.0.1:8081", Token: "admin-token-0123456789"},
	}
	next := running
	next.Host.QueueSize = 7
	next.Log = config.LogConfig{Level: slog.LevelDebug, Format: config.LogFormatText}
	next.Admin.Listen = "127.0.0.1:9091"
	next.TLS = config.TLSConfig{CertFile: "a.crt", KeyFile: "a.key"}

	var loadErr error
	var logs lockedBuffer
	level := new(slog.LevelVar)
	r := &settingsReloader{
		load:    func() (config.Settings, error) { return next, loadErr },
		level:   level,
		logger:  slog.New(slog.NewJSONHandler(&logs, nil)),
		running: running,
	}

	cfg, err := r.hostConfig()
	if err != nil {
		t.Fatalf("hostConfig: %v", err)
	}
	if cfg.QueueSize != 7 {
		t.Errorf("host configuration: have queue_size %d, want the reloaded 7", cfg.QueueSize)
	}
	if have := level.Level(); have != slog.LevelDebug {
		t.Errorf("log level: have %v, want DEBUG from the reloaded file", have)
	}
	for _, key := range []string{"admin", "tls", "log.format"} {
		if !strings.Contains(logs.String(), `"msg":"setting changed but takes effect only after a restart","key":"`+key+`"`) {
			t.Errorf("no restart warning for %s; log:\n%s", key, logs.String())
		}
	}
	if r.running.Admin != running.Admin || r.running.Log.Format != running.Log.Format {
		t.Errorf("running settings: have admin %+v, format %s; want the values in force", r.running.Admin, r.running.Log.Format)
	}

	// The operator lowers the level through the admin API. A reload of an
	// unchanged log.level keeps that.
	level.Set(slog.LevelWarn)
	if _, err := r.hostConfig(); err != nil {
		t.Fatalf("second hostConfig: %v", err)
	}
	if have := level.Level(); have != slog.LevelWarn {
		t.Errorf("log level after a reload with the same log.level: have %v, want WARN", have)
	}

	loadErr = errors.New("invalid configuration")
	if _, err := r.hostConfig(); err == nil {
		t.Errorf("hostConfig with a failing load: have no error")
	}
}
