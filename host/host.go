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
	goruntime "runtime"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bubblehost/bubblehost/host/dedupe"
	"github.com/bubblehost/bubblehost/host/intake"
	"github.com/bubblehost/bubblehost/host/metrics"
	"github.com/bubblehost/bubblehost/host/queue"
	"github.com/bubblehost/bubblehost/host/runtime"
	"github.com/bubblehost/bubblehost/host/sched"
)

// Host is one running bubblehost: every tenant's intake, queue, plugins and
// action senders.
type Host struct {
	logger  *slog.Logger
	metrics *metrics.Metrics
	queue   queue.Queue
	dedupe  *dedupe.Set
	intake  *intake.Handler
	engine  *runtime.Engine
	sched   *sched.Scheduler

	mu      sync.Mutex // serializes Start, Reload and Shutdown
	cfg     Config
	tenants atomic.Pointer[map[string]*tenant]
	started bool

	ready    atomic.Bool
	workCtx  context.Context    // ends when a shutdown gives up waiting
	stopWork context.CancelFunc // aborts plugin calls and API requests
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
	}
	h.workCtx, h.stopWork = context.WithCancel(context.Background())
	h.tenants.Store(&map[string]*tenant{})
	h.sched = sched.New(cfg.GuestSlots)
	h.metrics.SetQueueDepth(func() map[string]int {
		depths := map[string]int{}
		for id := range *h.tenants.Load() {
			depths[id] = h.queue.Len(id)
		}
		return depths
	})
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

func (h *Host) lookup(id string) (intake.Tenant, bool) {
	t, ok := (*h.tenants.Load())[id]
	if !ok {
		return intake.Tenant{}, false
	}
	return *t.auth.Load(), true
}

// Start loads every tenant's plugins and starts processing events. A plugin
// that fails to load is logged and skipped; the host serves on without it.
func (h *Host) Start(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.started {
		return errors.New("host already started")
	}

	engine, err := runtime.NewEngine(ctx, runtime.EngineConfig{
		CacheDir:           h.cfg.CacheDir,
		Logger:             h.logger.With("component", "runtime"),
		LowerPriorityAfter: max(h.cfg.LowerPriorityAfter, 0),
	})
	if err != nil {
		return fmt.Errorf("starting the plugin runtime: %w", err)
	}
	h.engine = engine
	h.ensureProcs(h.logger)
	var lowerErr error
	if h.cfg.LowerPriorityAfter > 0 {
		lowerErr = sched.CheckLower()
	}
	switch {
	case h.cfg.LowerPriorityAfter <= 0:
		h.logger.Info("plugin calls run at full CPU priority", "guest_slots", h.sched.Slots())
	case lowerErr != nil:
		h.logger.Warn("lower_priority_after has no effect: cannot lower a thread's CPU priority; plugin calls run at full priority",
			"guest_slots", h.sched.Slots(), "err", lowerErr)
	default:
		h.logger.Info("plugin calls running longer than lower_priority_after continue at a lower CPU priority",
			"guest_slots", h.sched.Slots(), "lower_priority_after", h.cfg.LowerPriorityAfter)
	}

	tenants := map[string]*tenant{}
	for id, tc := range h.cfg.Tenants {
		t := h.newTenant(id, tc)
		t.start(ctx)
		tenants[id] = t
	}
	h.tenants.Store(&tenants)
	h.started = true
	h.ready.Store(true)
	return nil
}

