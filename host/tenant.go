package host

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bubblehost/bubblehost/host/actions"
	"github.com/bubblehost/bubblehost/host/dispatch"
	"github.com/bubblehost/bubblehost/host/event"
	"github.com/bubblehost/bubblehost/host/intake"
	"github.com/bubblehost/bubblehost/host/queue"
	"github.com/bubblehost/bubblehost/host/signature"
)

// tenant is everything the host keeps for one bot.
type tenant struct {
	id       string
	host     *Host
	logger   *slog.Logger
	cfg      atomic.Pointer[TenantConfig]
	auth     atomic.Pointer[intake.Tenant]
	dispatch *dispatch.Tenant
	sender   *actions.Sender
	// dispatchQueue is the queue the dispatcher reads. It records the
	// events taken and not finished, so that a stop that times out can
	// name them.
	dispatchQueue *takenEvents

	cancel     context.CancelFunc // stops learning the bot's id and watching plugins
	workCtx    context.Context    // ends when a stop gives up waiting
	stopWork   context.CancelFunc
	runnerDone chan struct{}
	senderDone chan struct{}

	plugins pluginState
}

func (h *Host) newTenant(id string, tc TenantConfig) *tenant {
	logger := h.logger.With("tenant", id)
	t := &tenant{id: id, host: h, logger: logger, dispatchQueue: newTakenEvents(h.queue)}
	t.cfg.Store(&tc)
	t.auth.Store(authFor(tc))

	t.dispatch = dispatch.NewTenant(id, tc.Concurrency, nil, logger, h.metrics)
	t.sender = actions.NewSender(actions.SenderConfig{
		Tenant:  id,
		Client:  clientFor(tc),
		OnSent:  t.dispatch.RememberSent,
		Logger:  logger.With("component", "actions"),
		Metrics: h.metrics,
	})
	t.dispatch.Sender = t.sender
	t.dispatch.Sched = h.sched
	if tc.BotUserID != 0 {
		t.dispatch.SetBotUserID(tc.BotUserID)
	}
	t.plugins.files = map[string]*pluginFile{}
	return t
}

func authFor(tc TenantConfig) *intake.Tenant {
	mode := intake.Required
	switch tc.Signature {
	case SignatureOptional:
		mode = intake.Optional
	case SignatureOff:
		mode = intake.Off
	}
	return &intake.Tenant{Mode: mode, Verifier: signature.NewVerifier(tc.Secrets)}
}

func clientFor(tc TenantConfig) *actions.Client {
	if tc.Token == "" {
		return nil
	}
	return actions.NewClient(tc.APIBase, tc.Token, nil)
}

func (t *tenant) config() TenantConfig { return *t.cfg.Load() }

// start loads the tenant's plugins and starts its dispatcher and sender.
func (t *tenant) start(ctx context.Context) {
	tc := t.config()
	t.warnUnsafe(tc)
	t.reloadPlugins(ctx, false)
	t.logger.Info("tenant ready", "plugins", len(t.dispatch.Plugins()), "plugin_dir", tc.PluginDir)

	h := t.host
	t.workCtx, t.stopWork = context.WithCancel(h.workCtx)
	var bg context.Context
	bg, t.cancel = context.WithCancel(t.workCtx)
	t.runnerDone = make(chan struct{})
	t.senderDone = make(chan struct{})
	go func() {
		defer close(t.senderDone)
		t.sender.Run(t.workCtx)
	}()
	go func() {
		defer close(t.runnerDone)
		t.dispatch.Run(t.workCtx, t.dispatchQueue, t.workCtx)
	}()
	if tc.Token != "" && tc.BotUserID == 0 {
		go t.learnBotUser(bg)
	}
	t.watchPlugins(bg)
}

func (t *tenant) warnUnsafe(tc TenantConfig) {
	if tc.Signature != SignatureRequired {
		t.logger.Warn("tenant accepts unsigned webhooks; anyone who knows its URL can send it events",
			"signature", string(tc.Signature))
	}
	if tc.Token == "" {
		t.logger.Warn("tenant has no API token; replies are logged instead of sent")
	}
}

// update applies a changed configuration to a running tenant.
func (t *tenant) update(ctx context.Context, tc TenantConfig) {
	old := t.config()
	if reflect.DeepEqual(old, tc) {
		return
	}
	t.cfg.Store(&tc)
	t.auth.Store(authFor(tc))
	if tc.Signature != old.Signature || tc.Token != old.Token {
		t.warnUnsafe(tc)
	}
	if tc.Token != old.Token || tc.APIBase != old.APIBase {
		t.sender.SetClient(clientFor(tc))
	}
	if tc.BotUserID != old.BotUserID && tc.BotUserID != 0 {
		t.dispatch.SetBotUserID(tc.BotUserID)
	}

	limitsChanged := tc.Deadline != old.Deadline || tc.MemoryLimit != old.MemoryLimit ||
		tc.Instances != old.Instances || tc.ActionsPerEvent != old.ActionsPerEvent ||
		tc.LogBytes != old.LogBytes || tc.RequestBytes != old.RequestBytes ||
		!reflect.DeepEqual(tc.Plugins, old.Plugins)
	if tc.PluginDir != old.PluginDir || limitsChanged {
		t.reloadPlugins(ctx, limitsChanged)
	}
	if tc.PluginDir != old.PluginDir {
		t.restartWatch()
	}
	t.logger.Info("tenant configuration updated")
}

