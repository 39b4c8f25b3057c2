package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/sim"
	"github.com/bubblehost/bubblehost/host/signature"
)

// watchedBuffer is an output that a test can wait on.
type watchedBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newWatchedBuffer() *watchedBuffer {
	return &watchedBuffer{changed: make(chan struct{})}
}

func (b *watchedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.changed)
	b.changed = make(chan struct{})
	return b.buf.Write(p)
}

func (b *watchedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until the output contains want, and fails the test after
// 10 s.
func (b *watchedBuffer) waitFor(t *testing.T, want string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		b.mu.Lock()
		have := b.buf.String()
		changed := b.changed
		b.mu.Unlock()
		if strings.Contains(have, want) {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("output lacks %q after 10 s; output:\n%s", want, have)
		}
	}
}

// delivery is one webhook request that the fake host received.
type delivery struct {
	header http.Header
	body   []byte
}

// fakeHost is a webhook that records deliveries and responds with the
// statuses in order, then 200.
type fakeHost struct {
	*httptest.Server
	deliveries chan delivery

	mu       sync.Mutex
	statuses []int
}

func newFakeHost(t *testing.T, statuses ...int) *fakeHost {
	t.Helper()
	h := &fakeHost{deliveries: make(chan delivery, 32), statuses: statuses}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		status := http.StatusOK
		if len(h.statuses) > 0 {
			status, h.statuses = h.statuses[0], h.statuses[1:]
		}
		h.mu.Unlock()
		w.WriteHeader(status)
		h.deliveries <- delivery{r.Header.Clone(), body}
	}))
	t.Cleanup(h.Close)
	return h
}

// next returns the next delivery, and fails the test after 10 s.
func (h *fakeHost) next(t *testing.T) delivery {
	t.Helper()
	select {
	case d := <-h.deliveries:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery within 10 s")
		return delivery{}
	}
}

// running is a sim started by startSim.
type running struct {
	stdin   *io.PipeWriter
	stdout  *watchedBuffer
	stderr  *watchedBuffer
	apiBase string
	cancel  context.CancelFunc
	exit    chan int
}

// startSim runs the sim on a free port with a short retry schedule, the
// given extra flags and language, and waits for its banner.
func startSim(t *testing.T, h *fakeHost, lang string, flags ...string) *running {
	t.Helper()
	args := append([]string{
		"--listen", "127.0.0.1:0",
		"--webhook", h.URL + "/webhook/demo",
		"--retry-schedule", "10ms,10ms,10ms",
	}, flags...)
	stdinReader, stdinWriter := io.Pipe()
	ctx, cancel := context.WithCancel(t.Context())
	r := &running{
		stdin:  stdinWriter,
		stdout: newWatchedBuffer(),
		stderr: newWatchedBuffer(),
		cancel: cancel,
		exit:   make(chan int, 1),
	}
	go func() {
		r.exit <- sim.Run(ctx, args, stdinReader, r.stdout, r.stderr, lang)
	}()
	t.Cleanup(func() {
		cancel()
		stdinWriter.Close()
		<-r.exit
	})

	r.stdout.waitFor(t, "token")
	match := regexp.MustCompile(`api_base\s+(\S+)`).FindStringSubmatch(r.stdout.String())
	if match == nil {
		t.Fatalf("banner lacks api_base:\n%s", r.stdout.String())
	}
	r.apiBase = match[1]
	return r
}

func (r *running) typeLine(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(r.stdin, line+"\n"); err != nil {
		t.Fatalf("typing %q: %v", line, err)
	}
}

