// Package actions carries out what plugins ask of the platform through its
// HTTP API: it builds the requests, splits long messages, and sends each
// tenant's requests in order under the tenant's rate limit.
package actions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxMessageChars is the longest message the platform accepts, counted in
// UTF-16 code units as the platform's JavaScript counts string length.
const MaxMessageChars = 2000

// Client calls the platform's HTTP API as one bot.
type Client struct {
	base  string
	token string
	http  *http.Client
}

// NewClient returns a client for the API at base (for example
// https://bubble.alemonjs.com/api/bot/v1) authenticating with token.
func NewClient(base, token string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	return &Client{base: strings.TrimRight(base, "/"), token: token, http: hc}
}

// APIError is a non-2xx response of the platform.
type APIError struct {
	Status int
	// Code is the platform's error code, such as RATE_LIMIT_EXCEEDED, or
	// empty when the body had none.
	Code    string
	Message string
	// RetryAfter is the wait the platform requested, when it gave one.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("platform answered %d", e.Status)
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Message is the platform's message object, as far as the host reads it.
type Message struct {
	ID        int64 `json:"id"`
	ChannelID int64 `json:"channelId"`
}

// BotUser is the response of GET /bot/me, as far as the host reads it.
type BotUser struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	BotUser *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"botUser"`
}

// UserID returns the user id the bot's messages carry as their author.
func (b BotUser) UserID() int64 {
	if b.BotUser != nil && b.BotUser.ID != 0 {
		return b.BotUser.ID
	}
	return b.ID
}

// SendMessage posts content to a guild channel, or to a DM channel when dm
// is true. It returns the message object and the response body as received.
func (c *Client) SendMessage(ctx context.Context, channelID int64, content string, dm bool) (Message, []byte, error) {
	path := "/channels/" + strconv.FormatInt(channelID, 10) + "/messages"
	if dm {
		path = "/dm" + path
	}
	body := struct {
		Content string `json:"content"`
		MsgType int    `json:"msgType"`
	}{content, 0}
	var m Message
	raw, err := c.Do(ctx, http.MethodPost, path, body, &m)
	return m, raw, err
}

// EditMessage replaces the content of one of the bot's own messages.
func (c *Client) EditMessage(ctx context.Context, channelID, messageID int64, content string) ([]byte, error) {
	path := "/channels/" + strconv.FormatInt(channelID, 10) + "/messages/" + strconv.FormatInt(messageID, 10)
	body := struct {
		Content string `json:"content"`
	}{content}
	return c.Do(ctx, http.MethodPut, path, body, nil)
}

// DeleteMessage deletes one of the bot's own messages.
func (c *Client) DeleteMessage(ctx context.Context, channelID, messageID int64) error {
	path := "/channels/" + strconv.FormatInt(channelID, 10) + "/messages/" + strconv.FormatInt(messageID, 10)
	_, err := c.Do(ctx, http.MethodDelete, path, nil, nil)
	return err
}

// OpenDM opens, or finds, the DM channel with a user and returns its id.
func (c *Client) OpenDM(ctx context.Context, userID int64) (int64, error) {
	var out struct {
		ChannelID int64 `json:"channelId"`
	}
	if _, err := c.Do(ctx, http.MethodPost, "/users/"+strconv.FormatInt(userID, 10)+"/dm", struct{}{}, &out); err != nil {
		return 0, err
	}
	if out.ChannelID == 0 {
		return 0, fmt.Errorf("POST /users/%d/dm: response has no channelId", userID)
	}
	return out.ChannelID, nil
}

// Me returns the bot's own account.
func (c *Client) Me(ctx context.Context) (BotUser, error) {
	var b BotUser
	_, err := c.Do(ctx, http.MethodGet, "/bot/me", nil, &b)
	return b, err
}

// Do sends one request and returns the body of a 2xx answer, also decoded
// into out when out is not nil. A non-2xx answer is an *APIError.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) ([]byte, error) {
	var body io.Reader
	if in != nil {
		b, err := marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encoding %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, fmt.Errorf("building %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading response: %w", method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := parseAPIError(resp, raw)
		// The message is the platform's text, which ends up in logs: never
		// let it carry the token back, should the platform quote it.
		if c.token != "" {
			apiErr.Message = strings.ReplaceAll(apiErr.Message, c.token, "[token]")
			apiErr.Code = strings.ReplaceAll(apiErr.Code, c.token, "[token]")
		}
		return nil, fmt.Errorf("%s %s: %w", method, path, apiErr)
	}
	if out == nil || len(bytes.TrimSpace(raw)) == 0 {
		return raw, nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return nil, fmt.Errorf("%s %s: decoding response: %w", method, path, err)
	}
	return raw, nil
}

// marshal encodes v without escaping <, > and &, which the platform shows
// as they are.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// parseAPIError reads the platform's error body in either of its documented
// shapes: {"error": {"code", "message", "retryAfter"}} or
// {"error": "code", "message": "..."}.
func parseAPIError(resp *http.Response, raw []byte) *APIError {
	e := &APIError{Status: resp.StatusCode}
	var nested struct {
		Error struct {
			Code       string  `json:"code"`
			Message    string  `json:"message"`
			RetryAfter float64 `json:"retryAfter"`
		} `json:"error"`
	}
	var flat struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &nested) == nil && nested.Error.Code != "" {
		e.Code, e.Message = nested.Error.Code, nested.Error.Message
		if nested.Error.RetryAfter > 0 {
			e.RetryAfter = time.Duration(nested.Error.RetryAfter * float64(time.Second))
		}
	} else if json.Unmarshal(raw, &flat) == nil && flat.Error != "" {
		e.Code, e.Message = flat.Error, flat.Message
	}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if secs, err := strconv.ParseFloat(s, 64); err == nil && secs >= 0 {
			e.RetryAfter = max(e.RetryAfter, time.Duration(secs*float64(time.Second)))
		}
	}
	if e.RetryAfter == 0 {
		if s := resp.Header.Get("X-RateLimit-Reset"); s != "" {
			if unix, err := strconv.ParseInt(s, 10, 64); err == nil {
				if d := time.Until(time.Unix(unix, 0)); d > 0 {
					e.RetryAfter = d
				}
			}
		}
	}
	return e
}

// IsRetryable reports whether a failed request may succeed if sent again:
// network errors, 429 and 5xx answers.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var api *APIError
	if errors.As(err, &api) {
		return api.Status == http.StatusTooManyRequests || api.Status >= 500
	}
	return true
}
