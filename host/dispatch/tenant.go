// Package dispatch takes each tenant's events off the queue and runs the
// tenant's plugins for them. Events of one channel run one after another in
// the order they were queued; events of different channels run in parallel,
// up to the tenant's concurrency.
package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/host/actions"
	"github.com/bubblehost/bubblehost/host/event"
	"github.com/bubblehost/bubblehost/host/metrics"
	"github.com/bubblehost/bubblehost/host/runtime"
	"github.com/bubblehost/bubblehost/host/sched"
)

// Tenant is one bot's processing side: its plugins, its action sender and
// its own identity.
type Tenant struct {
	ID          string
	Concurrency int
	Sender      *actions.Sender
	// Sched, when set, bounds the plugin calls running at once across
	// tenants; each call takes one of its slots.
	Sched   *sched.Scheduler
	Logger  *slog.Logger
	Metrics *metrics.Metrics

	plugins   atomic.Pointer[pluginSet]
	botUserID atomic.Int64
	sent      *recentSet
	breakers  sync.Map // plugin name → *breaker
}

func (t *Tenant) breaker(plugin string) *breaker {
	b, _ := t.breakers.LoadOrStore(plugin, &breaker{})
	return b.(*breaker)
}

// NewTenant returns a tenant with no plugins.
func NewTenant(id string, concurrency int, sender *actions.Sender, logger *slog.Logger, m *metrics.Metrics) *Tenant {
	if concurrency < 1 {
		concurrency = 1
	}
	t := &Tenant{ID: id, Concurrency: concurrency, Sender: sender, Logger: logger, Metrics: m, sent: newRecentSet(4096)}
	t.plugins.Store(&pluginSet{})
	return t
}

// pluginSet is one generation of a tenant's plugins. Events hold a read
// lock on the set they run with, so a swap can wait for them to finish
// before the old plugins are closed.
type pluginSet struct {
	mu      sync.RWMutex
	retired bool
	plugins []*runtime.Plugin
}

// acquire returns the current set, read-locked. The caller must RUnlock it.
func (t *Tenant) acquire() *pluginSet {
	for {
		s := t.plugins.Load()
		s.mu.RLock()
		if !s.retired {
			return s
		}
		// Swapped between the load and the lock: take the new set.
		s.mu.RUnlock()
	}
}

// SetPlugins replaces the tenant's plugins and returns the previous ones
// once no event runs on them any more, so the caller can close those that
// are not in ps. Events that started before the swap finish on the old
// plugins; events after it run on the new ones, and no event runs on both.
func (t *Tenant) SetPlugins(ps []*runtime.Plugin) (previous []*runtime.Plugin) {
	next := &pluginSet{plugins: append([]*runtime.Plugin(nil), ps...)}
	if t.Sched != nil {
		t.Sched.SetPlugins(t.ID, len(ps))
	}
	old := t.plugins.Swap(next)
	old.mu.Lock() // waits for events running on the old set
	old.retired = true
	old.mu.Unlock()
	return old.plugins
}

// Plugins returns the tenant's current plugins.
func (t *Tenant) Plugins() []*runtime.Plugin { return t.plugins.Load().plugins }

// SetBotUserID records the bot's own user id, so its messages are ignored.
func (t *Tenant) SetBotUserID(id int64) { t.botUserID.Store(id) }

// RememberSent records a message id the bot sent. The platform echoes the
// bot's messages back as events; this recognises them even when the author
// field does not say who wrote them.
func (t *Tenant) RememberSent(id int64) { t.sent.add(id) }

// isOwn reports whether ev is about a message the bot wrote itself.
func (t *Tenant) isOwn(ev *event.Event) bool {
	switch ev.Type {
	case "MESSAGE_CREATE", "MESSAGE_UPDATE", "DM_MESSAGE_CREATE", "DM_MESSAGE_UPDATE":
	default:
		return false
	}
	if id := t.botUserID.Load(); id != 0 && ev.Fields.AuthorID == id {
		return true
	}
	return ev.Fields.ID != 0 && t.sent.has(ev.Fields.ID)
}

// Process runs every plugin of the tenant that handles ev, in parallel, and
// returns when all have finished. One plugin's failure does not stop the
// others.
func (t *Tenant) Process(ctx context.Context, ev *event.Event) {
	logger := t.Logger.With("event", ev.Type, "event_key", ev.Key[:12])
	typeLabel := metrics.TypeLabel(ev.Type)

	if t.isOwn(ev) {
		logger.Debug("ignoring the bot's own message")
		t.Metrics.EventsProcessed.WithLabelValues(t.ID, typeLabel, "own").Inc()
		return
	}

	set := t.acquire()
	defer set.mu.RUnlock()
	var targets []*runtime.Plugin
	for _, p := range set.plugins {
		if p.Handles(ev.Type) {
			targets = append(targets, p)
		}
	}
	if len(targets) == 0 {
		logger.Debug("no plugin handles this event")
		t.Metrics.EventsProcessed.WithLabelValues(t.ID, typeLabel, "unrouted").Inc()
		return
	}
	t.Metrics.EventsProcessed.WithLabelValues(t.ID, typeLabel, "routed").Inc()

	var wg sync.WaitGroup
	for _, p := range targets {
		wg.Go(func() { t.call(ctx, logger, p, ev) })
	}
	wg.Wait()
}

