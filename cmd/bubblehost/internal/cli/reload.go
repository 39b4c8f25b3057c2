package cli

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/bubblehost/bubblehost/host"
)

// configSettle is how long the config file must be quiet after a change
// before it is read, so an editor's several writes make one reload.
const configSettle = 300 * time.Millisecond

// reloadOnChange reloads h's configuration with load on SIGHUP and whenever
// the file at path changes, until ctx ends. A configuration that does not
// load or validate is rejected whole: the error is logged with the keys at
// fault and the running configuration stays.
func reloadOnChange(ctx context.Context, h *host.Host, path string, load func() (host.Config, error), logger *slog.Logger) {
	watchConfig(ctx, h, path, load, logger, nil)
}

// watchConfig is reloadOnChange; watching, when not nil, is called once the
// watch is in place, so a test knows when a change will be seen.
func watchConfig(ctx context.Context, h *host.Host, path string, load func() (host.Config, error), logger *slog.Logger, watching func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	// Watch the file's folder, not the file: editors and Kubernetes replace
	// the file, which drops a watch on the file itself.
	var changes <-chan fsnotify.Event
	if path != "" {
		w, err := fsnotify.NewWatcher()
		if err == nil {
			err = w.Add(filepath.Dir(path))
		}
		if err != nil {
			logger.Warn("cannot watch the config file; reload with SIGHUP instead", "file", path, "err", err)
		} else {
			defer w.Close()
			changes = w.Events
		}
	}
	name := filepath.Base(path)
	if watching != nil {
		watching()
	}

	var settle <-chan time.Time
	for {
		reason := ""
		select {
		case <-ctx.Done():
			return
		case <-hup:
			reason = "SIGHUP"
		case ev, ok := <-changes:
			if !ok {
				changes = nil
				continue
			}
			// A ConfigMap update re-points ..data, so any change in the
			// folder may be a change of the file.
			if filepath.Base(ev.Name) == name || filepath.Base(ev.Name) == "..data" {
				settle = time.After(configSettle)
			}
			continue
		case <-settle:
			settle = nil
			reason = "config file changed"
		}

		cfg, err := load()
		if err != nil {
			h.Metrics().ConfigReloads.WithLabelValues("error").Inc()
			logger.Error("configuration reload rejected; the running configuration stays", "reason", reason, "err", err)
			continue
		}
		if err := h.Reload(ctx, cfg); err != nil {
			logger.Error("configuration reload rejected; the running configuration stays", "reason", reason, "err", err)
			continue
		}
		logger.Info("configuration reload applied", "reason", reason)
	}
}
