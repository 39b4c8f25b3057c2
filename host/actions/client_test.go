package actions_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host/actions"
)

const token = "test-token"

// recorded is one request as the fake API received it.
type recorded struct {
	Method string
	Path   string
	Header http.Header
	Body   string
}

// reply is one response of the fake API.
type reply struct {
	status int
	header map[string]string
	body   string
}

// fakeAPI is an httptest server that records every request and responds
// with the scripted replies in order, repeating the last one when the
// script runs out.
type fakeAPI struct {
	*httptest.Server

	mu       sync.Mutex
	requests []recorded
	replies  []reply
}

// newFakeAPI starts a fake API at the base path /api/bot/v1 and returns it
// with a client for it.
func newFakeAPI(t *testing.T, replies ...reply) (*fakeAPI, *actions.Client) {
	t.Helper()
	if len(replies) == 0 {
		t.Fatal("newFakeAPI: no replies scripted")
	}
	api := &fakeAPI{replies: replies}
	api.Server = httptest.NewServer(http.HandlerFunc(api.serve))
	t.Cleanup(api.Close)
	return api, actions.NewClient(api.URL+"/api/bot/v1", token, api.Client())
}

func (api *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)

	api.mu.Lock()
	api.requests = append(api.requests, recorded{r.Method, r.URL.Path, r.Header.Clone(), string(body)})
	rep := api.replies[min(len(api.requests), len(api.replies))-1]
	api.mu.Unlock()

	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if rep.body != "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

// received returns a copy of the requests so far.
func (api *fakeAPI) received() []recorded {
	api.mu.Lock()
	defer api.mu.Unlock()
	return append([]recorded(nil), api.requests...)
}

// created is a 201 response carrying a message object with id.
func created(id int64) reply {
	return reply{status: http.StatusCreated, body: fmt.Sprintf(`{"id":%d,"channelId":5,"content":"pong"}`, id)}
}