// Reload applies a new configuration without a restart: tenants are added
// and removed, secrets, tokens and plugin settings change in place, and
// events in flight are not dropped. An invalid cfg is rejected whole and the
// running configuration stays. Settings that need a restart (listen address,
// data and cache folders, body cap, queue size, a tenant's concurrency) keep
// their running values and are reported in the log.
func (h *Host) Reload(ctx context.Context, cfg Config) error {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		h.metrics.ConfigReloads.WithLabelValues("error").Inc()
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.started {
		return errors.New("host not started")
	}

	old := h.cfg
	for key, changed := range map[string]bool{
		"listen":               cfg.Listen != old.Listen,
		"data_dir":             cfg.DataDir != old.DataDir,
		"cache_dir":            cfg.CacheDir != old.CacheDir,
		"max_body_bytes":       cfg.MaxBodyBytes != old.MaxBodyBytes,
		"queue_size":           cfg.QueueSize != old.QueueSize,
		"dedupe_window":        cfg.DedupeWindow != old.DedupeWindow,
		"guest_slots":          cfg.GuestSlots != old.GuestSlots,
		"lower_priority_after": cfg.LowerPriorityAfter != old.LowerPriorityAfter,
		"plugin_settle":        cfg.PluginSettle != old.PluginSettle,
		"plugin_rescan":        cfg.PluginRescan != old.PluginRescan,
	} {
		if changed {
			h.logger.Warn("setting changed but takes effect only after a restart", "key", key)
		}
	}
	// Keep what needs a restart, so the running config says what is in force.
	cfg.Listen, cfg.DataDir, cfg.CacheDir = old.Listen, old.DataDir, old.CacheDir
	cfg.MaxBodyBytes, cfg.QueueSize = old.MaxBodyBytes, old.QueueSize
	cfg.DedupeWindow, cfg.GuestSlots = old.DedupeWindow, old.GuestSlots
	cfg.LowerPriorityAfter = old.LowerPriorityAfter
	cfg.PluginSettle, cfg.PluginRescan = old.PluginSettle, old.PluginRescan

	current := *h.tenants.Load()
	next := make(map[string]*tenant, len(cfg.Tenants))
	var removed []*tenant
	for id, t := range current {
		if _, ok := cfg.Tenants[id]; !ok {
			removed = append(removed, t)
		}
	}
	for id, tc := range cfg.Tenants {
		if t, ok := current[id]; ok {
			if tc.Concurrency != t.config().Concurrency {
				t.logger.Warn("setting changed but takes effect only after a restart", "key", "tenants."+id+".concurrency")
				tc.Concurrency = t.config().Concurrency
				cfg.Tenants[id] = tc
			}
			t.update(ctx, tc)
			next[id] = t
			continue
		}
		t := h.newTenant(id, tc)
		t.start(ctx)
		t.logger.Info("tenant added")
		next[id] = t
	}
	h.tenants.Store(&next)
	h.cfg = cfg

	for _, t := range removed {
		t.logger.Info("tenant removed; finishing its accepted events")
		go t.stop(context.Background())
	}
	h.metrics.ConfigReloads.WithLabelValues("ok").Inc()
	h.logger.Info("configuration reloaded", "tenants", len(next), "removed", len(removed))
	return nil
}

// Handler returns the host's HTTP routes: POST /webhook/{tenant},
// GET /healthz, GET /readyz and GET /metrics.
func (h *Host) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/webhook/{tenant}", h.intake)
	// Anything else gets a JSON answer too, as a webhook client expects.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintln(w, `{"error":"not_found","message":"no such endpoint; webhooks go to POST /webhook/{tenant}"}`)
	})
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
// already accepted until ctx is done, then releases the plugins. Events not
// finished when ctx ends are lost: each tenant logs their keys, and the
// returned error counts them. Serve h.Handler until Shutdown returns, so
// that the platform gets 503 and retries instead of a refused connection.
func (h *Host) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()

	h.ready.Store(false)
	h.intake.Stop()
	h.queue.Close()

	tenants := *h.tenants.Load()
	var wg sync.WaitGroup
	errs := make(chan error, len(tenants))
	for _, t := range tenants {
		wg.Go(func() { errs <- t.stop(ctx) })
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		if err != nil {
			all = append(all, err)
		}
	}
	h.stopWork()

	if h.engine != nil {
		if err := h.engine.Close(context.Background()); err != nil {
			all = append(all, fmt.Errorf("closing the plugin runtime: %w", err))
		}
	}
	return errors.Join(all...)
}

// ensureProcs makes sure guests holding every guest slot still leave the
// Go scheduler one P per CPU for intake, dispatch and the action senders.
// It only ever raises GOMAXPROCS.
func (h *Host) ensureProcs(l *slog.Logger) {
	want := goruntime.NumCPU() + h.sched.Slots()
	if have := goruntime.GOMAXPROCS(0); have < want {
		goruntime.GOMAXPROCS(want)
		l.Info("raised GOMAXPROCS so that running plugins cannot take every P", "from", have, "to", want,
			"guest_slots", h.sched.Slots())
	}
}

// Metrics returns the host's metrics.
func (h *Host) Metrics() *metrics.Metrics { return h.metrics }
