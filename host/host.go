// Package host runs Bubble bots as WebAssembly plugins: it takes the
// platform's signed webhooks in, queues them, runs each tenant's plugins for
// every event and sends the actions they ask for through the HTTP API.
package host

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bubblehost/bubblehost/host/actions"
	"github.com/bubblehost/bubblehost/host/dedupe"
	"github.com/bubblehost/bubblehost/host/dispatch"
	"github.com/bubblehost/bubblehost/host/intake"
	"github.com/bubblehost/bubblehost/host/metrics"
	"github.com/bubblehost/bubblehost/host/queue"
	"github.com/bubblehost/bubblehost/host/runtime"
	"github.com/bubblehost/bubblehost/host/signature"
)

// Host is one running bubblehost: every tenant's intake, queue, plugins and
// action senders.
type Host struct {
	cfg     Config
	logger  *slog.Logger
	metrics *metrics.Metrics
	queue   queue.Queue
	dedupe  *dedupe.Set
	intake  *intake.Handler
	engine  *runtime.Engine
	tenants map[string]*tenant

	ready    atomic.Bool
	stopWork context.CancelFunc // aborts plugin calls and API requests
	workCtx  context.Context
	runners  sync.WaitGroup
	senders  sync.WaitGroup
}

// tenant is everything the host keeps for one bot.
type tenant struct {
	id       string
	cfg      TenantConfig
	auth     intake.Tenant
	dispatch *dispatch.Tenant
	sender   *actions.Sender
	client   *actions.Client // nil in a dry run
	plugins  []*runtime.Plugin
	logger   *slog.Logger
}

// New checks cfg, fills in defaults and builds a host. It loads no plugins
// yet; Start does.
func New(cfg Config, logger *slog.Logger) (*Host, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}

	h := &Host{
		cfg:     cfg,
		logger:  logger,
		metrics: metrics.New(),
		queue:   queue.NewMemory(cfg.QueueSize),
		dedupe:  dedupe.New(cfg.DedupeWindow),
		tenants: map[string]*tenant{},
	}
	h.workCtx, h.stopWork = context.WithCancel(context.Background())

	for id, tc := range cfg.Tenants {
		h.tenants[id] = h.newTenant(id, tc)
	}
	h.intake = intake.New(intake.Config{
		Lookup:       h.lookup,
		Queue:        h.queue,
		Dedupe:       h.dedupe,
		MaxBodyBytes: cfg.MaxBodyBytes,
		Logger:       logger.With("component", "intake"),
		Metrics:      h.metrics,
	})
	return h, nil
}

func (h *Host) newTenant(id string, tc TenantConfig) *tenant {
	logger := h.logger.With("tenant", id)
	t := &tenant{id: id, cfg: tc, logger: logger}

	mode := intake.Required
	switch tc.Signature {
	case SignatureOptional:
		mode = intake.Optional
	case SignatureOff:
		mode = intake.Off
	}
	t.auth = intake.Tenant{Mode: mode, Verifier: signature.NewVerifier(tc.Secrets)}

	if tc.Token != "" {
		t.client = actions.NewClient(tc.APIBase, tc.Token, nil)
	}
	t.dispatch = dispatch.NewTenant(id, tc.Concurrency, nil, logger, h.metrics)
	t.sender = actions.NewSender(actions.SenderConfig{
		Tenant:  id,
		Client:  t.client,
		OnSent:  t.dispatch.RememberSent,
		Logger:  logger.With("component", "actions"),
		Metrics: h.metrics,
	})
	t.dispatch.Sender = t.sender
	if tc.BotUserID != 0 {
		t.dispatch.SetBotUserID(tc.BotUserID)
	}
	return t
}

func (h *Host) lookup(id string) (intake.Tenant, bool) {
	t, ok := h.tenants[id]
	if !ok {
		return intake.Tenant{}, false
	}
	return t.auth, true
}

