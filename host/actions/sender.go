package actions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/bubblehost/bubblehost/host/metrics"
)

// The host's limit per bot. The platform allows 5 requests a second with a
// burst of 10; the host stays below both. Requests leave the host's bucket
// and reach the platform's later, by a delay that varies: a request delayed
// less than the one before it finds the platform's bucket short by the
// difference. Two tokens of burst absorb 400 ms of such variation, and the
// slower refill widens the margin by 0.2 tokens every second of steady
// sending. The cost is 4 % of the throughput.
const (
	RateLimit = 4.8
	RateBurst = 8
)

var (
	// ErrQueueFull is returned by Enqueue and Do when the bot, or the
	// plugin, has too many actions waiting.
	ErrQueueFull = errors.New("too many actions waiting for this bot")
	// ErrDryRun is returned for requests that need the platform's response
	// when no API token is set.
	ErrDryRun = errors.New("no API token is set, so the host cannot ask the platform (dry run)")
	// ErrClosed is returned for jobs submitted after Close.
	ErrClosed = errors.New("sender closed")
)

// Kind is the kind of change a Job makes.
type Kind string

const (
	// KindSend sends Content to ChannelID (a DM channel when DM is set).
	KindSend Kind = "send"
	// KindEdit replaces the content of message MessageID in ChannelID.
	KindEdit Kind = "edit"
	// KindDelete deletes message MessageID in ChannelID.
	KindDelete Kind = "delete"
	// KindSendDM sends Content to user UserID in a direct message.
	KindSendDM Kind = "send_dm"
)

// Job is one change a plugin asked for.
type Job struct {
	// Kind defaults to KindSend.
	Kind      Kind
	ChannelID int64
	MessageID int64
	UserID    int64
	DM        bool
	Content   string
	// Plugin and EventType tag the job's log lines and its fair share.
	Plugin    string
	EventType string
}

func (j Job) kind() Kind {
	if j.Kind == "" {
		return KindSend
	}
	return j.Kind
}

// SenderConfig configures a Sender.
type SenderConfig struct {
	Tenant string
	// Client sends the requests. Nil makes the sender a dry run: each job is
	// logged instead of sent, and reads fail with ErrDryRun.
	Client *Client
	// QueueSize caps the jobs waiting for the bot. Default 256.
	QueueSize int
	// PluginQueueSize caps the jobs waiting for one plugin, so one plugin
	// cannot fill the bot's queue. Default min(64, QueueSize).
	PluginQueueSize int
	// MaxAttempts caps the tries of one request after network errors and
	// 5xx responses, the first included. Default 5. A 429 response is waited
	// out and tried again until the job's context ends.
	MaxAttempts int
	// InitialBackoff is the first wait after a failure; it doubles up to
	// 30 s, with jitter. Default 500 ms.
	InitialBackoff time.Duration
	// RateLimit and RateBurst override the host's limit (RateLimit and
	// RateBurst above), for a platform that allows more. Zero keeps the
	// defaults.
	RateLimit rate.Limit
	RateBurst int
	// OnSent receives the id of each message the bot sent, so the host can
	// recognise the message when the platform echoes it back as an event.
	OnSent  func(messageID int64)
	Logger  *slog.Logger
	Metrics *metrics.Metrics
}

// Sender carries out one bot's jobs and reads. Jobs run one at a time, in
// order for each plugin, taking the plugins' queues in turn so that a busy
// plugin does not starve the others. Every request, reads included, shares
// the bot's rate limit, and a 429 response pauses all of them.
type Sender struct {
	cfg     SenderConfig
	limiter *rate.Limiter
	client  atomic.Pointer[Client] // nil in a dry run

	mu          sync.Mutex
	queues      map[string][]*pending
	turns       []string // plugins with queued jobs, in turn order
	total       int
	closed      bool
	pausedUntil time.Time
	dmChannels  map[int64]int64 // user id → DM channel id

	wake chan struct{}
	done chan struct{}
}

