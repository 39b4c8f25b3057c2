package actions

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/bubblehost/bubblehost/host/metrics"
)

// The platform's documented limit: 5 requests a second, burst 10, per bot.
const (
	RateLimit = 5
	RateBurst = 10
)

// ErrQueueFull is returned by Enqueue when the tenant has too many actions
// waiting.
var ErrQueueFull = errors.New("too many actions waiting for this bot")

// Job is one message to send.
type Job struct {
	ChannelID int64
	DM        bool
	Content   string
	// Plugin and EventType tag the job's log lines.
	Plugin    string
	EventType string
}

// SenderConfig configures a Sender.
type SenderConfig struct {
	Tenant string
	// Client sends the requests. Nil makes the sender a dry run: each job is
	// logged instead of sent.
	Client *Client
	// QueueSize caps the jobs waiting to be sent.
	QueueSize int
	// MaxAttempts caps the tries of one request, the first included.
	MaxAttempts int
	// OnSent is told the id of each message the bot sent, so the host can
	// recognise the message when the platform echoes it back as an event.
	OnSent  func(messageID int64)
	Logger  *slog.Logger
	Metrics *metrics.Metrics
}

// Sender sends one tenant's jobs in order, within the platform's rate limit
// shared by all of the tenant's plugins. Failed requests are retried when
// the failure is temporary.
type Sender struct {
	cfg     SenderConfig
	limiter *rate.Limiter
	jobs    chan Job

	closeOnce sync.Once
	done      chan struct{}
}

// NewSender returns a sender; Run starts it.
func NewSender(cfg SenderConfig) *Sender {
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 256
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Sender{
		cfg:     cfg,
		limiter: rate.NewLimiter(RateLimit, RateBurst),
		jobs:    make(chan Job, cfg.QueueSize),
		done:    make(chan struct{}),
	}
}

// Enqueue adds a job without waiting. It returns ErrQueueFull when the queue
// has no room.
func (s *Sender) Enqueue(j Job) error {
	select {
	case s.jobs <- j:
		return nil
	default:
		return ErrQueueFull
	}
}

// Run sends jobs until ctx is done or Close has been called and the queue is
// empty.
func (s *Sender) Run(ctx context.Context) {
	for {
		select {
		case j := <-s.jobs:
			s.send(ctx, j)
		case <-s.done:
			for {
				select {
				case j := <-s.jobs:
					s.send(ctx, j)
				default:
					return
				}
			}
		case <-ctx.Done():
			return
		}
	}
}

// Close makes Run return once the queue is empty.
func (s *Sender) Close() {
	s.closeOnce.Do(func() { close(s.done) })
}

func (s *Sender) send(ctx context.Context, j Job) {
	logger := s.cfg.Logger.With("plugin", j.Plugin, "event", j.EventType, "channel", j.ChannelID)
	pieces := Split(j.Content, MaxMessageChars)

	if s.cfg.Client == nil {
		for _, p := range pieces {
			logger.Info("dry run: no token set, message not sent", "dm", j.DM, "content", p)
		}
		return
	}
	for _, p := range pieces {
		m, err := s.sendWithRetry(ctx, logger, j, p)
		if err != nil {
			s.logFailure(logger, err)
			return // the rest of a split message would read out of context
		}
		if s.cfg.OnSent != nil && m.ID != 0 {
			s.cfg.OnSent(m.ID)
		}
		s.count(endpointOf(j), nil)
	}
}

func (s *Sender) sendWithRetry(ctx context.Context, logger *slog.Logger, j Job, content string) (Message, error) {
	endpoint := endpointOf(j)
	backoff := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		if err := s.limiter.Wait(ctx); err != nil {
			return Message{}, err
		}
		m, err := s.cfg.Client.SendMessage(ctx, j.ChannelID, content, j.DM)
		if err == nil {
			// Counted by the caller once the message id is remembered, so a
			// counter that moved means the echo of the message is recognised.
			return m, nil
		}
		s.count(endpoint, err)
		if !IsRetryable(err) || attempt >= s.cfg.MaxAttempts {
			return Message{}, err
		}

		wait := backoff + rand.N(backoff/2) // jitter spreads out bots that failed together
		backoff = min(backoff*2, 30*time.Second)
		var api *APIError
		if errors.As(err, &api) && api.RetryAfter > 0 {
			wait = api.RetryAfter
		}
		logger.Debug("retrying api request", "attempt", attempt, "wait", wait, "err", err)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return Message{}, ctx.Err()
		}
	}
}

func endpointOf(j Job) string {
	if j.DM {
		return "dm_messages"
	}
	return "channel_messages"
}

func (s *Sender) count(endpoint string, err error) {
	if s.cfg.Metrics == nil {
		return
	}
	status := "200"
	var api *APIError
	switch {
	case err == nil:
	case errors.As(err, &api):
		status = strconv.Itoa(api.Status)
	default:
		status = "error"
	}
	s.cfg.Metrics.APIRequests.WithLabelValues(s.cfg.Tenant, endpoint, status).Inc()
}

func (s *Sender) logFailure(logger *slog.Logger, err error) {
	var api *APIError
	if errors.As(err, &api) {
		logger.Error("sending message failed", "status", api.Status, "code", api.Code, "err", err)
		return
	}
	logger.Error("sending message failed", "err", err)
}