// Start loads every tenant's plugins and starts processing events. A plugin
// that fails to load is logged and skipped; the host serves on without it.
func (h *Host) Start(ctx context.Context) error {
	engine, err := runtime.NewEngine(ctx, runtime.EngineConfig{
		CacheDir: h.cfg.CacheDir,
		Logger:   h.logger.With("component", "runtime"),
	})
	if err != nil {
		return fmt.Errorf("starting the plugin runtime: %w", err)
	}
	h.engine = engine

	for _, t := range h.tenants {
		if t.cfg.Signature != SignatureRequired {
			t.logger.Warn("tenant accepts unsigned webhooks; anyone who knows its URL can send it events",
				"signature", string(t.cfg.Signature))
		}
		if t.client == nil {
			t.logger.Warn("tenant has no API token; replies are logged instead of sent")
		}
		plugins := h.loadPlugins(ctx, t)
		t.plugins = plugins
		t.dispatch.SetPlugins(plugins)
		t.logger.Info("tenant ready", "plugins", len(plugins), "plugin_dir", t.cfg.PluginDir)

		h.senders.Add(1)
		go func() {
			defer h.senders.Done()
			t.sender.Run(h.workCtx)
		}()
		h.runners.Add(1)
		go func() {
			defer h.runners.Done()
			t.dispatch.Run(h.workCtx, h.queue, h.workCtx)
		}()
		if t.client != nil && t.cfg.BotUserID == 0 {
			go h.learnBotUser(t)
		}
	}
	h.ready.Store(true)
	return nil
}

// learnBotUser asks the platform who the bot is, so its own messages can be
// ignored, retrying with back-off until the host stops.
func (h *Host) learnBotUser(t *tenant) {
	wait := time.Second
	for {
		ctx, cancel := context.WithTimeout(h.workCtx, 10*time.Second)
		me, err := t.client.Me(ctx)
		cancel()
		if err == nil {
			t.dispatch.SetBotUserID(me.UserID())
			t.logger.Info("learned the bot's user id", "bot_user_id", me.UserID())
			return
		}
		t.logger.Warn("asking the platform for the bot's user id failed; retrying", "err", err, "wait", wait)
		select {
		case <-time.After(wait):
		case <-h.workCtx.Done():
			return
		}
		wait = min(wait*2, 5*time.Minute)
	}
}

// Handler returns the host's HTTP routes: POST /webhook/{tenant},
// GET /healthz, GET /readyz and GET /metrics.
func (h *Host) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/webhook/{tenant}", h.intake)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !h.ready.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready")
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(h.metrics.Registry, promhttp.HandlerOpts{}))
	return mux
}

// Shutdown stops taking events (new requests get 503), processes the events
// already accepted until ctx is done, then releases the plugins. Events still
// queued when ctx ends are lost and counted in the returned error.
func (h *Host) Shutdown(ctx context.Context) error {
	h.ready.Store(false)
	h.intake.Stop()
	h.queue.Close()

	var errs []error
	if !waitGroup(ctx, &h.runners) {
		left := 0
		for id := range h.tenants {
			left += h.queue.Len(id)
		}
		// TODO: name the unfinished events by key; the durable queue keeps
		// them for the next start instead.
		h.logger.Error("shutdown timed out; abandoning events", "queued", left)
		errs = append(errs, fmt.Errorf("shutdown timed out with %d events still queued", left))
		h.stopWork()
		h.runners.Wait()
	}
	for _, t := range h.tenants {
		t.sender.Close()
	}
	if !waitGroup(ctx, &h.senders) {
		h.logger.Error("shutdown timed out; abandoning unsent actions")
		errs = append(errs, errors.New("shutdown timed out with actions unsent"))
		h.stopWork()
		h.senders.Wait()
	}
	h.stopWork()

	closeCtx := context.Background()
	for _, t := range h.tenants {
		for _, p := range t.plugins {
			p.Close(closeCtx)
		}
	}
	if h.engine != nil {
		if err := h.engine.Close(closeCtx); err != nil {
			errs = append(errs, fmt.Errorf("closing the plugin runtime: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Metrics returns the host's metrics.
func (h *Host) Metrics() *metrics.Metrics { return h.metrics }

func waitGroup(ctx context.Context, wg *sync.WaitGroup) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}