// pending is a queued job. A job someone waits for has a result channel and
// the waiter's context.
type pending struct {
	job    Job
	ctx    context.Context
	result chan result
}

type result struct {
	body []byte
	err  error
}

// NewSender returns a sender; Run starts it.
func NewSender(cfg SenderConfig) *Sender {
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 256
	}
	if cfg.PluginQueueSize <= 0 {
		cfg.PluginQueueSize = min(64, cfg.QueueSize)
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.InitialBackoff <= 0 {
		cfg.InitialBackoff = 500 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = RateLimit
	}
	if cfg.RateBurst == 0 {
		cfg.RateBurst = RateBurst
	}
	s := &Sender{
		cfg:        cfg,
		limiter:    rate.NewLimiter(cfg.RateLimit, cfg.RateBurst),
		queues:     map[string][]*pending{},
		dmChannels: map[int64]int64{},
		wake:       make(chan struct{}, 1),
		done:       make(chan struct{}),
	}
	s.client.Store(cfg.Client)
	return s
}

// SetClient replaces the API client, for example after the token was
// rotated. Nil makes the sender a dry run. Requests already sent finish with
// the old client.
func (s *Sender) SetClient(c *Client) {
	s.client.Store(c)
	s.mu.Lock()
	clear(s.dmChannels) // a new token may be another bot
	s.mu.Unlock()
}

// Enqueue queues a job without waiting for it. It returns ErrQueueFull when
// the bot's or the plugin's queue has no room.
func (s *Sender) Enqueue(j Job) error {
	return s.push(&pending{job: j})
}

// Do queues a job and waits until it is done or ctx ends, and returns the
// platform's response: the message object for sends (the last piece's, for a
// split message) and edits, nothing for deletes. A job whose ctx ended
// before its turn is dropped.
func (s *Sender) Do(ctx context.Context, j Job) ([]byte, error) {
	p := &pending{job: j, ctx: ctx, result: make(chan result, 1)}
	if err := s.push(p); err != nil {
		return nil, err
	}
	select {
	case r := <-p.result:
		return r.body, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *Sender) push(p *pending) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	q := s.queues[p.job.Plugin]
	if s.total >= s.cfg.QueueSize || len(q) >= s.cfg.PluginQueueSize {
		return ErrQueueFull
	}
	if len(q) == 0 {
		s.turns = append(s.turns, p.job.Plugin)
	}
	s.queues[p.job.Plugin] = append(q, p)
	s.total++
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return nil
}

// next takes the first job of the plugin whose turn it is.
func (s *Sender) next() (*pending, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.turns) == 0 {
		return nil, false
	}
	plugin := s.turns[0]
	q := s.queues[plugin]
	p := q[0]
	q[0] = nil
	q = q[1:]
	s.turns = s.turns[1:]
	if len(q) > 0 {
		s.queues[plugin] = q
		s.turns = append(s.turns, plugin) // to the back of the line
	} else {
		delete(s.queues, plugin)
	}
	s.total--
	return p, true
}

// Run carries out jobs until ctx is done, or Close has been called and the
// queue is empty.
func (s *Sender) Run(ctx context.Context) {
	for {
		if p, ok := s.next(); ok {
			s.run(ctx, p)
			continue
		}
		select {
		case <-s.wake:
		case <-s.done:
			if p, ok := s.next(); ok {
				s.run(ctx, p)
				continue
			}
			return
		case <-ctx.Done():
			return
		}
	}
}

// Close stops new jobs; Run returns once the queued ones are done.
func (s *Sender) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.done)
	}
}

func (s *Sender) run(ctx context.Context, p *pending) {
	if p.ctx != nil {
		if p.ctx.Err() != nil {
			return // the waiter gave up before the job's turn
		}
		// A waited-for job ends with its waiter, or with the sender.
		jobCtx, cancel := context.WithCancel(p.ctx)
		stop := context.AfterFunc(ctx, cancel)
		defer func() {
			stop()
			cancel()
		}()
		ctx = jobCtx
	}

	body, err := s.execute(ctx, p.job)
	if err != nil {
		s.logFailure(p.job, err)
	}
	if p.result != nil {
		p.result <- result{body, err}
	}
}

