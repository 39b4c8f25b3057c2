package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/config"
	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
	"github.com/bubblehost/bubblehost/host"
)

// Timeouts of the webhook listener. The platform waits 5 s for a response,
// and the host responds before it runs plugins, so a request that takes
// longer than these is stuck, not slow. The host caps the body size.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
)

func (c *cli) serveFlags() (*pflag.FlagSet, *string) {
	fs := c.newFlagSet("serve")
	configPath := fs.StringP("config", "c", "", c.p.Sprintf(i18n.FlagConfig))
	// These defaults are shown in the help only. config.Load reads the
	// flags that were given and leaves the rest to the file and the
	// environment.
	fs.String("listen", host.DefaultListen, c.p.Sprintf(i18n.FlagListen))
	fs.String("data-dir", host.DefaultDataDir, c.p.Sprintf(i18n.FlagDataDir))
	fs.String("log-level", "info", c.p.Sprintf(i18n.FlagLogLevel))
	fs.String("log-format", config.LogFormatAuto, c.p.Sprintf(i18n.FlagLogFormat))
	return fs, configPath
}

// serve runs the host from the configuration until a signal stops it.
func (c *cli) serve(ctx context.Context, args []string) int {
	fs, configPath := c.serveFlags()
	if done, code := c.parse(fs, "serve", args); done {
		return code
	}
	if fs.NArg() > 0 {
		c.errorf(i18n.ErrTooManyArgs, "serve", strings.Join(fs.Args(), " "), "serve")
		return ExitUsage
	}

	cfg, logConfig, err := config.Load(*configPath, c.env.Environ, fs)
	if err != nil {
		c.printConfigError(err)
		return ExitUsage
	}
	logger := c.newLogger(logConfig)
	reload := func(ctx context.Context, h *host.Host) {
		load := func() (host.Config, error) {
			cfg, _, err := config.Load(*configPath, c.env.Environ, fs)
			return cfg, err
		}
		reloadOnChange(ctx, h, *configPath, load, logger)
	}
	return c.runHost(ctx, cfg, logger, nil, reload)
}

// printConfigError prints every configuration problem in the user's
// language.
func (c *cli) printConfigError(err error) {
	if errs, ok := errors.AsType[config.Errors](err); ok {
		fmt.Fprintf(c.env.Stderr, "bubblehost: %s\n", errs.Localize(c.p))
		return
	}
	c.fail(err)
}

// runHost builds and starts the host, serves its handler on cfg.Listen and
// stops on SIGINT or SIGTERM: first the HTTP server, then the host, both
// within cfg.ShutdownTimeout. ready, when not nil, is called once the
// listener accepts connections; reload, when not nil, runs while the host
// serves to apply configuration changes. It returns the exit status.
func (c *cli) runHost(ctx context.Context, cfg host.Config, logger *slog.Logger, ready func(net.Addr), reload func(context.Context, *host.Host)) int {
	ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stopSignals()

	h, err := host.New(cfg, logger)
	if err != nil {
		logger.Error("invalid host configuration", "err", err)
		return ExitUsage
	}

	// host.Start logs a warning for each tenant that accepts unsigned
	// webhooks, so this command does not repeat it.
	logger.Info("starting bubblehost", "version", c.versionString(), "listen", cfg.Listen,
		"tenants", slices.Sorted(maps.Keys(cfg.Tenants)), "data_dir", cfg.DataDir)

	// Listening before Start reports a busy port before the plugins are
	// compiled, which can take seconds.
	listener, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		logger.Error("cannot listen for webhooks", "listen", cfg.Listen, "err", err)
		return ExitFailure
	}
	if err := h.Start(ctx); err != nil {
		listener.Close()
		logger.Error("starting the host failed", "err", err)
		c.shutdownHost(h, nil, cfg.ShutdownTimeout, logger)
		return ExitFailure
	}

	server := &http.Server{
		Handler:           h.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.With("component", "http").Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- server.Serve(listener) }()
	logger.Info("listening for webhooks", "addr", listener.Addr().String())
	if ready != nil {
		ready(listener.Addr())
	}
	reloadCtx, stopReload := context.WithCancel(ctx)
	defer stopReload()
	if reload != nil {
		go reload(reloadCtx, h)
	}

	status := ExitOK
	select {
	case <-ctx.Done():
		logger.Info("stopping: signal received", "timeout", cfg.ShutdownTimeout.String())
	case err := <-serveErr:
		logger.Error("http server failed", "err", err)
		status = ExitFailure
	}
	// From here on a second signal ends the process at once.
	stopSignals()

	if !c.shutdownHost(h, server, cfg.ShutdownTimeout, logger) {
		status = ExitFailure
	}
	logger.Info("stopped")
	return status
}

// shutdownHost stops server (when not nil) and then h, both within
// timeout, and reports whether both stopped cleanly.
func (c *cli) shutdownHost(h *host.Host, server *http.Server, timeout time.Duration, logger *slog.Logger) bool {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	clean := true
	if server != nil {
		if err := server.Shutdown(ctx); err != nil {
			logger.Warn("http server did not stop in time; closing its connections", "err", err)
			server.Close()
			clean = false
		}
	}
	if err := h.Shutdown(ctx); err != nil {
		logger.Error("host shutdown incomplete", "err", err)
		clean = false
	}
	return clean
}
