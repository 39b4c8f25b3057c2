package host_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bubblehost/bubblehost/host"
	"github.com/bubblehost/bubblehost/host/actions"
	"github.com/bubblehost/bubblehost/host/bubbletest"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// platformHost is a host whose only tenant talks to a fake platform, and
// which receives its events from the platform's webhook sender.
type platformHost struct {
	*host.Host
	platform *bubbletest.Platform
	sender   bubbletest.WebhookSender
	logs     *logBuffer
}

const (
	platformToken  = "platform-test-token-5d2e"
	platformSecret = "platform-test-secret-8c1a"
	platformBot    = 4242
)

// startPlatformHost starts a fake platform and a host whose tenant "demo"
// runs the given plugins against it. wrap, when set, wraps the host's
// handler, for a test that slows the host down.
func startPlatformHost(t *testing.T, plugins []string, wrap func(http.Handler) http.Handler) *platformHost {
	t.Helper()
	platform := bubbletest.NewPlatform(bubbletest.Options{
		Bots: []bubbletest.Bot{{Token: platformToken, ID: 42, UserID: platformBot, Name: "demo-bot"}},
	})
	t.Cleanup(platform.Close)

	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	if err := os.MkdirAll(pluginDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range plugins {
		wasm, err := os.ReadFile(wasmtest.Build(t, p))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pluginDir, filepath.Base(p)+".wasm"), wasm, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	logs := &logBuffer{}
	h, err := host.New(host.Config{
		DataDir:  dir,
		CacheDir: wasmtest.CacheDir(t),
		Tenants: map[string]host.TenantConfig{"demo": {
			Secrets:   []string{platformSecret},
			Token:     platformToken,
			APIBase:   platform.APIBase(),
			PluginDir: pluginDir,
			Deadline:  2 * time.Second,
		}},
	}, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var handler http.Handler = h.Handler()
	if wrap != nil {
		handler = wrap(handler)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		h.Shutdown(ctx)
	})
	return &platformHost{
		Host:     h,
		platform: platform,
		sender:   bubbletest.WebhookSender{URL: srv.URL + "/webhook/demo", Secret: platformSecret},
		logs:     logs,
	}
}

// deliver sends body as the platform does and fails the test when no
// attempt was answered 200.
func (ph *platformHost) deliver(t *testing.T, body []byte) bubbletest.Result {
	t.Helper()
	res, err := ph.sender.Deliver(context.Background(), body)
	if err != nil {
		t.Fatalf("delivering the event: %v", err)
	}
	return res
}

func waitMessages(t *testing.T, p *bubbletest.Platform, channel int64, n int) []bubbletest.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	msgs, err := p.WaitMessages(ctx, channel, n)
	if err != nil {
		t.Fatalf("waiting for %d messages in channel %d: %v (have %d)", n, channel, err, len(p.Messages(channel)))
	}
	return msgs
}

func TestRateLimitStormDeliversEachOnce(t *testing.T) {
	ph := startPlatformHost(t, []string{"internal/testplugins/probe"}, nil)
	// The platform answers the next 5 requests 429, whatever the bucket.
	ph.platform.SetFault(bubbletest.Fault{RateLimitErrors: 5, RetryAfter: 200 * time.Millisecond})

	const events = 15
	for i := range events {
		ph.deliver(t, bubbletest.MessageCreate(5, 1, fmt.Sprintf("!echo reply %d", i)))
	}
	msgs := waitMessages(t, ph.platform, 5, events)

	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.Content]++
	}
	for i := range events {
		if n := seen[fmt.Sprintf("reply %d", i)]; n != 1 {
			t.Errorf("reply %d delivered %d times, want once", i, n)
		}
	}
	if n := ph.platform.OverLimit(); n != 0 {
		t.Errorf("requests over the platform's limit: %d, want 0", n)
	}
}

func TestServerErrorThenSuccessDeliversOnce(t *testing.T) {
	ph := startPlatformHost(t, []string{"internal/testplugins/probe"}, nil)
	ph.platform.SetFault(bubbletest.Fault{InternalErrors: 1})

	ph.deliver(t, bubbletest.MessageCreate(5, 1, "!echo after a 500"))
	msgs := waitMessages(t, ph.platform, 5, 1)
	time.Sleep(200 * time.Millisecond) // room for a wrong second delivery
	if msgs = ph.platform.Messages(5); len(msgs) != 1 || msgs[0].Content != "after a 500" {
		t.Errorf("messages = %+v, want one \"after a 500\"", msgs)
	}
	sends := 0
	for _, r := range ph.platform.Requests() {
		if r.Route == "POST /channels/{channelId}/messages" {
			sends++
		}
	}
	if sends != 2 {
		t.Errorf("send requests = %d, want 2 (the 500, then the retry)", sends)
	}
}

