package bubbletest

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// maxRequestBytes caps a request body. The platform documents no cap for
// JSON bodies, and a message body is far smaller.
const maxRequestBytes = 1 << 20

// response is the response that a step of ServeHTTP decided on.
type response struct {
	status int
	header http.Header
	// body is encoded as JSON. Nil sends no body.
	body any
}

// errorBody is the platform's error shape, {"error": {"code", "message"}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// RetryAfter is the wait in seconds that a 429 response requests.
	RetryAfter float64 `json:"retryAfter,omitempty"`
}

// Error codes. The documents name only RATE_LIMIT_EXCEEDED, and show
// UNAUTHORIZED in lower case in an example of the older flat shape.
const (
	codeUnauthorized     = "UNAUTHORIZED"
	codeForbidden        = "FORBIDDEN"
	codeNotFound         = "NOT_FOUND"
	codeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	codeInvalidRequest   = "INVALID_REQUEST"
	codeRateLimit        = "RATE_LIMIT_EXCEEDED"
	codeInternal         = "INTERNAL_ERROR"
)

func errorResponse(status int, code, format string, args ...any) response {
	return response{status: status, body: errorBody{errorDetail{Code: code, Message: fmt.Sprintf(format, args...)}}}
}

// ServeHTTP serves one API request: it records the request, authenticates
// it, takes a token from the bot's bucket, applies the fault set with
// SetFault, and then responds as the endpoint documents.
func (p *Platform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		http.Error(w, "platform closed", http.StatusServiceUnavailable)
		return
	}
	p.handlers.Add(1)
	p.mu.Unlock()
	defer p.handlers.Done()

	arrived := p.opts.Now()
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	rec := Request{
		Time:   arrived,
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		Body:   body,
	}
	rt, ids, routeErr := p.match(r.Method, r.URL.Path)
	if rt != nil {
		rec.Route = rt.name
	}

	// Authenticate, take a token and take the fault, in one step so that
	// concurrent requests see a consistent bucket and fault.
	p.mu.Lock()
	bot := p.botLocked(r.Header.Get("Authorization"))
	var tokenWait time.Duration
	if bot != nil {
		rec.BotID = bot.ID
		if !bot.limiter.AllowN(arrived, 1) {
			rec.OverLimit = true
			p.overLimit++
			tokenWait = untilToken(bot.limiter, arrived)
		}
	}
	rec.Fault = p.fault.take()
	rec.Delay = p.fault.Delay
	faultRetryAfter := p.fault.RetryAfter
	p.mu.Unlock()

	if rec.Delay > 0 {
		timer := time.NewTimer(rec.Delay)
		select {
		case <-timer.C:
		case <-r.Context().Done():
		case <-p.done:
		}
		timer.Stop()
	}

	var resp response
	var events [][]byte
	switch {
	case rec.Fault == FaultDroppedConnection:
		p.finish(rec, nil)
		dropConnection(w)
		return
	case rec.Fault == FaultInternalError:
		resp = errorResponse(http.StatusInternalServerError, codeInternal, "internal error (a fault injected by bubbletest)")
	case rec.Fault == FaultRateLimit:
		if faultRetryAfter <= 0 {
			faultRetryAfter = defaultFaultRetryAfter
		}
		resp = p.rateLimitResponse(arrived, faultRetryAfter)
	case bot == nil:
		resp = unauthorized(r.Header.Get("Authorization"))
	case rec.OverLimit:
		resp = p.rateLimitResponse(arrived, tokenWait)
	case readErr != nil:
		resp = errorResponse(http.StatusBadRequest, codeInvalidRequest, "reading the request body: %v", readErr)
	case len(body) > maxRequestBytes:
		resp = errorResponse(http.StatusBadRequest, codeInvalidRequest, "request body is over %d bytes", maxRequestBytes)
	case routeErr != nil:
		resp = *routeErr
	default:
		c := &call{bot: bot, ids: ids, query: rec.Query, body: body}
		p.mu.Lock()
		c.now = p.now()
		resp = rt.handle(p, c)
		p.mu.Unlock()
		events = c.events
	}

	// Record the request and call the hooks before responding, so that
	// a client that has its response finds the request in Requests.
	var header http.Header
	rec.Status, header, rec.Response = encode(resp)
	p.finish(rec, events)
	for name, values := range header {
		w.Header()[name] = values
	}
	w.WriteHeader(rec.Status)
	w.Write(rec.Response)
}

// finish records rec, wakes the waiters, and calls the hooks.
func (p *Platform) finish(rec Request, events [][]byte) {
	p.mu.Lock()
	p.requests = append(p.requests, rec)
	p.notifyLocked()
	p.mu.Unlock()

	if p.opts.OnRequest != nil {
		p.opts.OnRequest(rec.clone())
	}
	if p.opts.OnEvent != nil {
		for _, event := range events {
			p.opts.OnEvent(event)
		}
	}
}

// encode returns the status, header and body bytes of resp, with the body
// encoded as JSON.
func encode(resp response) (int, http.Header, []byte) {
	header := resp.header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if resp.body == nil {
		return resp.status, header, nil
	}
	encoded, err := marshal(resp.body)
	if err != nil {
		resp = errorResponse(http.StatusInternalServerError, codeInternal, "encoding the response: %v", err)
		encoded, _ = marshal(resp.body)
	}
	header.Set("Content-Type", "application/json; charset=utf-8")
	header.Set("Content-Length", strconv.Itoa(len(encoded)))
	return resp.status, header, encoded
}

