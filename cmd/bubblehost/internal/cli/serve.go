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
	"reflect"
	"slices"
	"strings"
	"sync"
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

// adminWriteTimeout bounds an admin response. It is longer than the admin
// API's own limit of 2 minutes on a reload, which compiles plugins.
const adminWriteTimeout = 3 * time.Minute

// serverStopTimeout bounds the stop of the HTTP servers, which comes after
// the host has drained. What they still serve then are webhook responses of
// 503 and admin requests.
const serverStopTimeout = 5 * time.Second

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

	settings, err := config.LoadSettings(*configPath, c.env.Environ, fs)
	if err != nil {
		c.printConfigError(err)
		return ExitUsage
	}
	logger, level := c.newLevelLogger(settings.Log)
	reloader := &settingsReloader{
		load: func() (config.Settings, error) {
			return config.LoadSettings(*configPath, c.env.Environ, fs)
		},
		level:   level,
		logger:  logger,
		running: settings,
	}
	return c.runHostWith(ctx, settings.Host, hostRun{
		logger: logger,
		level:  level,
		admin:  settings.Admin,
		tls:    settings.TLS,
		watch: func(ctx context.Context, h *host.Host) {
			reloadOnChange(ctx, h, *configPath, reloader.hostConfig, logger)
		},
		reloadNow: func(ctx context.Context, h *host.Host) error {
			cfg, err := reloader.hostConfig()
			if err != nil {
				return err
			}
			return h.Reload(ctx, cfg)
		},
	})
}

// settingsReloader loads the configuration again for a reload. It applies
// a changed log.level to the running logger and warns about changed
// settings of the command that need a restart. The host applies the rest.
type settingsReloader struct {
	load   func() (config.Settings, error)
	level  *slog.LevelVar
	logger *slog.Logger

	mu sync.Mutex // serializes reloads from the file watch and the admin API
	// running is the configuration in force: the last one loaded, with the
	// values in force of the settings that need a restart.
	running config.Settings
}