func (s *Sender) execute(ctx context.Context, j Job) ([]byte, error) {
	logger := s.cfg.Logger.With("plugin", j.Plugin, "event", j.EventType, "action", string(j.kind()))
	client := s.client.Load()
	if client == nil {
		s.logDryRun(logger, j)
		return []byte(`{}`), nil
	}

	switch j.kind() {
	case KindSend:
		return s.sendPieces(ctx, logger, client, j.ChannelID, j.DM, j.Content)
	case KindSendDM:
		channel, err := s.dmChannel(ctx, logger, client, j.UserID)
		if err != nil {
			return nil, err
		}
		return s.sendPieces(ctx, logger, client, channel, true, j.Content)
	case KindEdit:
		if n := UTF16Len(j.Content); n > MaxMessageChars {
			return nil, fmt.Errorf("edit content is %d characters, over the platform's limit of %d; an edit cannot be split", n, MaxMessageChars)
		}
		return s.call(ctx, logger, "edit_message", func(ctx context.Context) ([]byte, error) {
			return client.EditMessage(ctx, j.ChannelID, j.MessageID, j.Content)
		}, nil)
	case KindDelete:
		_, err := s.call(ctx, logger, "delete_message", func(ctx context.Context) ([]byte, error) {
			return nil, client.DeleteMessage(ctx, j.ChannelID, j.MessageID)
		}, nil)
		return []byte(`{}`), err
	}
	return nil, fmt.Errorf("unknown job kind %q", j.Kind)
}

// sendPieces sends content, split to the platform's limit, and returns the
// response to the last piece. It stops at the first piece that fails, since
// the rest would read out of context.
func (s *Sender) sendPieces(ctx context.Context, logger *slog.Logger, client *Client, channel int64, dm bool, content string) ([]byte, error) {
	endpoint := "channel_messages"
	if dm {
		endpoint = "dm_messages"
	}
	var last []byte
	for _, piece := range Split(content, MaxMessageChars) {
		var m Message
		raw, err := s.call(ctx, logger.With("channel", channel), endpoint, func(ctx context.Context) ([]byte, error) {
			var (
				raw []byte
				err error
			)
			m, raw, err = client.SendMessage(ctx, channel, piece, dm)
			return raw, err
		}, func() {
			if s.cfg.OnSent != nil && m.ID != 0 {
				s.cfg.OnSent(m.ID)
			}
		})
		if err != nil {
			return nil, err
		}
		last = raw
	}
	return last, nil
}

// dmChannel returns the DM channel with a user, opening it the first time.
func (s *Sender) dmChannel(ctx context.Context, logger *slog.Logger, client *Client, userID int64) (int64, error) {
	s.mu.Lock()
	channel, ok := s.dmChannels[userID]
	s.mu.Unlock()
	if ok {
		return channel, nil
	}
	_, err := s.call(ctx, logger, "open_dm", func(ctx context.Context) ([]byte, error) {
		var err error
		channel, err = client.OpenDM(ctx, userID)
		return nil, err
	}, nil)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	s.dmChannels[userID] = channel
	s.mu.Unlock()
	return channel, nil
}

// Read sends a GET to path (relative to the API base) under the bot's rate
// limit and retry policy and returns the response.
func (s *Sender) Read(ctx context.Context, endpoint, path string) ([]byte, error) {
	client := s.client.Load()
	if client == nil {
		return nil, ErrDryRun
	}
	logger := s.cfg.Logger.With("action", endpoint)
	return s.call(ctx, logger, endpoint, func(ctx context.Context) ([]byte, error) {
		return client.Do(ctx, "GET", path, nil, nil)
	}, nil)
}

