package bubbletest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host/bubbletest"
)

func TestAuthorization(t *testing.T) {
	p, _ := newPlatform(t, nil)
	tests := []struct {
		name          string
		authorization string
		wantStatus    int
	}{
		{"missing header", "", http.StatusUnauthorized},
		{"unknown token", "Bearer not-a-token", http.StatusUnauthorized},
		{"basic scheme", "Basic " + testToken, http.StatusUnauthorized},
		{"token without scheme", testToken, http.StatusUnauthorized},
		{"bearer", "Bearer " + testToken, http.StatusOK},
		{"bearer in lower case", "bearer " + testToken, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, p.APIBase()+"/bot/me", nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.authorization != "" {
				req.Header.Set("Authorization", tt.authorization)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Error struct {
					Code    string `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()

			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("have status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus != http.StatusUnauthorized {
				return
			}
			if body.Error.Code != "UNAUTHORIZED" {
				t.Errorf("have error code %q, want UNAUTHORIZED", body.Error.Code)
			}
			if body.Error.Message == "" {
				t.Error("error message is empty")
			}
			if strings.Contains(body.Error.Message, testToken) {
				t.Errorf("error message %q repeats the token", body.Error.Message)
			}
		})
	}
}

func TestSendMessage(t *testing.T) {
	p, _ := newPlatform(t, nil)

	a := mustCall(t, p, testToken, "POST", "/channels/5/messages", `{"content":"pong <b>&","msgType":0}`, http.StatusOK)

	want := `{"id":900001,"channelId":5,"guildId":10,"content":"pong <b>&","msgType":0,` +
		`"author":{"id":4242,"name":"demo-bot","bot":true},"timestamp":"2025-12-31T12:00:00Z"}`
	if a.body != want {
		t.Errorf("answer:\nhave %s\nwant %s", a.body, want)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("have Content-Type %q, want application/json", ct)
	}
	msgs := p.Messages(5)
	if len(msgs) != 1 {
		t.Fatalf("have %d messages in channel 5, want 1", len(msgs))
	}
	wantMsg := bubbletest.Message{
		ID: 900001, ChannelID: 5, GuildID: 10, Content: "pong <b>&",
		Author:    bubbletest.User{ID: botUserID, Name: "demo-bot", Bot: true},
		Timestamp: testTime,
	}
	if have := msgs[0]; !equalMessages(have, wantMsg) {
		t.Errorf("stored message:\nhave %+v\nwant %+v", have, wantMsg)
	}
}

func TestSendMessageErrors(t *testing.T) {
	// An emoji is one character but two UTF-16 code units, so 1000 of
	// them fill a message and 1001 are too long although fewer than 2000
	// characters.
	emoji := "😀"
	tests := []struct {
		name       string
		path       string
		body       string
		strict     bool
		wantStatus int
		wantCode   string
	}{
		{"2000 code units", "/channels/5/messages", `{"content":"` + strings.Repeat(emoji, 1000) + `"}`, false, 200, ""},
		{"2002 code units in 1001 characters", "/channels/5/messages", `{"content":"` + strings.Repeat(emoji, 1001) + `"}`, false, 400, "INVALID_REQUEST"},
		{"2001 ASCII characters", "/channels/5/messages", `{"content":"` + strings.Repeat("a", 2001) + `"}`, false, 400, "INVALID_REQUEST"},
		{"empty content", "/channels/5/messages", `{"content":"","msgType":0}`, false, 400, "INVALID_REQUEST"},
		{"missing content", "/channels/5/messages", `{"msgType":0}`, false, 400, "INVALID_REQUEST"},
		{"content not a string", "/channels/5/messages", `{"content":42}`, false, 400, "INVALID_REQUEST"},
		{"invalid JSON", "/channels/5/messages", `{"content":`, false, 400, "INVALID_REQUEST"},
		{"no body", "/channels/5/messages", ``, false, 400, "INVALID_REQUEST"},
		{"channel id not a number", "/channels/general/messages", `{"content":"hi"}`, false, 400, "INVALID_REQUEST"},
		{"channel id zero", "/channels/0/messages", `{"content":"hi"}`, false, 400, "INVALID_REQUEST"},
		{"new channel", "/channels/77/messages", `{"content":"hi"}`, false, 200, ""},
		{"new channel when strict", "/channels/77/messages", `{"content":"hi"}`, true, 404, "NOT_FOUND"},
		{"seeded channel when strict", "/channels/5/messages", `{"content":"hi"}`, true, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := newPlatform(t, func(o *bubbletest.Options) {
				o.StrictChannels = tt.strict
				o.Channels = []bubbletest.Channel{{ID: 5, GuildID: 10, Name: "general"}}
			})
			a := call(t, p, testToken, "POST", tt.path, tt.body)
			if a.status != tt.wantStatus {
				t.Fatalf("have status %d, want %d; body %s", a.status, tt.wantStatus, a.body)
			}
			if have := a.errorCode(); have != tt.wantCode {
				t.Errorf("have error code %q, want %q", have, tt.wantCode)
			}
		})
	}
}

func TestEditMessage(t *testing.T) {
	tests := []struct {
		name       string
		path       string
		body       string
		wantStatus int
		wantCode   string
	}{
		{"own message", "/channels/5/messages/900001", `{"content":"edited"}`, 200, ""},
		{"another author's message", "/channels/5/messages/1001", `{"content":"edited"}`, 403, "FORBIDDEN"},
		{"unknown message", "/channels/5/messages/123", `{"content":"edited"}`, 404, "NOT_FOUND"},
		{"message of another channel", "/channels/6/messages/900001", `{"content":"edited"}`, 404, "NOT_FOUND"},
		{"empty content", "/channels/5/messages/900001", `{"content":""}`, 400, "INVALID_REQUEST"},
		{"content too long", "/channels/5/messages/900001", `{"content":"` + strings.Repeat("a", 2001) + `"}`, 400, "INVALID_REQUEST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, clock := newPlatform(t, func(o *bubbletest.Options) {
				o.Messages = []bubbletest.Message{{ID: 1001, ChannelID: 5, Content: "!ping", Author: bubbletest.User{ID: 1, Name: "alice"}}}
			})
			mustCall(t, p, testToken, "POST", "/channels/5/messages", `{"content":"pong"}`, http.StatusOK)
			clock.Advance(time.Minute)

			a := call(t, p, testToken, "PUT", tt.path, tt.body)
			if a.status != tt.wantStatus {
				t.Fatalf("have status %d, want %d; body %s", a.status, tt.wantStatus, a.body)
			}
			if have := a.errorCode(); have != tt.wantCode {
				t.Errorf("have error code %q, want %q", have, tt.wantCode)
			}

			contents := contentsOf(p.Messages(5))
			wantContents := []string{"!ping", "pong"}
			if tt.wantStatus == http.StatusOK {
				wantContents = []string{"!ping", "edited"}
				want := `{"id":900001,"channelId":5,"guildId":10,"content":"edited","msgType":0,` +
					`"author":{"id":4242,"name":"demo-bot","bot":true},"timestamp":"2025-12-31T12:00:00Z","editedTimestamp":"2025-12-31T12:01:00Z"}`
				if a.body != want {
					t.Errorf("answer:\nhave %s\nwant %s", a.body, want)
				}
			}
			if !slices.Equal(contents, wantContents) {
				t.Errorf("have contents %q, want %q", contents, wantContents)
			}
		})
	}
}

func TestDeleteMessage(t *testing.T) {
	p, _ := newPlatform(t, func(o *bubbletest.Options) {
		o.Messages = []bubbletest.Message{{ID: 1001, ChannelID: 5, Content: "!ping", Author: bubbletest.User{ID: 1, Name: "alice"}}}
	})
	mustCall(t, p, testToken, "POST", "/channels/5/messages", `{"content":"pong"}`, http.StatusOK)

	a := mustCall(t, p, testToken, "DELETE", "/channels/5/messages/900001", "", http.StatusNoContent)
	if a.body != "" {
		t.Errorf("have body %q, want none", a.body)
	}
	if have, want := contentsOf(p.Messages(5)), []string{"!ping"}; !slices.Equal(have, want) {
		t.Errorf("after delete: have contents %q, want %q", have, want)
	}

	tests := []struct {
		name       string
		path       string
		wantStatus int
		wantCode   string
	}{
		{"deleted message", "/channels/5/messages/900001", 404, "NOT_FOUND"},
		{"another author's message", "/channels/5/messages/1001", 403, "FORBIDDEN"},
		{"message id not a number", "/channels/5/messages/last", 400, "INVALID_REQUEST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, p, testToken, "DELETE", tt.path, "")
			if a.status != tt.wantStatus {
				t.Fatalf("have status %d, want %d; body %s", a.status, tt.wantStatus, a.body)
			}
			if have := a.errorCode(); have != tt.wantCode {
				t.Errorf("have error code %q, want %q", have, tt.wantCode)
			}
		})
	}
}

func TestListMessages(t *testing.T) {
	var seed []bubbletest.Message
	for id := int64(1); id <= 5; id++ {
		seed = append(seed, bubbletest.Message{ID: id, ChannelID: 5, Content: fmt.Sprint("m", id), Author: bubbletest.User{ID: 1, Name: "alice"}})
	}
	p, _ := newPlatform(t, func(o *bubbletest.Options) { o.Messages = seed })

	tests := []struct {
		query      string
		wantStatus int
		wantIDs    []int64
	}{
		{"", 200, []int64{1, 2, 3, 4, 5}},
		{"?limit=2", 200, []int64{4, 5}},
		{"?after=1&limit=2", 200, []int64{2, 3}},
		{"?before=4", 200, []int64{1, 2, 3}},
		{"?before=4&limit=2", 200, []int64{2, 3}},
		{"?after=1&before=5", 200, []int64{2, 3, 4}},
		{"?after=5", 200, []int64{}},
		{"?limit=100", 200, []int64{1, 2, 3, 4, 5}},
		{"?limit=101", 400, nil},
		{"?limit=0", 400, nil},
		{"?limit=ten", 400, nil},
		{"?before=0", 400, nil},
		{"?after=-1", 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			a := call(t, p, testToken, "GET", "/channels/5/messages"+tt.query, "")
			if a.status != tt.wantStatus {
				t.Fatalf("have status %d, want %d; body %s", a.status, tt.wantStatus, a.body)
			}
			if tt.wantStatus != http.StatusOK {
				if code := a.errorCode(); code != "INVALID_REQUEST" {
					t.Errorf("have error code %q, want INVALID_REQUEST", code)
				}
				return
			}
			var msgs []struct {
				ID int64 `json:"id"`
			}
			if err := json.Unmarshal([]byte(a.body), &msgs); err != nil {
				t.Fatalf("decoding %s: %v", a.body, err)
			}
			ids := []int64{}
			for _, m := range msgs {
				ids = append(ids, m.ID)
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("have ids %v, want %v", ids, tt.wantIDs)
			}
		})
	}
}

func TestDirectMessages(t *testing.T) {
	p, _ := newPlatform(t, nil)

	first := mustCall(t, p, testToken, "POST", "/users/1/dm", "", http.StatusOK)
	again := mustCall(t, p, testToken, "POST", "/users/1/dm", "", http.StatusOK)
	other := mustCall(t, p, testToken, "POST", "/users/2/dm", "", http.StatusOK)
	otherBot := mustCall(t, p, otherToken, "POST", "/users/1/dm", "", http.StatusOK)

	if want := `{"channelId":800001,"recipientId":1}`; first.body != want {
		t.Errorf("first open: have %s, want %s", first.body, want)
	}
	if again.body != first.body {
		t.Errorf("second open: have %s, want the same channel as %s", again.body, first.body)
	}
	if other.body == first.body {
		t.Errorf("another user got the same channel: %s", other.body)
	}
	if otherBot.body == first.body {
		t.Errorf("another bot got the same channel: %s", otherBot.body)
	}

	a := mustCall(t, p, testToken, "POST", "/dm/channels/800001/messages", `{"content":"hello"}`, http.StatusOK)
	want := `{"id":900001,"channelId":800001,"content":"hello","msgType":0,` +
		`"author":{"id":4242,"name":"demo-bot","bot":true},"timestamp":"2025-12-31T12:00:00Z"}`
	if a.body != want {
		t.Errorf("DM answer:\nhave %s\nwant %s", a.body, want)
	}
	if have := contentsOf(p.Messages(800001)); !slices.Equal(have, []string{"hello"}) {
		t.Errorf("DM channel holds %q, want [hello]", have)
	}

	tests := []struct {
		name       string
		token      string
		path       string
		wantStatus int
	}{
		{"never opened", testToken, "/dm/channels/799999/messages", 404},
		{"a guild channel", testToken, "/dm/channels/5/messages", 404},
		{"another bot's channel", otherToken, "/dm/channels/800001/messages", 404},
		{"another bot's channel through /channels", otherToken, "/channels/800001/messages", 404},
		{"own channel through /channels", testToken, "/channels/800001/messages", 200},
	}
	mustCall(t, p, testToken, "GET", "/channels/5", "", http.StatusOK) // creates channel 5
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, p, tt.token, "POST", tt.path, `{"content":"hello"}`)
			if a.status != tt.wantStatus {
				t.Fatalf("have status %d, want %d; body %s", a.status, tt.wantStatus, a.body)
			}
			if tt.wantStatus == http.StatusNotFound && a.errorCode() != "NOT_FOUND" {
				t.Errorf("have error code %q, want NOT_FOUND", a.errorCode())
			}
		})
	}
}

func TestReads(t *testing.T) {
	joined := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	p, _ := newPlatform(t, func(o *bubbletest.Options) {
		o.Guilds = []bubbletest.Guild{{ID: 20, Name: "Guild Twenty", OwnerID: 1}}
		o.Channels = []bubbletest.Channel{
			{ID: 22, GuildID: 20, Name: "second", Position: 1},
			{ID: 21, GuildID: 20, Name: "first", Position: 0},
		}
		o.Members = []bubbletest.Member{
			{GuildID: 20, User: bubbletest.User{ID: 3, Name: "carol"}, JoinedAt: joined},
			{GuildID: 20, User: bubbletest.User{ID: 1, Name: "alice", Avatar: "a.jpg"}, Roles: []int64{100, 101}, Nick: "Al", JoinedAt: joined},
			{GuildID: 20, User: bubbletest.User{ID: 2, Name: "bob"}, JoinedAt: joined},
		}
	})

	tests := []struct {
		name       string
		token      string
		path       string
		wantStatus int
		wantBody   string
	}{
		{"bot me", testToken, "/bot/me", 200,
			`{"id":42,"name":"demo-bot","botUser":{"id":4242,"name":"demo-bot"}}`},
		{"bot me, user id defaults to id", otherToken, "/bot/me", 200,
			`{"id":43,"name":"other-bot","botUser":{"id":43,"name":"other-bot"}}`},
		{"seeded channel", testToken, "/channels/21", 200,
			`{"id":21,"guildId":20,"name":"first","type":0,"position":0}`},
		{"channel created on first use", testToken, "/channels/7", 200,
			`{"id":7,"guildId":10,"name":"channel-7","type":0,"position":0}`},
		{"guild channels by position", testToken, "/guilds/20/channels", 200,
			`[{"id":21,"guildId":20,"name":"first","type":0,"position":0},{"id":22,"guildId":20,"name":"second","type":0,"position":1}]`},
		{"unknown guild channels", testToken, "/guilds/99/channels", 404, ""},
		{"member with roles", testToken, "/guilds/20/members/1", 200,
			`{"guildId":20,"user":{"id":1,"name":"alice","avatar":"a.jpg"},"roles":[100,101],"nick":"Al","joinedAt":"2025-01-02T03:04:05Z"}`},
		{"member without roles", testToken, "/guilds/20/members/2", 200,
			`{"guildId":20,"user":{"id":2,"name":"bob"},"roles":[],"joinedAt":"2025-01-02T03:04:05Z"}`},
		{"not a member", testToken, "/guilds/20/members/9", 404, ""},
		{"member of unknown guild", testToken, "/guilds/99/members/1", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, p, tt.token, "GET", tt.path, "")
			if a.status != tt.wantStatus {
				t.Fatalf("have status %d, want %d; body %s", a.status, tt.wantStatus, a.body)
			}
			if tt.wantStatus == http.StatusNotFound {
				if a.errorCode() != "NOT_FOUND" {
					t.Errorf("have error code %q, want NOT_FOUND", a.errorCode())
				}
				return
			}
			if a.body != tt.wantBody {
				t.Errorf("body:\nhave %s\nwant %s", a.body, tt.wantBody)
			}
		})
	}
}

func TestListMembers(t *testing.T) {
	p, _ := newPlatform(t, func(o *bubbletest.Options) {
		for id := int64(1); id <= 5; id++ {
			o.Members = append(o.Members, bubbletest.Member{GuildID: 20, User: bubbletest.User{ID: id * 10, Name: fmt.Sprint("user", id)}})
		}
	})
	tests := []struct {
		query      string
		wantStatus int
		wantIDs    []int64
	}{
		{"", 200, []int64{10, 20, 30, 40, 50}},
		{"?limit=2", 200, []int64{10, 20}},
		{"?after=20&limit=2", 200, []int64{30, 40}},
		{"?after=50", 200, []int64{}},
		{"?limit=1000", 200, []int64{10, 20, 30, 40, 50}},
		{"?limit=1001", 400, nil},
		{"?limit=0", 400, nil},
		{"?after=x", 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			a := call(t, p, testToken, "GET", "/guilds/20/members"+tt.query, "")
			if a.status != tt.wantStatus {
				t.Fatalf("have status %d, want %d; body %s", a.status, tt.wantStatus, a.body)
			}
			if tt.wantStatus != http.StatusOK {
				if code := a.errorCode(); code != "INVALID_REQUEST" {
					t.Errorf("have error code %q, want INVALID_REQUEST", code)
				}
				return
			}
			var members []struct {
				User struct {
					ID int64 `json:"id"`
				} `json:"user"`
			}
			if err := json.Unmarshal([]byte(a.body), &members); err != nil {
				t.Fatalf("decoding %s: %v", a.body, err)
			}
			ids := []int64{}
			for _, m := range members {
				ids = append(ids, m.User.ID)
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("have user ids %v, want %v", ids, tt.wantIDs)
			}
		})
	}
}

func TestUnknownEndpoints(t *testing.T) {
	p, _ := newPlatform(t, nil)
	tests := []struct {
		name       string
		method     string
		url        string
		wantStatus int
		wantCode   string
		wantAllow  string
	}{
		{"unknown path", "GET", p.APIBase() + "/files/quota", 404, "NOT_FOUND", ""},
		{"trailing slash", "GET", p.APIBase() + "/bot/me/", 404, "NOT_FOUND", ""},
		{"outside the base path", "GET", p.URL() + "/api/robot/v1/bot/me", 404, "NOT_FOUND", ""},
		{"wrong method", "PATCH", p.APIBase() + "/channels/5/messages/1", 405, "METHOD_NOT_ALLOWED", "PUT, DELETE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+testToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Error struct {
					Code string `json:"code"`
				} `json:"error"`
			}
			json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()

			if resp.StatusCode != tt.wantStatus {
				t.Errorf("have status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if body.Error.Code != tt.wantCode {
				t.Errorf("have error code %q, want %q", body.Error.Code, tt.wantCode)
			}
			if have := resp.Header.Get("Allow"); have != tt.wantAllow {
				t.Errorf("have Allow %q, want %q", have, tt.wantAllow)
			}
		})
	}
}

func TestRequestsAreRecorded(t *testing.T) {
	p, _ := newPlatform(t, nil)
	mustCall(t, p, testToken, "POST", "/channels/5/messages", `{"content":"pong"}`, http.StatusOK)
	call(t, p, "", "GET", "/channels/5/messages?limit=5", "")

	reqs := p.Requests()
	if len(reqs) != 2 {
		t.Fatalf("have %d requests, want 2", len(reqs))
	}
	sent, denied := reqs[0], reqs[1]

	checks := []struct {
		name       string
		have, want any
	}{
		{"first time", sent.Time, testTime},
		{"first method", sent.Method, "POST"},
		{"first path", sent.Path, "/api/bot/v1/channels/5/messages"},
		{"first route", sent.Route, "POST /channels/{channelId}/messages"},
		{"first Authorization", sent.Header.Get("Authorization"), "Bearer " + testToken},
		{"first body", string(sent.Body), `{"content":"pong"}`},
		{"first bot", sent.BotID, int64(botID)},
		{"first status", sent.Status, 200},
		{"first over limit", sent.OverLimit, false},
		{"first fault", sent.Fault, bubbletest.FaultNone},
		{"second route", denied.Route, "GET /channels/{channelId}/messages"},
		{"second query", denied.Query.Get("limit"), "5"},
		{"second bot", denied.BotID, int64(0)},
		{"second status", denied.Status, 401},
	}
	for _, c := range checks {
		if c.have != c.want {
			t.Errorf("%s: have %v, want %v", c.name, c.have, c.want)
		}
	}
	if !strings.Contains(string(sent.Response), `"content":"pong"`) {
		t.Errorf("first response %s lacks the message", sent.Response)
	}

	// The returned requests are copies.
	reqs[0].Header.Set("Authorization", "changed")
	if have := p.Requests()[0].Header.Get("Authorization"); have != "Bearer "+testToken {
		t.Errorf("changing a returned request changed the record to %q", have)
	}
}

func TestAPIEvents(t *testing.T) {
	var (
		mu     sync.Mutex
		events []string
	)
	p, _ := newPlatform(t, func(o *bubbletest.Options) {
		o.OnEvent = func(body []byte) {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, string(body))
		}
	})
	mustCall(t, p, testToken, "POST", "/channels/5/messages", `{"content":"pong"}`, http.StatusOK)
	mustCall(t, p, testToken, "PUT", "/channels/5/messages/900001", `{"content":"edited"}`, http.StatusOK)
	mustCall(t, p, testToken, "DELETE", "/channels/5/messages/900001", ``, http.StatusNoContent)
	mustCall(t, p, testToken, "POST", "/users/1/dm", ``, http.StatusOK)
	mustCall(t, p, testToken, "POST", "/dm/channels/800001/messages", `{"content":"hi"}`, http.StatusOK)
	mustCall(t, p, testToken, "DELETE", "/channels/800001/messages/900002", ``, http.StatusNoContent)
	call(t, p, testToken, "POST", "/channels/5/messages", `{"content":""}`) // rejected: no event

	want := []string{
		`{"type":"MESSAGE_CREATE","data":{"id":900001,"channelId":5,"guildId":10,"content":"pong","msgType":0,"author":{"id":4242,"name":"demo-bot","bot":true},"timestamp":"2025-12-31T12:00:00Z","mentions":[],"mentionRoles":[]}}`,
		`{"type":"MESSAGE_UPDATE","data":{"id":900001,"channelId":5,"content":"edited","editedTimestamp":"2025-12-31T12:00:00Z"}}`,
		`{"type":"MESSAGE_DELETE","data":{"id":900001,"channelId":5,"guildId":10}}`,
		`{"type":"DM_MESSAGE_CREATE","data":{"id":900002,"channelId":800001,"content":"hi","author":{"id":4242,"name":"demo-bot","bot":true},"timestamp":"2025-12-31T12:00:00Z"}}`,
		`{"type":"DM_MESSAGE_DELETE","data":{"id":900002,"channelId":800001}}`,
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(events, want) {
		t.Errorf("events:\nhave %s\nwant %s", strings.Join(events, "\n     "), strings.Join(want, "\n     "))
	}
}

func TestWaitMessages(t *testing.T) {
	p, _ := newPlatform(t, nil)
	ctx := testContext(t)

	done := make(chan []bubbletest.Message)
	go func() {
		msgs, err := p.WaitMessages(ctx, 5, 2)
		if err != nil {
			t.Error(err)
		}
		done <- msgs
	}()
	mustCall(t, p, testToken, "POST", "/channels/5/messages", `{"content":"one"}`, http.StatusOK)
	mustCall(t, p, testToken, "POST", "/channels/6/messages", `{"content":"elsewhere"}`, http.StatusOK)
	mustCall(t, p, testToken, "POST", "/channels/5/messages", `{"content":"two"}`, http.StatusOK)

	if have := contentsOf(<-done); !slices.Equal(have, []string{"one", "two"}) {
		t.Errorf("have %q, want [one two]", have)
	}

	short, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	msgs, err := p.WaitMessages(short, 5, 3)
	if err == nil {
		t.Error("waiting for a third message returned no error")
	}
	if len(msgs) != 2 {
		t.Errorf("have %d messages with the error, want the 2 so far", len(msgs))
	}
}

func TestAddMessage(t *testing.T) {
	p, _ := newPlatform(t, func(o *bubbletest.Options) { o.StrictChannels = true })
	if _, err := p.AddMessage(bubbletest.Message{ChannelID: 5, Content: "hi"}); err == nil {
		t.Error("adding to an unknown channel with StrictChannels returned no error")
	}
	p.AddChannel(bubbletest.Channel{ID: 5, GuildID: 30, Name: "general"})
	m, err := p.AddMessage(bubbletest.Message{ChannelID: 5, Content: "hi", Author: bubbletest.User{ID: 1, Name: "alice"}})
	if err != nil {
		t.Fatal(err)
	}
	want := bubbletest.Message{ID: 900001, ChannelID: 5, GuildID: 30, Content: "hi", Author: bubbletest.User{ID: 1, Name: "alice"}, Timestamp: testTime}
	if !equalMessages(m, want) {
		t.Errorf("have %+v, want %+v", m, want)
	}
	if _, err := p.AddMessage(bubbletest.Message{ID: 900001, ChannelID: 5, Content: "again"}); err == nil {
		t.Error("adding a message with a taken id returned no error")
	}
}

func contentsOf(msgs []bubbletest.Message) []string {
	out := []string{}
	for _, m := range msgs {
		out = append(out, m.Content)
	}
	return out
}

func equalMessages(a, b bubbletest.Message) bool {
	return a.ID == b.ID && a.ChannelID == b.ChannelID && a.GuildID == b.GuildID &&
		a.Content == b.Content && a.MsgType == b.MsgType && a.Author == b.Author &&
		a.Timestamp.Equal(b.Timestamp) && a.EditedTimestamp.Equal(b.EditedTimestamp) &&
		slices.Equal(a.Mentions, b.Mentions) && slices.Equal(a.MentionRoles, b.MentionRoles)
}