func TestLongChineseReplyIsSplit(t *testing.T) {
	ph := startPlatformHost(t, []string{"internal/testplugins/probe"}, nil)

	ph.deliver(t, bubbletest.MessageCreate(5, 1, "!long 4000"))
	msgs := waitMessages(t, ph.platform, 5, 3)

	var joined strings.Builder
	for i, m := range msgs {
		if !utf8.ValidString(m.Content) {
			t.Errorf("piece %d is not valid UTF-8", i)
		}
		if n := actions.UTF16Len(m.Content); n > actions.MaxMessageChars {
			t.Errorf("piece %d has %d characters, over %d", i, n, actions.MaxMessageChars)
		}
		if i < len(msgs)-1 && !strings.HasSuffix(m.Content, "\n") {
			t.Errorf("piece %d does not end at a line break", i)
		}
		joined.WriteString(m.Content)
	}
	var want strings.Builder
	for i := range 4000 {
		want.WriteRune(rune('一' + i%500))
		if i%50 == 49 {
			want.WriteByte('\n')
		}
	}
	if joined.String() != want.String() {
		t.Errorf("pieces do not rejoin to the original reply (%d vs %d bytes)", joined.Len(), want.Len())
	}
}

func TestDirectMessageFlow(t *testing.T) {
	ph := startPlatformHost(t, []string{"../examples/dm"}, nil)

	// !dm in a guild channel opens a DM with its author.
	ph.deliver(t, bubbletest.MessageCreate(5, 7, "!dm"))
	channelMsgs := waitMessages(t, ph.platform, 5, 1)
	if !strings.Contains(channelMsgs[0].Content, "私信") {
		t.Errorf("channel notice = %q, want the DM-sent notice", channelMsgs[0].Content)
	}

	var dmChannel int64
	for _, r := range ph.platform.Requests() {
		if r.Route == "POST /users/{userId}/dm" {
			if r.Path != "/api/bot/v1/users/7/dm" {
				t.Errorf("DM opened with %s, want user 7", r.Path)
			}
		}
		if r.Route == "POST /dm/channels/{channelId}/messages" {
			fmt.Sscanf(r.Path, "/api/bot/v1/dm/channels/%d/messages", &dmChannel)
		}
	}
	if dmChannel == 0 {
		t.Fatalf("no message was sent into a DM channel; requests: %+v", ph.platform.Requests())
	}

	// A direct message to the bot is answered in the same DM channel.
	ph.deliver(t, bubbletest.DMMessageCreate(dmChannel, 7, "你好"))
	dms := waitMessages(t, ph.platform, dmChannel, 2)
	if dms[1].Content == "" {
		t.Errorf("DM reply is empty")
	}
}

func TestOwnMessageEchoIsIgnored(t *testing.T) {
	ph := startPlatformHost(t, []string{"internal/testplugins/probe"}, nil)

	// The bot's reply comes back as an event, as the platform sends it.
	ph.deliver(t, bubbletest.MessageCreate(5, 1, "!echo !echo loop"))
	msgs := waitMessages(t, ph.platform, 5, 1)
	echo := bubbletest.MessageEvent("MESSAGE_CREATE", msgs[0])
	ph.deliver(t, echo)

	// Its author is the bot's user: ignored even before the host knows
	// its id, because the host remembers the message it sent.
	ph.deliver(t, bubbletest.MessageCreate(5, 1, "!echo marker"))
	msgs = waitMessages(t, ph.platform, 5, 2)
	if msgs[1].Content != "marker" {
		t.Errorf("messages = %q, want the echo ignored and then marker", []string{msgs[0].Content, msgs[1].Content})
	}
}

func TestWebhookRetriesReachSlowHostOnly(t *testing.T) {
	// The first attempt of each event is held past the sender's timeout.
	var attempts atomic.Int64
	slow := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if attempts.Add(1) == 1 {
				time.Sleep(400 * time.Millisecond)
			}
			next.ServeHTTP(w, r)
		})
	}
	ph := startPlatformHost(t, []string{"internal/testplugins/probe"}, slow)
	ph.sender.Timeout = 200 * time.Millisecond
	ph.sender.Schedule = []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}

	res := ph.deliver(t, bubbletest.MessageCreate(5, 1, "!echo slow host"))
	if len(res.Attempts) != 2 {
		t.Errorf("attempts to the slow host = %d, want 2 (a timeout, then the retry)", len(res.Attempts))
	}
	waitMessages(t, ph.platform, 5, 1)

	// The first attempt reached the host too, late: it must not run twice.
	time.Sleep(600 * time.Millisecond)
	if msgs := ph.platform.Messages(5); len(msgs) != 1 {
		t.Errorf("replies = %d, want 1 (the late first attempt is a repeat)", len(msgs))
	}

	// A fast host answers the first attempt.
	res = ph.deliver(t, bubbletest.MessageCreate(5, 1, "!echo fast host"))
	if len(res.Attempts) != 1 {
		t.Errorf("attempts to the fast host = %d, want 1", len(res.Attempts))
	}
}