// hostConfig loads the configuration and returns the host's part of it.
func (r *settingsReloader) hostConfig() (host.Config, error) {
	settings, err := r.load()
	if err != nil {
		return host.Config{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()

	old := r.running
	for _, setting := range []struct {
		key     string
		changed bool
	}{
		{"admin", !reflect.DeepEqual(settings.Admin, old.Admin)},
		{"tls", !reflect.DeepEqual(settings.TLS, old.TLS)},
		{"log.format", settings.Log.Format != old.Log.Format},
	} {
		if setting.changed {
			r.logger.Warn("setting changed but takes effect only after a restart", "key", setting.key)
		}
	}
	settings.Admin, settings.TLS, settings.Log.Format = old.Admin, old.TLS, old.Log.Format

	if settings.Log.Level != old.Log.Level {
		r.level.Set(settings.Log.Level)
		r.logger.Info("log level changed by the configuration", "from", strings.ToLower(old.Log.Level.String()),
			"to", strings.ToLower(settings.Log.Level.String()))
	}
	r.running = settings
	return settings.Host, nil
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

// hostRun is the settings of one runHostWith besides the host's
// configuration.
type hostRun struct {
	logger *slog.Logger
	// level is the variable behind logger's level, which the admin API
	// changes. Nil makes the admin API's log level routes respond 501.
	level *slog.LevelVar
	admin config.AdminConfig
	tls   config.TLSConfig
	// ready, when not nil, is called once the webhook listener accepts
	// connections.
	ready func(net.Addr)
	// watch, when not nil, runs while the host serves to apply
	// configuration changes.
	watch func(context.Context, *host.Host)
	// reloadNow, when not nil, reloads the configuration for the admin
	// API's POST /v1/reload.
	reloadNow func(context.Context, *host.Host) error
}

// runHost runs the host as runHostWith does, with neither the admin API nor
// TLS.
func (c *cli) runHost(ctx context.Context, cfg host.Config, logger *slog.Logger, ready func(net.Addr), reload func(context.Context, *host.Host)) int {
	return c.runHostWith(ctx, cfg, hostRun{logger: logger, ready: ready, watch: reload})
}

// runHostWith builds and starts the host, serves its webhooks on
// cfg.Listen and, when configured, the admin API and the ACME HTTP-01
// challenges on their own listeners. On SIGINT or SIGTERM it stops the host
// within cfg.ShutdownTimeout while the listeners still serve, so that
// webhooks arriving during the drain get 503, and then stops the servers.
// It returns the exit status.
func (c *cli) runHostWith(ctx context.Context, cfg host.Config, run hostRun) int {
	ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	logger := run.logger

	h, err := host.New(cfg, logger)
	if err != nil {
		logger.Error("invalid host configuration", "err", err)
		return ExitUsage
	}

	// host.Start logs a warning for each tenant that accepts unsigned
	// webhooks, so this command does not repeat it.
	logger.Info("starting bubblehost", "version", c.versionString(), "listen", cfg.Listen,
		"tenants", slices.Sorted(maps.Keys(cfg.Tenants)), "data_dir", cfg.DataDir,
		"https", run.tls.Enabled(), "admin_listen", run.admin.Listen)

	servers, ok := c.listen(cfg, run, logger)
	if !ok {
		return ExitFailure
	}
	// Listening before Start reports a busy port before the plugins are
	// compiled, which can take seconds.
	if err := h.Start(ctx); err != nil {
		servers.closeListeners()
		logger.Error("starting the host failed", "err", err)
		c.shutdownHost(h, nil, cfg.ShutdownTimeout, logger)
		return ExitFailure
	}

	servers.webhook.server.Handler = h.Handler()
	if servers.admin != nil {
		options := host.AdminOptions{Token: run.admin.Token, LogLevel: run.level}
		if run.reloadNow != nil {
			options.Reload = func(ctx context.Context) error { return run.reloadNow(ctx, h) }
		}
		servers.admin.server.Handler = h.AdminHandler(options)
	}
	serveErr := servers.serve(logger)
	if run.ready != nil {
		run.ready(servers.webhook.listener.Addr())
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	if run.watch != nil {
		go run.watch(watchCtx, h)
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

	if !c.shutdownHost(h, servers.all(), cfg.ShutdownTimeout, logger) {
		status = ExitFailure
	}
	logger.Info("stopped")
	return status
}

// listenedServer is an HTTP server with the listener it will serve.
type listenedServer struct {
	name     string // for logs and errors
	server   *http.Server
	listener net.Listener
	https    bool
}

// hostServers are the servers of one run: webhooks always, the admin API
// and the ACME challenges when configured.
type hostServers struct {
	webhook   *listenedServer
	admin     *listenedServer
	challenge *listenedServer
}

// listen opens every listener of the run and builds its server, without a
// handler yet. On an error it logs it, closes the listeners it opened and
// returns false.
func (c *cli) listen(cfg host.Config, run hostRun, logger *slog.Logger) (*hostServers, bool) {
	var webhookTLS *webhookTLS
	if run.tls.Enabled() {
		var err error
		if webhookTLS, err = newWebhookTLS(run.tls, logger); err != nil {
			logger.Error("loading the TLS certificate failed", "err", err)
			return nil, false
		}
		warnACMEPort(run.tls, cfg.Listen, logger)
	}

	servers := &hostServers{}
	listener, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		logger.Error("cannot listen for webhooks", "listen", cfg.Listen, "err", err)
		return nil, false
	}
	servers.webhook = &listenedServer{name: "webhooks", listener: listener, server: newServer(logger, "http", writeTimeout)}
	if webhookTLS != nil {
		servers.webhook.server.TLSConfig = webhookTLS.config
		servers.webhook.https = true
	}

	admin, err := listenAdmin(run.admin, logger)
	if err != nil {
		logger.Error("cannot listen for admin requests", "admin_listen", run.admin.Listen, "err", err)
		servers.closeListeners()
		return nil, false
	}
	if admin != nil {
		servers.admin = &listenedServer{name: "admin API", listener: admin.listener, server: newServer(logger, "admin", adminWriteTimeout)}
	}

	if webhookTLS != nil && webhookTLS.challenge != nil {
		address := run.tls.ACME.HTTPListen
		listener, err := net.Listen("tcp", address)
		if err != nil {
			logger.Error("cannot listen for ACME HTTP-01 challenges", "http_listen", address, "err", err)
			servers.closeListeners()
			return nil, false
		}
		servers.challenge = &listenedServer{name: "ACME challenges", listener: listener, server: newServer(logger, "acme", writeTimeout)}
		servers.challenge.server.Handler = webhookTLS.challenge
	}
	return servers, true
}

func newServer(logger *slog.Logger, component string, write time.Duration) *http.Server {
	return &http.Server{
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      write,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.With("component", component).Handler(), slog.LevelWarn),
	}
}

// all returns the servers that were configured.
func (s *hostServers) all() []*listenedServer {
	var all []*listenedServer
	for _, server := range []*listenedServer{s.webhook, s.admin, s.challenge} {
		if server != nil {
			all = append(all, server)
		}
	}
	return all
}

func (s *hostServers) closeListeners() {
	for _, server := range s.all() {
		server.listener.Close()
	}
}

// serve starts every server and returns the channel that receives the
// first error one of them stops with.
func (s *hostServers) serve(logger *slog.Logger) <-chan error {
	errs := make(chan error, 3)
	for _, server := range s.all() {
		go func() {
			var err error
			if server.https {
				err = server.server.ServeTLS(server.listener, "", "")
			} else {
				err = server.server.Serve(server.listener)
			}
			errs <- fmt.Errorf("serving %s: %w", server.name, err)
		}()
	}
	logger.Info("listening for webhooks", "addr", s.webhook.listener.Addr().String(), "https", s.webhook.https)
	if s.admin != nil {
		logger.Info("listening for admin requests", "addr", s.admin.listener.Addr().String())
	}
	if s.challenge != nil {
		logger.Info("listening for ACME HTTP-01 challenges", "addr", s.challenge.listener.Addr().String())
	}
	return errs
}

// shutdownHost stops h within timeout while the servers still serve, so
// that intake responds 503 to webhooks of the drain and the admin API
// shows the drain. Then it stops the servers within serverStopTimeout. It
// reports whether everything stopped cleanly.
func (c *cli) shutdownHost(h *host.Host, servers []*listenedServer, timeout time.Duration, logger *slog.Logger) bool {
	clean := true
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := h.Shutdown(ctx); err != nil {
		logger.Error("host shutdown incomplete", "err", err)
		clean = false
	}

	serversCtx, cancelServers := context.WithTimeout(context.Background(), serverStopTimeout)
	defer cancelServers()
	for _, server := range servers {
		if err := server.server.Shutdown(serversCtx); err != nil {
			logger.Warn("http server did not stop in time; closing its connections", "server", server.name, "err", err)
			server.server.Close()
			clean = false
		}
	}
	return clean
}
