package cli_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/cli"
	"github.com/bubblehost/bubblehost/cmd/bubblehost/samples"
	"github.com/bubblehost/bubblehost/host/signature"
)

// receivedRequest is a request as the test webhook server saw it.
type receivedRequest struct {
	method string
	path   string
	header http.Header
	body   []byte
}

// webhookServer is a loopback server that records each request and
// responds with status and a fixed body.
type webhookServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []receivedRequest
}

func newWebhookServer(t *testing.T, status int) *webhookServer {
	t.Helper()
	s := &webhookServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.requests = append(s.requests, receivedRequest{r.Method, r.URL.Path, r.Header.Clone(), body})
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, `{"status":"accepted"}`)
	}))
	t.Cleanup(s.Close)
	return s
}

// only returns the one request the server received.
func (s *webhookServer) only(t *testing.T) receivedRequest {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) != 1 {
		t.Fatalf("want 1 request, have %d", len(s.requests))
	}
	return s.requests[0]
}

func sample(t *testing.T, eventType string) string {
	t.Helper()
	body, ok := samples.Get(eventType)
	if !ok {
		t.Fatalf("no %s sample", eventType)
	}
	return string(body)
}

func TestSendRequest(t *testing.T) {
	dir := t.TempDir()
	// A body with spaces and a final newline, which send must not touch.
	rawBody := "{ \"type\": \"CUSTOM_EVENT\", \"data\": {\"id\": 1} }\n"
	rawPath := filepath.Join(dir, "custom.json")
	if err := os.WriteFile(rawPath, []byte(rawBody), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		env        []string
		args       []string
		wantBody   string
		wantEvent  string
		wantSecret string // "" for no signature header
	}{
		{
			name:       "default sample",
			args:       nil,
			wantBody:   sample(t, "MESSAGE_CREATE"),
			wantEvent:  "MESSAGE_CREATE",
			wantSecret: "demo-secret",
		},
		{
			name:       "secret from environment",
			env:        []string{"BUBBLEHOST_SECRET=env-secret"},
			wantBody:   sample(t, "MESSAGE_CREATE"),
			wantEvent:  "MESSAGE_CREATE",
			wantSecret: "env-secret",
		},
		{
			name:       "secret flag",
			env:        []string{"BUBBLEHOST_SECRET=env-secret"},
			args:       []string{"--secret", "flag-secret"},
			wantBody:   sample(t, "MESSAGE_CREATE"),
			wantEvent:  "MESSAGE_CREATE",
			wantSecret: "flag-secret",
		},
		{
			name: "patched fields",
			args: []string{"--content", `say "hi" <b> & 你好`, "--channel", "77", "--guild", "88", "--author", "99"},
			wantBody: `{"type":"MESSAGE_CREATE","data":{"id":1001,"channelId":77,"guildId":88,` +
				`"content":"say \"hi\" <b> & 你好","msgType":0,"author":{"id":99,"name":"alice",` +
				`"avatar":"avatar/avatar/a1.jpg"},"timestamp":"2025-12-31T12:00:00Z","mentions":[456],"mentionRoles":[100]}}`,
			wantEvent:  "MESSAGE_CREATE",
			wantSecret: "demo-secret",
		},
		{
			name:       "author of member event",
			args:       []string{"--type", "GUILD_MEMBER_ADD", "--author", "5", "--guild", "6"},
			wantBody:   strings.Replace(strings.Replace(sample(t, "GUILD_MEMBER_ADD"), `"id":999`, `"id":5`, 1), `"guildId":10`, `"guildId":6`, 1),
			wantEvent:  "GUILD_MEMBER_ADD",
			wantSecret: "demo-secret",
		},
		{
			name:       "other sample type",
			args:       []string{"--type", "DM_MESSAGE_CREATE", "--content", "hello"},
			wantBody:   strings.Replace(sample(t, "DM_MESSAGE_CREATE"), "你好，机器人", "hello", 1),
			wantEvent:  "DM_MESSAGE_CREATE",
			wantSecret: "demo-secret",
		},
		{
			name:       "file byte for byte",
			args:       []string{"--file", rawPath, "--secret", "s"},
			wantBody:   rawBody,
			wantEvent:  "CUSTOM_EVENT",
			wantSecret: "s",
		},
		{
			name:       "file with type override",
			args:       []string{"--file", rawPath, "--type", "MESSAGE_DELETE"},
			wantBody:   rawBody,
			wantEvent:  "MESSAGE_DELETE",
			wantSecret: "demo-secret",
		},
		{
			name:      "unsigned",
			args:      []string{"--unsigned"},
			wantBody:  sample(t, "MESSAGE_CREATE"),
			wantEvent: "MESSAGE_CREATE",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := newWebhookServer(t, http.StatusOK)
			args := append([]string{"send", "--url", server.URL + "/webhook/demo"}, tt.args...)

			have := run(t, tt.env, "", args...)
			if have.code != cli.ExitOK {
				t.Fatalf("want exit %d, have %d, stderr:\n%s", cli.ExitOK, have.code, have.stderr)
			}
			request := server.only(t)

			if request.method != http.MethodPost {
				t.Errorf("method: want POST, have %s", request.method)
			}
			if request.path != "/webhook/demo" {
				t.Errorf("path: want /webhook/demo, have %s", request.path)
			}
			if string(request.body) != tt.wantBody {
				t.Errorf("body:\nwant %s\nhave %s", tt.wantBody, request.body)
			}
			if have := request.header.Get("Content-Type"); have != "application/json" {
				t.Errorf("Content-Type: want application/json, have %q", have)
			}
			if have := request.header.Get("X-Bubble-Event"); have != tt.wantEvent {
				t.Errorf("X-Bubble-Event: want %q, have %q", tt.wantEvent, have)
			}

			haveSignature, signed := request.header["X-Bubble-Signature"]
			switch {
			case tt.wantSecret == "" && signed:
				t.Errorf("X-Bubble-Signature: want none, have %q", haveSignature)
			case tt.wantSecret != "":
				want := signature.Sign([]byte(tt.wantSecret), []byte(tt.wantBody))
				if have := request.header.Get("X-Bubble-Signature"); have != want {
					t.Errorf("X-Bubble-Signature: want %q, have %q", want, have)
				}
			}

			if want := "HTTP/1.1 200 OK\n{\"status\":\"accepted\"}\n"; have.stdout != want {
				t.Errorf("output: want %q, have %q", want, have.stdout)
			}
		})
	}
}