func (t *Tenant) call(ctx context.Context, logger *slog.Logger, p *runtime.Plugin, ev *event.Event) {
	name := p.Manifest().Name
	br := t.breaker(name)
	if !br.allow(time.Now()) {
		logger.Debug("plugin paused; skipping it for this event", "plugin", name)
		t.Metrics.PluginCalls.WithLabelValues(t.ID, name, "paused").Inc()
		return
	}
	start := time.Now()
	if t.Sched != nil {
		// The wait for a guest slot is bounded by the plugin's deadline,
		// and the call then has its whole deadline, so that time spent
		// behind other plugins never counts as the plugin's own timeout.
		waitCtx, cancel := context.WithTimeout(ctx, p.Limits().Deadline)
		release, err := t.Sched.Acquire(waitCtx, t.ID, name)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				t.Metrics.PluginCalls.WithLabelValues(t.ID, name, string(runtime.OutcomeAborted)).Inc()
				logger.Info("plugin call not run: the host is stopping", "plugin", name)
				return
			}
			t.Metrics.PluginCalls.WithLabelValues(t.ID, name, string(runtime.OutcomeRejected)).Inc()
			logger.Error("plugin call not run: no free guest slot before its deadline", "plugin", name, "wait", time.Since(start))
			return
		}
		defer release()
	}
	err := p.Handle(ctx, runtime.Call{
		Event:   ev.Body,
		Actions: t.actionFunc(ev, name),
		Logger:  logger,
		LimitHit: func(limit string) {
			t.Metrics.PluginLimits.WithLabelValues(t.ID, name, limit).Inc()
		},
	})
	elapsed := time.Since(start)
	outcome := runtime.OutcomeOf(err)
	t.Metrics.PluginCalls.WithLabelValues(t.ID, name, string(outcome)).Inc()
	t.Metrics.PluginCallSeconds.WithLabelValues(t.ID, name).Observe(elapsed.Seconds())

	// Only a trap or a timeout counts against the plugin. A handler that
	// returned a failure may have been given a malformed event, which anyone
	// who can reach an unsigned tenant could send to pause the bot; an
	// aborted or unscheduled call tells nothing about the plugin.
	var paused, resumed bool
	var pause time.Duration
	switch outcome {
	case runtime.OutcomeOK:
		_, _, resumed = br.record(true, start, time.Now())
	case runtime.OutcomeTrap, runtime.OutcomeTimeout:
		paused, pause, _ = br.record(false, start, time.Now())
	}
	if paused {
		t.Metrics.PluginPauses.WithLabelValues(t.ID, name).Inc()
		logger.Warn("plugin paused after repeated failures; it will be tried again", "plugin", name, "pause", pause)
	}
	if resumed {
		logger.Info("plugin resumed after a successful call", "plugin", name)
	}

	switch outcome {
	case runtime.OutcomeOK:
		logger.Debug("plugin call finished", "plugin", name, "duration", elapsed)
	case runtime.OutcomeFailed:
		logger.Warn("plugin call failed", "plugin", name, "duration", elapsed, "err", err)
	default:
		logger.Error("plugin call stopped", "plugin", name, "outcome", outcome, "duration", elapsed, "err", err)
	}
}

// actionFunc returns the function that carries out the actions one plugin
// requests while handling ev.
func (t *Tenant) actionFunc(ev *event.Event, plugin string) runtime.ActionFunc {
	return func(ctx context.Context, req abi.ActionRequest) ([]byte, error) {
		result, err := t.action(ctx, ev, plugin, req)
		outcome := "ok"
		var ae *runtime.ActionError
		switch {
		case err == nil && string(result) == abi.QueuedResult:
			outcome = "queued"
		case errors.As(err, &ae) && ae.Code != abi.ErrFailed:
			outcome = "rejected"
		case err != nil:
			outcome = "failed"
		}
		t.Metrics.Actions.WithLabelValues(t.ID, actionLabel(req.Type), outcome).Inc()
		return result, err
	}
}

func invalid(format string, args ...any) error {
	return &runtime.ActionError{Code: abi.ErrInvalid, Message: fmt.Sprintf(format, args...)}
}