// call runs one request under the rate limit, retrying 429 responses after the
// wait the platform asks for and temporary failures with back-off. onSuccess
// runs before the success is counted, so that a counter that moved means its
// effects are visible.
func (s *Sender) call(ctx context.Context, logger *slog.Logger, endpoint string, do func(context.Context) ([]byte, error), onSuccess func()) ([]byte, error) {
	backoff := s.cfg.InitialBackoff
	for attempt := 1; ; attempt++ {
		if err := s.waitTurn(ctx); err != nil {
			return nil, err
		}
		raw, err := do(ctx)
		if err == nil {
			if onSuccess != nil {
				onSuccess()
			}
			s.count(endpoint, nil)
			return raw, nil
		}
		s.count(endpoint, err)

		var api *APIError
		isAPI := errors.As(err, &api)
		rateLimited := isAPI && api.Status == 429
		if !IsRetryable(err) || (!rateLimited && attempt >= s.cfg.MaxAttempts) {
			return nil, err
		}

		wait := backoff + rand.N(backoff/2+1) // jitter spreads out bots that failed together
		backoff = min(backoff*2, 30*time.Second)
		if isAPI && api.RetryAfter > 0 {
			wait = api.RetryAfter
		}
		if rateLimited {
			// Every request of this bot would be refused until then.
			s.pause(wait)
		}
		logger.Debug("retrying api request", "endpoint", endpoint, "attempt", attempt, "wait", wait, "err", err)
		if s.cfg.Metrics != nil {
			s.cfg.Metrics.APIRetries.WithLabelValues(s.cfg.Tenant, endpoint).Inc()
		}
		if !sleep(ctx, wait) {
			return nil, ctx.Err()
		}
	}
}

// waitTurn waits out a pause the platform asked for, then for a token of
// the rate limiter.
func (s *Sender) waitTurn(ctx context.Context) error {
	s.mu.Lock()
	until := s.pausedUntil
	s.mu.Unlock()
	if d := time.Until(until); d > 0 && !sleep(ctx, d) {
		return ctx.Err()
	}
	return s.limiter.Wait(ctx)
}

func (s *Sender) pause(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if until := time.Now().Add(d); until.After(s.pausedUntil) {
		s.pausedUntil = until
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Sender) count(endpoint string, err error) {
	if s.cfg.Metrics == nil {
		return
	}
	s.cfg.Metrics.APIRequests.WithLabelValues(s.cfg.Tenant, endpoint, statusLabel(err)).Inc()
}

func statusLabel(err error) string {
	var api *APIError
	switch {
	case err == nil:
		return "200"
	case errors.As(err, &api):
		return strconv.Itoa(api.Status)
	}
	return "error"
}

func (s *Sender) logDryRun(logger *slog.Logger, j Job) {
	switch j.kind() {
	case KindSend, KindSendDM:
		target := []any{"channel", j.ChannelID, "dm", j.DM}
		if j.kind() == KindSendDM {
			target = []any{"user", j.UserID, "dm", true}
		}
		for _, piece := range Split(j.Content, MaxMessageChars) {
			logger.Info("dry run: no token set, message not sent", append(target, "content", piece)...)
		}
	default:
		logger.Info("dry run: no token set, action not done", "channel", j.ChannelID, "message", j.MessageID)
	}
}

// logFailure writes the one line a failed job gets, and counts it.
func (s *Sender) logFailure(j Job, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return // the waiter or the host gave up; it reports that itself
	}
	if s.cfg.Metrics != nil {
		s.cfg.Metrics.Actions.WithLabelValues(s.cfg.Tenant, string(j.kind()), "failed").Inc()
	}
	attrs := []any{"plugin", j.Plugin, "event", j.EventType, "action", string(j.kind())}
	var api *APIError
	if errors.As(err, &api) {
		attrs = append(attrs, "status", api.Status, "code", api.Code)
	} else {
		attrs = append(attrs, "status", "error")
	}
	attrs = append(attrs, "err", err)
	s.cfg.Logger.Error("action failed", attrs...)
}