// post sends an API request as the bot and returns the status.
func (r *running) post(t *testing.T, path, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.apiBase+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer sim-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// event is a delivery body decoded.
type event struct {
	Type string `json:"type"`
	Data struct {
		ID        int64  `json:"id"`
		ChannelID int64  `json:"channelId"`
		GuildID   int64  `json:"guildId"`
		Content   string `json:"content"`
		Author    struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
			Bot  bool   `json:"bot"`
		} `json:"author"`
		User struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"user"`
	} `json:"data"`
}

func decodeEvent(t *testing.T, body []byte) event {
	t.Helper()
	var ev event
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	return ev
}

func TestTypedLineAndBotReply(t *testing.T) {
	h := newFakeHost(t)
	r := startSim(t, h, "en", "--echo=false")

	r.typeLine(t, "hello <b>&")
	d := h.next(t)

	if have := d.header.Get("X-Bubble-Event"); have != "MESSAGE_CREATE" {
		t.Errorf("have X-Bubble-Event %q, want MESSAGE_CREATE", have)
	}
	if _, err := signature.NewVerifier([]string{sim.DefaultSecret}).Verify(d.header.Values("X-Bubble-Signature"), d.body); err != nil {
		t.Errorf("signature does not verify with the default secret: %v", err)
	}
	ev := decodeEvent(t, d.body)
	if ev.Type != "MESSAGE_CREATE" {
		t.Errorf("have type %q, want MESSAGE_CREATE", ev.Type)
	}
	if ev.Data.Content != "hello <b>&" {
		t.Errorf("have content %q, want %q", ev.Data.Content, "hello <b>&")
	}
	if ev.Data.ChannelID != 5 || ev.Data.GuildID != 10 {
		t.Errorf("have channel %d in guild %d, want channel 5 in guild 10", ev.Data.ChannelID, ev.Data.GuildID)
	}
	if ev.Data.Author.ID != 1 || ev.Data.Author.Name != "alice" || ev.Data.Author.Bot {
		t.Errorf("have author %+v, want alice (user 1), not a bot", ev.Data.Author)
	}
	r.stdout.waitFor(t, "-> MESSAGE_CREATE delivered on attempt 1: 200")

	// The platform stores the typed message, as the real one would.
	req, _ := http.NewRequest(http.MethodGet, r.apiBase+"/channels/5/messages", nil)
	req.Header.Set("Authorization", "Bearer sim-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	listed, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(listed), `"content":"hello <b>&","msgType":0,"author":{"id":1,"name":"alice"}`) {
		t.Errorf("GET /channels/5/messages lacks the typed message: %s", listed)
	}

	if status := r.post(t, "/channels/5/messages", `{"content":"pong","msgType":0}`); status != http.StatusOK {
		t.Fatalf("sending the reply: have status %d, want 200", status)
	}
	r.stdout.waitFor(t, "[channel 5] demo-bot: pong (message 900002)")

	r.typeLine(t, "/quit")
	if code := <-r.exit; code != 0 {
		t.Errorf("have exit status %d after /quit, want 0", code)
	}
	r.exit <- 0 // for the cleanup
}

func TestBotMessageEchoed(t *testing.T) {
	h := newFakeHost(t)
	r := startSim(t, h, "en")

	if status := r.post(t, "/channels/5/messages", `{"content":"pong"}`); status != http.StatusOK {
		t.Fatalf("have status %d, want 200", status)
	}

	ev := decodeEvent(t, h.next(t).body)
	if ev.Type != "MESSAGE_CREATE" || ev.Data.Content != "pong" || !ev.Data.Author.Bot || ev.Data.Author.ID != 4242 {
		t.Errorf("have %+v, want the bot's pong as MESSAGE_CREATE by a bot user 4242", ev)
	}
	r.stdout.waitFor(t, "-> MESSAGE_CREATE (echo) delivered")
}

func TestDeliveryRetried(t *testing.T) {
	h := newFakeHost(t, 503, 500)
	r := startSim(t, h, "en")

	r.typeLine(t, "hello")
	first, second, third := h.next(t), h.next(t), h.next(t)

	if !bytes.Equal(first.body, second.body) || !bytes.Equal(first.body, third.body) {
		t.Errorf("retries carry other bodies:\n%s\n%s\n%s", first.body, second.body, third.body)
	}
	r.stdout.waitFor(t, "-> MESSAGE_CREATE attempt 1 failed: webhook responded 503, want 200; retrying in 10ms")
	r.stdout.waitFor(t, "-> MESSAGE_CREATE attempt 2 failed: webhook responded 500, want 200; retrying in 10ms")
	r.stdout.waitFor(t, "-> MESSAGE_CREATE delivered on attempt 3: 200")
}

func TestDeliveryTimesOut(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	h := newFakeHost(t)
	r := startSim(t, h, "en", "--webhook", slow.URL, "--timeout", "20ms", "--retry-schedule", "none")

	r.typeLine(t, "hello")

	r.stdout.waitFor(t, "-> MESSAGE_CREATE attempt 1 failed: no response within 20ms")
	r.stdout.waitFor(t, "-> MESSAGE_CREATE not delivered after 1 attempts")
}

func TestDeliveryGivesUp(t *testing.T) {
	h := newFakeHost(t, 500, 500)
	r := startSim(t, h, "en", "--retry-schedule", "1ms")

	r.typeLine(t, "hello")

	r.stdout.waitFor(t, "-> MESSAGE_CREATE attempt 2 failed: webhook responded 500, want 200")
	r.stdout.waitFor(t, "-> MESSAGE_CREATE not delivered after 2 attempts")
}

func TestCommands(t *testing.T) {
	h := newFakeHost(t)
	r := startSim(t, h, "en", "--echo=false")

	r.typeLine(t, "/dm psst")
	ev := decodeEvent(t, h.next(t).body)
	if ev.Type != "DM_MESSAGE_CREATE" || ev.Data.Content != "psst" || ev.Data.Author.ID != 1 {
		t.Errorf("/dm: have %+v, want DM_MESSAGE_CREATE psst from user 1", ev)
	}

	r.typeLine(t, "/join bob")
	ev = decodeEvent(t, h.next(t).body)
	if ev.Type != "GUILD_MEMBER_ADD" || ev.Data.User.Name != "bob" || ev.Data.User.ID != 1001 || ev.Data.GuildID != 10 {
		t.Errorf("/join: have %+v, want GUILD_MEMBER_ADD of bob (user 1001) in guild 10", ev)
	}
	r.stdout.waitFor(t, "bob (user 1001) joined guild 10")

	file := filepath.Join(t.TempDir(), "event.json")
	raw := []byte(`{"type":"NEW_EVENT_TYPE","data":{"x":1}}`)
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	r.typeLine(t, "/event "+file)
	d := h.next(t)
	if !bytes.Equal(d.body, raw) {
		t.Errorf("/event: have body %s, want the file's %s", d.body, raw)
	}
	if have := d.header.Get("X-Bubble-Event"); have != "NEW_EVENT_TYPE" {
		t.Errorf("/event: have X-Bubble-Event %q, want NEW_EVENT_TYPE", have)
	}

	r.typeLine(t, "//slash")
	if ev := decodeEvent(t, h.next(t).body); ev.Data.Content != "/slash" {
		t.Errorf("//slash: have content %q, want /slash", ev.Data.Content)
	}

	r.typeLine(t, "/nope")
	r.stderr.waitFor(t, "unknown command /nope")
	r.typeLine(t, "/event")
	r.stderr.waitFor(t, "/event needs a file")
	r.typeLine(t, "/fault 500 x")
	r.stderr.waitFor(t, "invalid /fault")
	r.typeLine(t, "/help")
	r.stdout.waitFor(t, "/fault drop N")
}

func TestFaultCommands(t *testing.T) {
	h := newFakeHost(t)
	r := startSim(t, h, "en", "--echo=false")

	r.typeLine(t, "/fault 500 1")
	r.stdout.waitFor(t, "fault: the next 1 API requests get 500")
	if status := r.post(t, "/channels/5/messages", `{"content":"one"}`); status != http.StatusInternalServerError {
		t.Errorf("with /fault 500 1: have status %d, want 500", status)
	}
	r.stdout.waitFor(t, "api POST /channels/5/messages: 500 INTERNAL_ERROR")
	r.stdout.waitFor(t, "(injected fault)")

	r.typeLine(t, "/fault 429 1")
	r.stdout.waitFor(t, "fault: the next 1 API requests get 429")
	if status := r.post(t, "/channels/5/messages", `{"content":"two"}`); status != http.StatusTooManyRequests {
		t.Errorf("with /fault 429 1: have status %d, want 429", status)
	}

	r.typeLine(t, "/fault drop 1")
	r.stdout.waitFor(t, "fault: the next 1 API connections close without a response")
	req, _ := http.NewRequest(http.MethodPost, r.apiBase+"/channels/5/messages", strings.NewReader(`{"content":"three"}`))
	req.Header.Set("Authorization", "Bearer sim-token")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("with /fault drop 1: have status %d, want no response", resp.StatusCode)
	}
	r.stdout.waitFor(t, "api POST /channels/5/messages: connection closed without a response")

	r.typeLine(t, "/fault slow 1ms")
	r.stdout.waitFor(t, "fault: every API response waits 1ms")
	r.typeLine(t, "/fault off")
	r.stdout.waitFor(t, "fault: off")
	if status := r.post(t, "/channels/5/messages", `{"content":"four"}`); status != http.StatusOK {
		t.Errorf("after /fault off: have status %d, want 200", status)
	}
	r.stdout.waitFor(t, "[channel 5] demo-bot: four")
}

func TestAPIErrorsShown(t *testing.T) {
	h := newFakeHost(t)
	r := startSim(t, h, "en", "--echo=false")

	if status := r.post(t, "/channels/5/messages", `{"content":""}`); status != http.StatusBadRequest {
		t.Errorf("have status %d, want 400", status)
	}
	r.stdout.waitFor(t, "api POST /channels/5/messages: 400 INVALID_REQUEST: content is missing or empty")

	req, _ := http.NewRequest(http.MethodGet, r.apiBase+"/bot/me", nil)
	req.Header.Set("Authorization", "Bearer sim-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r.stdout.waitFor(t, "api GET /bot/me: 200")
}

func TestEndOfInputKeepsRunning(t *testing.T) {
	h := newFakeHost(t)
	r := startSim(t, h, "en")

	r.stdin.Close()
	r.stdout.waitFor(t, "Standard input has ended")
	if status := r.post(t, "/channels/5/messages", `{"content":"still here"}`); status != http.StatusOK {
		t.Errorf("after the end of input: have status %d, want 200", status)
	}

	r.cancel()
	select {
	case code := <-r.exit:
		if code != 0 {
			t.Errorf("have exit status %d after cancel, want 0", code)
		}
		r.exit <- code // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10 s of the cancel")
	}
}

func TestChineseOutput(t *testing.T) {
	h := newFakeHost(t)
	r := startSim(t, h, "zh", "--echo=false")
	r.stdout.waitFor(t, "模拟 Bubble 平台已运行")

	r.typeLine(t, "你好")
	h.next(t)
	r.stdout.waitFor(t, "-> MESSAGE_CREATE 在第 1 次尝试时投递成功")
}

func TestFlags(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"help", []string{"--help"}, 0, "Usage: bubblehost sim", ""},
		{"help lists flags", []string{"-h"}, 0, "--retry-schedule string", ""},
		{"unknown flag", []string{"--nope"}, 2, "", "unknown flag: --nope"},
		{"argument", []string{"extra"}, 2, "", "too many arguments: extra"},
		{"empty token", []string{"--token", ""}, 2, "", "--token is empty"},
		{"zero channel", []string{"--channel", "0"}, 2, "", "invalid --channel 0"},
		{"webhook not a URL", []string{"--webhook", "localhost:8080"}, 2, "", "invalid --webhook"},
		{"bad schedule", []string{"--retry-schedule", "1s,soon"}, 2, "", `"soon" is not a duration`},
		{"negative schedule", []string{"--retry-schedule", "-1s"}, 2, "", "invalid --retry-schedule"},
		{"zero timeout", []string{"--timeout", "0s"}, 2, "", "invalid --timeout 0s"},
		{"address in use", []string{"--listen", busy.Addr().String()}, 1, "", "cannot start the platform on " + busy.Addr().String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := sim.Run(t.Context(), tt.args, strings.NewReader(""), &stdout, &stderr, "en")
			if code != tt.wantCode {
				t.Errorf("have exit status %d, want %d; stderr:\n%s", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantStdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr.String())
			}
		})
	}
}
