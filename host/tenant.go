package host

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bubblehost/bubblehost/host/actions"
	"github.com/bubblehost/bubblehost/host/dispatch"
	"github.com/bubblehost/bubblehost/host/intake"
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

	cancel     context.CancelFunc // stops learning the bot's id and watching plugins
	workCtx    context.Context    // ends when a stop gives up waiting
	stopWork   context.CancelFunc
	runnerDone chan struct{}
	senderDone chan struct{}

	plugins pluginState
}

func (h *Host) newTenant(id string, tc TenantConfig) *tenant {
	logger := h.logger.With("tenant", id)
	t := &tenant{id: id, host: h, logger: logger}
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
		t.dispatch.Run(t.workCtx, h.queue, t.workCtx)
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

// learnBotUser asks the platform who the bot is, so its own messages can be
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
				err = fmt.Errorf("GET /bot/me: answer has no id")
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
// ctx, then releases its plugins.
func (t *tenant) stop(ctx context.Context) error {
	h := t.host
	h.queue.CloseTenant(t.id)
	if t.cancel != nil {
		t.cancel()
	}

	var err error
	if !waitDone(ctx, t.runnerDone) {
		left := h.queue.Len(t.id)
		// TODO: name the abandoned events by key; the durable queue will
		// keep them for the next start instead.
		t.logger.Error("stop timed out; abandoning accepted events", "queued", left)
		err = fmt.Errorf("tenant %s: stop timed out with %d events still queued", t.id, left)
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

// pluginState is what the tenant knows of its plugin folder.
type pluginState struct {
	mu    sync.Mutex // serializes reloads
	files map[string]*pluginFile
	stop  context.CancelFunc // stops the folder watch
}