func TestSendKnownSignature(t *testing.T) {
	server := newWebhookServer(t, http.StatusOK)

	have := run(t, nil, "", "send", "--url", server.URL+"/webhook/demo", "--secret", "s3cret")
	if have.code != cli.ExitOK {
		t.Fatalf("want exit %d, have %d, stderr:\n%s", cli.ExitOK, have.code, have.stderr)
	}
	if signature := server.only(t).header.Get("X-Bubble-Signature"); signature != knownSignature {
		t.Errorf("want %q, have %q", knownSignature, signature)
	}
}

func TestSendNotSuccessful(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusServiceUnavailable, http.StatusFound} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			server := newWebhookServer(t, status)

			have := run(t, nil, "", "send", "--url", server.URL+"/webhook/demo")
			if have.code != cli.ExitFailure {
				t.Errorf("want exit %d, have %d", cli.ExitFailure, have.code)
			}
			wantStatus := http.StatusText(status)
			if !strings.Contains(have.stdout, wantStatus) || !strings.Contains(have.stdout, `{"status":"accepted"}`) {
				t.Errorf("want the status %q and the body in the output, have %q", wantStatus, have.stdout)
			}
			if !strings.Contains(have.stderr, "not a 2xx status") {
				t.Errorf("want stderr naming the status, have %q", have.stderr)
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	dir := t.TempDir()
	untyped := filepath.Join(dir, "untyped.json")
	if err := os.WriteFile(untyped, []byte(`{"data":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	notJSON := filepath.Join(dir, "not.json")
	if err := os.WriteFile(notJSON, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	server := newWebhookServer(t, http.StatusOK)
	url := server.URL + "/webhook/demo"

	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"unknown type", []string{"--type", "NOPE"}, `no built-in sample for event type "NOPE"`},
		{"path in type", []string{"--type", "../MESSAGE_CREATE"}, "no built-in sample"},
		{"field flag with file", []string{"--file", untyped, "--content", "x"}, "--content cannot be used with --file"},
		{"field missing from sample", []string{"--type", "GUILD_DELETE", "--content", "x"},
			"the GUILD_DELETE sample has no data.content field, so --content cannot be applied"},
		{"author missing from sample", []string{"--type", "CHANNEL_CREATE", "--author", "1"},
			"has no data.author.id field"},
		{"file without type", []string{"--file", untyped}, `no "type" member. Pass --type`},
		{"file not JSON", []string{"--file", notJSON}, "cannot take the event type from"},
		{"unsigned with secret", []string{"--unsigned", "--secret", "x"}, "--unsigned cannot be used with --secret"},
		{"bad timeout", []string{"--timeout", "0s"}, "invalid --timeout 0s"},
		{"positional argument", []string{"extra"}, "too many arguments: extra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"send", "--url", url}, tt.args...)
			have := run(t, nil, "", args...)
			if have.code != cli.ExitUsage {
				t.Errorf("want exit %d, have %d", cli.ExitUsage, have.code)
			}
			if !strings.Contains(have.stderr, tt.wantStderr) {
				t.Errorf("want stderr containing %q, have:\n%s", tt.wantStderr, have.stderr)
			}
		})
	}

	for _, url := range []string{"ftp://127.0.0.1/webhook/demo", "127.0.0.1:8080/webhook/demo", "http:///x"} {
		t.Run("bad url "+url, func(t *testing.T) {
			have := run(t, nil, "", "send", "--url", url)
			if have.code != cli.ExitUsage {
				t.Errorf("want exit %d, have %d", cli.ExitUsage, have.code)
			}
			if !strings.Contains(have.stderr, "invalid --url") {
				t.Errorf("want stderr naming --url, have:\n%s", have.stderr)
			}
		})
	}

	server.mu.Lock()
	defer server.mu.Unlock()
	if len(server.requests) != 0 {
		t.Errorf("want no request sent for invalid flags, have %d", len(server.requests))
	}
}

func TestSendHostNotRunning(t *testing.T) {
	server := httptest.NewServer(http.NotFoundHandler())
	url := server.URL + "/webhook/demo"
	server.Close()

	have := run(t, nil, "", "send", "--url", url)
	if have.code != cli.ExitFailure {
		t.Errorf("want exit %d, have %d", cli.ExitFailure, have.code)
	}
	if want := "Is the host running?"; !strings.Contains(have.stderr, want) {
		t.Errorf("want stderr containing %q, have:\n%s", want, have.stderr)
	}
}

func TestSendTimeout(t *testing.T) {
	release := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-time.After(10 * time.Second):
		}
	}))
	defer server.Close()
	defer close(release)

	have := run(t, nil, "", "send", "--url", server.URL+"/webhook/demo", "--timeout", "200ms")
	if have.code != cli.ExitFailure {
		t.Errorf("want exit %d, have %d", cli.ExitFailure, have.code)
	}
	if want := "no response from " + server.URL + "/webhook/demo within 200ms"; !strings.Contains(have.stderr, want) {
		t.Errorf("want stderr containing %q, have:\n%s", want, have.stderr)
	}
}
