package bubbletest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/bubblehost/bubblehost/host/bubbletest"
)

const (
	testToken  = "test-token"
	otherToken = "other-token"
	botID      = 42
	botUserID  = 4242
	otherBotID = 43
)

// testTime is the fixed time of platforms started with a fakeClock.
var testTime = time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC)

// fakeClock is a clock that moves only when a test advances it.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newPlatform starts a platform with two bots, "demo-bot" (testToken) and
// "other-bot" (otherToken), on a fake clock at testTime, with the rate limit
// off unless edit sets one.
func newPlatform(t *testing.T, edit func(*bubbletest.Options)) (*bubbletest.Platform, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: testTime}
	opts := bubbletest.Options{
		Bots: []bubbletest.Bot{
			{Token: testToken, ID: botID, UserID: botUserID, Name: "demo-bot"},
			{Token: otherToken, ID: otherBotID, Name: "other-bot"},
		},
		Now:  clock.Now,
		Rate: rate.Inf,
	}
	if edit != nil {
		edit(&opts)
	}
	p := bubbletest.NewPlatform(opts)
	t.Cleanup(p.Close)
	return p, clock
}

// answer is a response of the platform with its body read whole.
type answer struct {
	status int
	header http.Header
	body   string
}

// errorCode returns the code of a {"error": {"code", ...}} body, or "".
func (a answer) errorCode() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	json.Unmarshal([]byte(a.body), &e)
	return e.Error.Code
}

// call sends one API request with the bearer token (none when empty) and
// returns the response. Path is relative to the API base.
func call(t *testing.T, p *bubbletest.Platform, token, method, path, body string) answer {
	t.Helper()
	a, err := send(p, token, method, path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return a
}

// send is call for goroutines other than the test's: it returns the error
// instead of failing the test.
func send(p *bubbletest.Platform, token, method, path, body string) (answer, error) {
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, p.APIBase()+path, reader)
	if err != nil {
		return answer{}, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, fmt.Errorf("reading the answer: %w", err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(raw)}, nil
}

// mustCall is call that fails the test unless the status is want.
func mustCall(t *testing.T, p *bubbletest.Platform, token, method, path, body string, want int) answer {
	t.Helper()
	a := call(t, p, token, method, path, body)
	if a.status != want {
		t.Fatalf("%s %s: have status %d, want %d; body %s", method, path, a.status, want, a.body)
	}
	return a
}

// compact returns s with JSON whitespace removed, for comparing bodies.
func compact(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		t.Fatalf("compacting %q: %v", s, err)
	}
	return buf.String()
}

// testContext returns a context that ends with the test or after 10 s.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