// learnBotUser requests the bot's account from the platform, so its own messages can be
// ignored, retrying with back-off until ctx ends.
func (t *tenant) learnBotUser(ctx context.Context) {
	wait := time.Second
	for {
		reqCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		body, err := t.sender.Read(reqCtx, "get_me", "/bot/me")
		cancel()
		if err == nil {
			var me actions.BotUser
			if err = decodeJSON(body, &me); err == nil && me.UserID() != 0 {
				t.dispatch.SetBotUserID(me.UserID())
				t.logger.Info("learned the bot's user id", "bot_user_id", me.UserID())
				return
			}
			if err == nil {
				err = errors.New("GET /bot/me: response has no id")
			}
		}
		t.logger.Warn("asking the platform for the bot's user id failed; retrying", "err", err, "wait", wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return
		}
		wait = min(wait*2, 5*time.Minute)
	}
}

// stop finishes the tenant's accepted events and queued actions, bounded by
// ctx, then releases its plugins. When ctx ends first, it logs the key of
// every accepted event it abandons: those running, those waiting behind
// their channel and those still queued.
func (t *tenant) stop(ctx context.Context) error {
	h := t.host
	h.queue.CloseTenant(t.id)
	if t.cancel != nil {
		t.cancel()
	}

	var err error
	if !waitDone(ctx, t.runnerDone) {
		// Stop the dispatcher from taking more events before listing what
		// it holds and what the queue still stores, so none is missed. An
		// event that finishes between the listing and stopWork is listed
		// too.
		unfinished := append(t.dispatchQueue.close(), t.drainQueue()...)
		keys := eventKeys(unfinished)
		t.logger.Error("stop timed out; abandoning accepted events", "events", len(keys), "event_keys", keys)
		err = fmt.Errorf("tenant %s: stop timed out with %d accepted events unfinished", t.id, len(keys))
		t.stopWork()
		<-t.runnerDone
	}
	t.sender.Close()
	if !waitDone(ctx, t.senderDone) {
		t.logger.Error("stop timed out; abandoning queued actions")
		if err == nil {
			err = fmt.Errorf("tenant %s: stop timed out with actions unsent", t.id)
		}
		t.stopWork()
		<-t.senderDone
	}
	t.closePlugins()
	return err
}

// drainQueue takes every event left in the tenant's queue. It must be
// called after the tenant's queue is closed.
func (t *tenant) drainQueue() []*event.Event {
	q := t.host.queue
	ended, cancel := context.WithCancel(context.Background())
	cancel() // Next returns stored events first, then the context's error.
	var events []*event.Event
	for n := q.Len(t.id); n > 0; n-- {
		d, err := q.Next(ended, t.id)
		if err != nil {
			break
		}
		events = append(events, d.Event)
	}
	return events
}

// eventKeys returns the keys of events in the order they were received,
// each shortened to 12 characters as the event_key of other log lines.
func eventKeys(events []*event.Event) []string {
	slices.SortStableFunc(events, func(a, b *event.Event) int { return a.ReceivedAt.Compare(b.ReceivedAt) })
	keys := make([]string, len(events))
	for i, ev := range events {
		keys[i] = ev.Key[:min(len(ev.Key), 12)]
	}
	return keys
}

// takenEvents is the queue a tenant's dispatcher reads: it passes every
// call to the host's queue and records each event from the moment the
// dispatcher takes it until the dispatcher acknowledges it.
type takenEvents struct {
	queue.Queue

	mu     sync.Mutex
	closed bool
	events map[*event.Event]struct{}
	calls  sync.WaitGroup // Next calls under way
}

func newTakenEvents(q queue.Queue) *takenEvents {
	return &takenEvents{Queue: q, events: map[*event.Event]struct{}{}}
}

// Next implements queue.Queue. After close it returns queue.ErrClosed.
func (q *takenEvents) Next(ctx context.Context, tenant string) (*queue.Delivery, error) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil, queue.ErrClosed
	}
	q.calls.Add(1)
	q.mu.Unlock()
	defer q.calls.Done()

	d, err := q.Queue.Next(ctx, tenant)
	if err != nil {
		return nil, err
	}
	ev := d.Event
	q.mu.Lock()
	defer q.mu.Unlock()
	q.events[ev] = struct{}{}
	if q.closed {
		// close is waiting for this call and lists the event.
		return nil, queue.ErrClosed
	}
	return queue.NewDelivery(ev, func() {
		q.mu.Lock()
		delete(q.events, ev)
		q.mu.Unlock()
		d.Ack()
	}), nil
}

// close makes Next return queue.ErrClosed and returns the events taken and
// not yet acknowledged. It waits for a Next call under way, which returns
// at once when the tenant's queue is closed.
func (q *takenEvents) close() []*event.Event {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.calls.Wait()

	q.mu.Lock()
	defer q.mu.Unlock()
	events := make([]*event.Event, 0, len(q.events))
	for ev := range q.events {
		events = append(events, ev)
	}
	return events
}

func waitDone(ctx context.Context, done <-chan struct{}) bool {
	if done == nil {
		return true
	}
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// pluginState is the tenant's view of its plugin folder.
type pluginState struct {
	mu    sync.Mutex // serializes reloads
	files map[string]*pluginFile
	stop  context.CancelFunc // stops the folder watch
}