// dropConnection closes the request's connection without a response.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// The connection cannot be taken over, as in HTTP/2. Aborting the
		// handler makes the server reset the stream without a response.
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// botLocked returns the bot that an Authorization header value names, or
// nil. The scheme is matched case-insensitively, as RFC 9110 requires.
func (p *Platform) botLocked(authorization string) *botState {
	scheme, token, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	return p.bots[strings.TrimSpace(token)]
}

// unauthorized returns the 401 response for an Authorization header value,
// saying what is wrong with it without repeating the token.
func unauthorized(authorization string) response {
	scheme, _, _ := strings.Cut(authorization, " ")
	switch {
	case authorization == "":
		return errorResponse(http.StatusUnauthorized, codeUnauthorized, "missing Authorization header: send Authorization: Bearer <bot token>")
	case !strings.EqualFold(scheme, "Bearer"):
		return errorResponse(http.StatusUnauthorized, codeUnauthorized, "invalid Authorization header: the scheme must be Bearer")
	default:
		return errorResponse(http.StatusUnauthorized, codeUnauthorized, "invalid token: no bot has this token")
	}
}

// untilToken returns how long after now the limiter holds a whole token.
func untilToken(limiter *rate.Limiter, now time.Time) time.Duration {
	missing := 1 - limiter.TokensAt(now)
	if missing <= 0 || limiter.Limit() == rate.Inf || limiter.Limit() <= 0 {
		return 0
	}
	return time.Duration(missing / float64(limiter.Limit()) * float64(time.Second))
}

// rateLimitResponse returns a 429 response requesting a wait of for wait after now.
//
// X-RateLimit-Limit is the number of requests a second, and Remaining is 0.
// Reset is the unix second by which the wait is over. Retry-After is the
// wait rounded up to whole seconds and at least 1, because the header takes
// integers. The body's retryAfter is the wait in seconds, to the
// millisecond.
func (p *Platform) rateLimitResponse(now time.Time, wait time.Duration) response {
	waitSeconds := math.Ceil(wait.Seconds()*1000) / 1000
	header := http.Header{}
	header.Set("X-RateLimit-Limit", strconv.FormatFloat(float64(p.opts.Rate), 'f', -1, 64))
	header.Set("X-RateLimit-Remaining", "0")
	header.Set("X-RateLimit-Reset", strconv.FormatInt(int64(math.Ceil(float64(now.Add(wait).UnixNano())/1e9)), 10))
	header.Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	message := fmt.Sprintf("rate limit exceeded: at most %s requests a second with a burst of %d per bot",
		header.Get("X-RateLimit-Limit"), p.opts.Burst)
	return response{
		status: http.StatusTooManyRequests,
		header: header,
		body:   errorBody{errorDetail{Code: codeRateLimit, Message: message, RetryAfter: waitSeconds}},
	}
}

// match returns the route for method and path and the ids in the path. The
// route is nil when no route has this path. The error response is set when
// the path is unknown, the method is not allowed, or an id is invalid.
func (p *Platform) match(method, path string) (*route, map[string]int64, *response) {
	rest, ok := strings.CutPrefix(path, p.opts.BasePath+"/")
	if !ok {
		resp := errorResponse(http.StatusNotFound, codeNotFound, "no endpoint %s %s: the API base path is %s", method, path, p.opts.BasePath)
		return nil, nil, &resp
	}
	segments := strings.Split(rest, "/")

	var allowed []string
	for i := range routes {
		rt := &routes[i]
		routeMethod, pattern, _ := strings.Cut(rt.name, " ")
		params, ok := matchPath(pattern, segments)
		if !ok {
			continue
		}
		if routeMethod != method {
			allowed = append(allowed, routeMethod)
			continue
		}
		ids, err := parseIDs(params)
		if err != nil {
			resp := errorResponse(http.StatusBadRequest, codeInvalidRequest, "%v", err)
			return rt, nil, &resp
		}
		return rt, ids, nil
	}

	if len(allowed) > 0 {
		resp := errorResponse(http.StatusMethodNotAllowed, codeMethodNotAllowed, "method %s is not allowed on %s; allowed: %s", method, path, strings.Join(allowed, ", "))
		resp.header = http.Header{"Allow": {strings.Join(allowed, ", ")}}
		return nil, nil, &resp
	}
	resp := errorResponse(http.StatusNotFound, codeNotFound, "no endpoint %s %s", method, path)
	return nil, nil, &resp
}

// matchPath returns the path parameters when segments match a route's
// path pattern.
func matchPath(pattern string, segments []string) (url.Values, bool) {
	patternSegments := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	if len(patternSegments) != len(segments) {
		return nil, false
	}
	params := url.Values{}
	for i, want := range patternSegments {
		if name, ok := strings.CutPrefix(want, "{"); ok {
			if segments[i] == "" {
				return nil, false
			}
			params.Set(strings.TrimSuffix(name, "}"), segments[i])
			continue
		}
		if segments[i] != want {
			return nil, false
		}
	}
	return params, true
}

// parseIDs parses every path parameter as a positive integer id.
func parseIDs(params url.Values) (map[string]int64, error) {
	ids := make(map[string]int64, len(params))
	for name := range params {
		value := params.Get(name)
		id, err := strconv.ParseInt(value, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("invalid %s %q: want a positive integer", name, value)
		}
		ids[name] = id
	}
	return ids, nil
}
