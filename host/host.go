// Package host runs Bubble bots as WebAssembly plugins: it takes the
// platform's signed webhooks in, queues them, runs each tenant's plugins for
// every event and sends the actions they ask for through the HTTP API.
package host

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
)

// Host is one running bubblehost: every tenant's intake, queue, plugins and
// action senders.
type Host struct {
	cfg    Config
	logger *slog.Logger
}

// New checks cfg and builds a host. It loads nothing yet; Start does.
func New(cfg Config, logger *slog.Logger) (*Host, error) {
	return nil, errors.New("host: not implemented yet")
}

// Start loads every tenant's plugins and starts processing events. A plugin
// that fails to load is logged and skipped; the host serves on without it.
func (h *Host) Start(ctx context.Context) error {
	return errors.New("host: not implemented yet")
}

// Handler returns the host's HTTP routes: POST /webhook/{tenant},
// GET /healthz, GET /readyz and GET /metrics.
func (h *Host) Handler() http.Handler {
	return http.NotFoundHandler()
}

// Shutdown stops taking events, waits for the events in flight until ctx is
// done, and releases the plugins.
func (h *Host) Shutdown(ctx context.Context) error {
	return nil
}