func TestSendMessageRequest(t *testing.T) {
	tests := []struct {
		name     string
		channel  int64
		content  string
		dm       bool
		wantPath string
		wantBody string
	}{
		{
			name:     "channel",
			channel:  5,
			content:  "pong",
			wantPath: "/api/bot/v1/channels/5/messages",
			wantBody: `{"content":"pong","msgType":0}`,
		},
		{
			name:     "dm",
			channel:  456,
			content:  "pong",
			dm:       true,
			wantPath: "/api/bot/v1/dm/channels/456/messages",
			wantBody: `{"content":"pong","msgType":0}`,
		},
		{
			name:     "html characters unescaped",
			channel:  5,
			content:  `<b>"a" & 你好</b>`,
			wantPath: "/api/bot/v1/channels/5/messages",
			wantBody: `{"content":"<b>\"a\" & 你好</b>","msgType":0}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, client := newFakeAPI(t, created(77))

			msg, _, err := client.SendMessage(t.Context(), tt.channel, tt.content, tt.dm)
			if err != nil {
				t.Fatalf("SendMessage: have error %v, want nil", err)
			}
			if msg.ID != 77 || msg.ChannelID != 5 {
				t.Errorf("message: have %+v, want id 77 in channel 5", msg)
			}

			reqs := api.received()
			if len(reqs) != 1 {
				t.Fatalf("requests: have %d, want 1", len(reqs))
			}
			req := reqs[0]
			if req.Method != http.MethodPost || req.Path != tt.wantPath {
				t.Errorf("request line: have %s %s, want POST %s", req.Method, req.Path, tt.wantPath)
			}
			if have, want := req.Header.Get("Authorization"), "Bearer "+token; have != want {
				t.Errorf("Authorization: have %q, want %q", have, want)
			}
			if have := req.Header.Get("Content-Type"); have != "application/json" {
				t.Errorf("Content-Type: have %q, want %q", have, "application/json")
			}
			if req.Body != tt.wantBody {
				t.Errorf("body: have %s, want %s", req.Body, tt.wantBody)
			}
		})
	}
}

func TestClientTrimsBaseSlash(t *testing.T) {
	api, _ := newFakeAPI(t, created(1))
	client := actions.NewClient(api.URL+"/api/bot/v1/", token, api.Client())

	if _, _, err := client.SendMessage(t.Context(), 5, "pong", false); err != nil {
		t.Fatalf("SendMessage: have error %v, want nil", err)
	}
	if have, want := api.received()[0].Path, "/api/bot/v1/channels/5/messages"; have != want {
		t.Errorf("path: have %s, want %s", have, want)
	}
}

func TestMe(t *testing.T) {
	api, client := newFakeAPI(t, reply{
		status: http.StatusOK,
		body:   `{"id":900,"name":"pingbot","botUser":{"id":901,"name":"pingbot"}}`,
	})

	me, err := client.Me(t.Context())
	if err != nil {
		t.Fatalf("Me: have error %v, want nil", err)
	}
	if have := me.UserID(); have != 901 {
		t.Errorf("UserID: have %d, want the botUser id 901", have)
	}
	req := api.received()[0]
	if req.Method != http.MethodGet || req.Path != "/api/bot/v1/bot/me" {
		t.Errorf("request line: have %s %s, want GET /api/bot/v1/bot/me", req.Method, req.Path)
	}
	if req.Body != "" || req.Header.Get("Content-Type") != "" {
		t.Errorf("GET request: have body %q and Content-Type %q, want neither", req.Body, req.Header.Get("Content-Type"))
	}

	// Without a botUser, the bot's own id is its user id.
	if have := (actions.BotUser{ID: 900}).UserID(); have != 900 {
		t.Errorf("UserID without botUser: have %d, want 900", have)
	}
}

func TestAPIErrorParsing(t *testing.T) {
	tests := []struct {
		name            string
		reply           reply
		want            actions.APIError
		wantRetryWithin [2]time.Duration // used instead of want.RetryAfter when set
	}{
		{
			name:  "nested shape",
			reply: reply{status: 403, body: `{"error":{"code":"FORBIDDEN","message":"missing permission"}}`},
			want:  actions.APIError{Status: 403, Code: "FORBIDDEN", Message: "missing permission"},
		},
		{
			name:  "flat shape",
			reply: reply{status: 401, body: `{"error":"unauthorized","message":"invalid token"}`},
			want:  actions.APIError{Status: 401, Code: "unauthorized", Message: "invalid token"},
		},
		{
			name: "rate limit with retryAfter in the body",
			reply: reply{status: 429, body: `{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"slow down","retryAfter":1.5}}`,
				header: map[string]string{"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0"}},
			want: actions.APIError{Status: 429, Code: "RATE_LIMIT_EXCEEDED", Message: "slow down", RetryAfter: 1500 * time.Millisecond},
		},
		{
			name:  "Retry-After header",
			reply: reply{status: 429, header: map[string]string{"Retry-After": "3"}, body: `{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"slow down"}}`},
			want:  actions.APIError{Status: 429, Code: "RATE_LIMIT_EXCEEDED", Message: "slow down", RetryAfter: 3 * time.Second},
		},
		{
			name:  "larger of Retry-After and retryAfter",
			reply: reply{status: 429, header: map[string]string{"Retry-After": "2"}, body: `{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"x","retryAfter":1.5}}`},
			want:  actions.APIError{Status: 429, Code: "RATE_LIMIT_EXCEEDED", Message: "x", RetryAfter: 2 * time.Second},
		},
		{
			name: "X-RateLimit-Reset",
			reply: reply{status: 429, header: map[string]string{
				"X-RateLimit-Reset": strconv.FormatInt(time.Now().Add(30*time.Second).Unix(), 10),
			}},
			want: actions.APIError{Status: 429},
			// Reset is in whole unix seconds, and a little time passes
			// before the client reads it.
			wantRetryWithin: [2]time.Duration{25 * time.Second, 30 * time.Second},
		},
		{
			name:  "X-RateLimit-Reset in the past",
			reply: reply{status: 429, header: map[string]string{"X-RateLimit-Reset": "1000"}},
			want:  actions.APIError{Status: 429},
		},
		{
			name:  "unparsable Retry-After",
			reply: reply{status: 429, header: map[string]string{"Retry-After": "soon"}},
			want:  actions.APIError{Status: 429},
		},
		{
			name:  "body that is not JSON",
			reply: reply{status: 502, body: "<html>Bad Gateway</html>"},
			want:  actions.APIError{Status: 502},
		},
		{
			name:  "empty body",
			reply: reply{status: 404},
			want:  actions.APIError{Status: 404},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, client := newFakeAPI(t, tt.reply)

			_, _, err := client.SendMessage(t.Context(), 5, "pong", false)
			var api *actions.APIError
			if !errors.As(err, &api) {
				t.Fatalf("SendMessage: have error %v, want an *APIError", err)
			}
			have := *api
			if tt.wantRetryWithin != [2]time.Duration{} {
				if have.RetryAfter < tt.wantRetryWithin[0] || have.RetryAfter > tt.wantRetryWithin[1] {
					t.Errorf("RetryAfter: have %v, want between %v and %v", have.RetryAfter, tt.wantRetryWithin[0], tt.wantRetryWithin[1])
				}
				have.RetryAfter = 0
			}
			if have != tt.want {
				t.Errorf("APIError: have %+v, want %+v", have, tt.want)
			}
		})
	}
}

func TestAPIErrorMessage(t *testing.T) {
	tests := []struct {
		err  actions.APIError
		want string
	}{
		{actions.APIError{Status: 401, Code: "unauthorized", Message: "invalid token"}, "platform answered 401 unauthorized: invalid token"},
		{actions.APIError{Status: 500}, "platform answered 500"},
		{actions.APIError{Status: 404, Message: "no channel"}, "platform answered 404: no channel"},
	}
	for _, tt := range tests {
		if have := tt.err.Error(); have != tt.want {
			t.Errorf("Error(): have %q, want %q", have, tt.want)
		}
	}

	// The request is named in the wrapping error.
	_, client := newFakeAPI(t, reply{status: 404})
	_, _, err := client.SendMessage(t.Context(), 5, "pong", false)
	if have, want := err.Error(), "POST /channels/5/messages: platform answered 404"; have != want {
		t.Errorf("SendMessage error: have %q, want %q", have, want)
	}
}

func TestIsRetryable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"canceled", context.Canceled, false},
		{"deadline exceeded", context.DeadlineExceeded, false},
		{"wrapped canceled", fmt.Errorf("POST /x: %w", context.Canceled), false},
		{"429", &actions.APIError{Status: 429}, true},
		{"500", &actions.APIError{Status: 500}, true},
		{"503 wrapped", fmt.Errorf("POST /x: %w", &actions.APIError{Status: 503}), true},
		{"400", &actions.APIError{Status: 400}, false},
		{"401", &actions.APIError{Status: 401}, false},
		{"403", &actions.APIError{Status: 403}, false},
		{"404", &actions.APIError{Status: 404}, false},
		{"network error", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, true},
	}
	for _, tt := range tests {
		if have := actions.IsRetryable(tt.err); have != tt.want {
			t.Errorf("IsRetryable(%s): have %v, want %v", tt.name, have, tt.want)
		}
	}
}

func TestSendMessageNetworkError(t *testing.T) {
	// A server that is closed before the request refuses the connection.
	api, client := newFakeAPI(t, created(1))
	api.Close()

	_, _, err := client.SendMessage(t.Context(), 5, "pong", false)
	if err == nil {
		t.Fatal("SendMessage to a closed server: have nil error, want one")
	}
	if !actions.IsRetryable(err) {
		t.Errorf("IsRetryable(%v): have false, want true", err)
	}
}

func TestAPIErrorNeverCarriesToken(t *testing.T) {
	const token = "tok-0d7f3c9a1b"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"error":{"code":"FORBIDDEN","message":"token %s may not post here"}}`, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	client := actions.NewClient(srv.URL, token, srv.Client())

	_, _, err := client.SendMessage(t.Context(), 5, "pong", false)
	if err == nil {
		t.Fatal("SendMessage succeeded, want a 403 error")
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("error quotes the token: %v", err)
	}
	if !strings.Contains(err.Error(), "[token]") {
		t.Errorf("error = %v, want the token replaced by [token]", err)
	}
}