func (t *Tenant) action(ctx context.Context, ev *event.Event, plugin string, req abi.ActionRequest) ([]byte, error) {
	job := actions.Job{Content: req.Content, Plugin: plugin, EventType: ev.Type}
	need := func(ok bool, field string) error {
		switch {
		case ok:
			return nil
		case field == "content":
			return invalid("%s: content is empty", req.Type)
		}
		return invalid("%s: %s is missing or not positive", req.Type, field)
	}
	var err error

	switch req.Type {
	case abi.ActionSendMessage:
		job.Kind, job.ChannelID = actions.KindSend, req.ChannelID
		err = errors.Join(need(req.ChannelID > 0, "channelId"), need(req.Content != "", "content"))
	case abi.ActionReply:
		if ev.Fields.ChannelID <= 0 {
			return nil, &runtime.ActionError{Code: abi.ErrUnavailable, Message: fmt.Sprintf("reply: a %s event has no channel to reply in", ev.Type)}
		}
		job.Kind, job.ChannelID, job.DM = actions.KindSend, ev.Fields.ChannelID, ev.IsDM()
		err = need(req.Content != "", "content")
	case abi.ActionEditMessage:
		job.Kind, job.ChannelID, job.MessageID = actions.KindEdit, req.ChannelID, req.MessageID
		err = errors.Join(need(req.ChannelID > 0, "channelId"), need(req.MessageID > 0, "messageId"), need(req.Content != "", "content"))
		if n := actions.UTF16Len(req.Content); err == nil && n > actions.MaxMessageChars {
			err = invalid("edit_message: content is %d characters, over the platform's limit of %d", n, actions.MaxMessageChars)
		}
	case abi.ActionDeleteMessage:
		job.Kind, job.ChannelID, job.MessageID = actions.KindDelete, req.ChannelID, req.MessageID
		err = errors.Join(need(req.ChannelID > 0, "channelId"), need(req.MessageID > 0, "messageId"))
	case abi.ActionSendDM:
		job.Kind, job.UserID = actions.KindSendDM, req.UserID
		err = errors.Join(need(req.UserID > 0, "userId"), need(req.Content != "", "content"))
	case abi.ActionGetMe:
		return t.read(ctx, req.Type, "/bot/me")
	case abi.ActionGetChannel:
		if err := need(req.ChannelID > 0, "channelId"); err != nil {
			return nil, err
		}
		return t.read(ctx, req.Type, "/channels/"+strconv.FormatInt(req.ChannelID, 10))
	case abi.ActionGetMember:
		if err := errors.Join(need(req.GuildID > 0, "guildId"), need(req.UserID > 0, "userId")); err != nil {
			return nil, err
		}
		return t.read(ctx, req.Type, "/guilds/"+strconv.FormatInt(req.GuildID, 10)+"/members/"+strconv.FormatInt(req.UserID, 10))
	default:
		return nil, &runtime.ActionError{Code: abi.ErrUnknownAction, Message: fmt.Sprintf("unknown action type %q", req.Type)}
	}
	if err != nil {
		return nil, err
	}

	if !req.Wait {
		if err := t.Sender.Enqueue(job); err != nil {
			return nil, actionError(req.Type, err)
		}
		return []byte(abi.QueuedResult), nil
	}
	result, err := t.Sender.Do(ctx, job)
	if err != nil {
		return nil, actionError(req.Type, err)
	}
	return result, nil
}

func (t *Tenant) read(ctx context.Context, action, path string) ([]byte, error) {
	result, err := t.Sender.Read(ctx, action, path)
	if err != nil {
		return nil, actionError(action, err)
	}
	return result, nil
}

// actionError turns a sender's error into the code and message the guest
// reads.
func actionError(action string, err error) error {
	code := int32(abi.ErrFailed)
	switch {
	case errors.Is(err, actions.ErrQueueFull):
		code = abi.ErrLimit
	case errors.Is(err, actions.ErrDryRun), errors.Is(err, actions.ErrClosed):
		code = abi.ErrUnavailable
	case errors.Is(err, context.DeadlineExceeded):
		return &runtime.ActionError{Code: abi.ErrTimeout, Message: action + ": timed out: the plugin's deadline passed before the platform responded"}
	}
	return &runtime.ActionError{Code: code, Message: action + ": " + err.Error()}
}

func actionLabel(typ string) string {
	switch typ {
	case abi.ActionSendMessage, abi.ActionReply, abi.ActionEditMessage, abi.ActionDeleteMessage,
		abi.ActionSendDM, abi.ActionGetMe, abi.ActionGetChannel, abi.ActionGetMember:
		return typ
	}
	return "unknown"
}

// recentSet remembers the last n ids added.
type recentSet struct {
	mu   sync.Mutex
	ids  map[int64]struct{}
	ring []int64
	next int
}

func newRecentSet(n int) *recentSet {
	return &recentSet{ids: make(map[int64]struct{}, n), ring: make([]int64, n)}
}

func (s *recentSet) add(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[id]; ok {
		return
	}
	if old := s.ring[s.next]; old != 0 {
		delete(s.ids, old)
	}
	s.ring[s.next] = id
	s.ids[id] = struct{}{}
	s.next = (s.next + 1) % len(s.ring)
}

func (s *recentSet) has(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.ids[id]
	return ok
}
