package bubbletest

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of Options.
const (
	// DefaultAddr is the listen address: a free port on IPv4 loopback.
	DefaultAddr = "127.0.0.1:0"
	// DefaultBasePath is the path of the API base, as in the platform's
	// https://bubble.alemonjs.com/api/bot/v1.
	DefaultBasePath = "/api/bot/v1"
	// DefaultRate and DefaultBurst are the platform's documented limit per
	// bot: 5 requests a second with a burst of 10.
	DefaultRate  rate.Limit = 5
	DefaultBurst            = 10
)

// Options configures a Platform. The zero value serves the API on a free
// loopback port with no bots.
type Options struct {
	// Addr is the TCP address to listen on. Default: DefaultAddr.
	Addr string
	// BasePath is the path under which the API is served. Default:
	// DefaultBasePath.
	BasePath string

	// Bots, Guilds, Channels, Members and Messages seed the platform, in
	// that order, as the Add methods of the same names do.
	Bots     []Bot
	Guilds   []Guild
	Channels []Channel
	Members  []Member
	Messages []Message

	// StrictChannels makes a request to a channel that was never seeded or
	// created get a 404 response. By default any positive channel id exists: the
	// platform creates a text channel named "channel-<id>" in guild
	// DefaultGuildID on first use.
	StrictChannels bool

	// Rate and Burst set each bot's token bucket. Zero means DefaultRate
	// and DefaultBurst. rate.Inf turns the limit off.
	Rate  rate.Limit
	Burst int

	// Now returns the current time. It stamps requests and messages and
	// drives the rate limit buckets, so a test can refill a bucket by
	// moving its clock. Default: time.Now.
	Now func() time.Time

	// OnRequest is called with each request once its response is decided,
	// on the request's goroutine, before the response is sent. It delays
	// the response while it runs and must not call Close.
	OnRequest func(Request)
	// OnEvent is called with the delivery body of each event that an API
	// request causes (MESSAGE_CREATE, MESSAGE_UPDATE, MESSAGE_DELETE and
	// their DM_ forms), after OnRequest and under the same conditions. The
	// platform does not deliver these events itself: give the body to a
	// WebhookSender to do so.
	OnEvent func(body []byte)

	// ErrorLog receives the HTTP server's errors. Nil uses the log
	// package's standard logger.
	ErrorLog *log.Logger
}

// Request is one request that a Platform served.
type Request struct {
	// Time is when the request arrived, by Options.Now.
	Time   time.Time
	Method string
	// Path is the URL path as sent, with the API base path.
	Path string
	// Route is the endpoint that Method and Path match, such as
	// "POST /channels/{channelId}/messages", or "" when they match none.
	Route string
	Query url.Values
	// Header contains every request header, Authorization included.
	Header http.Header
	Body   []byte
	// BotID is the bot that the token belongs to, zero when the token is
	// missing or unknown.
	BotID int64
	// OverLimit reports that the bot's bucket was empty when the request
	// arrived, whether or not the response was 429.
	OverLimit bool
	// Fault is the fault that SetFault made the platform apply, and Delay
	// the wait it added before responding.
	Fault FaultKind
	Delay time.Duration
	// Status is the response status, zero for a dropped connection.
	// Response is the response body.
	Status   int
	Response []byte
}

// Platform is a fake Bubble platform serving the HTTP API on loopback.
// Its methods are safe for concurrent use.
type Platform struct {
	opts     Options
	server   *http.Server
	listener net.Listener
	serveErr chan error
	// done is closed by Close, to end injected delays.
	done chan struct{}
	// handlers counts the requests being served, so that Close can wait
	// for them.
	handlers  sync.WaitGroup
	closeOnce sync.Once

	mu       sync.Mutex
	closed   bool
	bots     map[string]*botState // by token
	guilds   map[int64]*Guild
	channels map[int64]*Channel
	// members maps a guild id and a user id to the membership.
	members map[int64]map[int64]*Member
	// messages maps a channel id to its messages in ascending id order.
	messages map[int64][]*Message
	// dms maps a bot id and a user id to their direct message channel.
	dms           map[[2]int64]int64
	lastMessageID int64
	lastChannelID int64
	requests      []Request
	overLimit     int
	fault         Fault
	// changed is closed and replaced whenever requests or messages change,
	// to wake WaitMessages and WaitRequests.
	changed chan struct{}
}

// botState is a bot and its rate limit bucket.
type botState struct {
	Bot
	limiter *rate.Limiter
}

// Ids that a Platform hands out count up from these, which are far from the
// ids in the platform's samples and in tests' seeds.
const (
	firstMessageID   = 900001
	firstDMChannelID = 800001
)

// NewPlatform starts a Platform and panics when it cannot, as
// httptest.NewServer does. Close it when done.
func NewPlatform(opts Options) *Platform {
	p, err := StartPlatform(opts)
	if err != nil {
		panic("bubbletest: " + err.Error())
	}
	return p
}

// StartPlatform starts a Platform listening on opts.Addr. It returns an
// error when a seed is invalid or the address cannot be listened on.
func StartPlatform(opts Options) (*Platform, error) {
	opts = opts.withDefaults()
	if !strings.HasPrefix(opts.BasePath, "/") {
		return nil, fmt.Errorf("invalid base path %q: it must start with /", opts.BasePath)
	}
	p := &Platform{
		opts:          opts,
		done:          make(chan struct{}),
		serveErr:      make(chan error, 1),
		bots:          map[string]*botState{},
		guilds:        map[int64]*Guild{},
		channels:      map[int64]*Channel{},
		members:       map[int64]map[int64]*Member{},
		messages:      map[int64][]*Message{},
		dms:           map[[2]int64]int64{},
		lastMessageID: firstMessageID - 1,
		lastChannelID: firstDMChannelID - 1,
		changed:       make(chan struct{}),
	}
	if err := p.seed(opts); err != nil {
		return nil, err
	}

	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", opts.Addr, err)
	}
	p.listener = ln
	p.server = &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          opts.ErrorLog,
	}
	go func() { p.serveErr <- p.server.Serve(ln) }()
	return p, nil
}

func (o Options) withDefaults() Options {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.BasePath == "" {
		o.BasePath = DefaultBasePath
	}
	o.BasePath = strings.TrimRight(o.BasePath, "/")
	if o.Rate == 0 {
		o.Rate = DefaultRate
	}
	if o.Burst == 0 {
		o.Burst = DefaultBurst
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Close stops the platform: it closes the listener and every connection,
// ends injected delays and waits for the requests being served.
func (p *Platform) Close() {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		close(p.done)
		p.server.Close()
		<-p.serveErr
		p.handlers.Wait()
	})
}

// URL returns the platform's root URL, such as http://127.0.0.1:41234.
func (p *Platform) URL() string {
	return "http://" + p.listener.Addr().String()
}

// APIBase returns the base URL of the API, such as
// http://127.0.0.1:41234/api/bot/v1.
func (p *Platform) APIBase() string {
	return p.URL() + p.opts.BasePath
}

// SetFault replaces the fault that the platform applies to the next
// requests. Fault{} turns faults off.
func (p *Platform) SetFault(f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault = f
}

// UpdateFault calls update with the current fault, under the lock that
// requests take their faults under, so that a change to one counter loses
// no decrement made by a request.
func (p *Platform) UpdateFault(update func(f *Fault)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	update(&p.fault)
}

// Fault returns the current fault, with the counters that are left.
func (p *Platform) Fault() Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fault
}

// Requests returns every request served so far, in the order their responses
// were decided. A request is recorded before its response is sent, so a
// client that has its response finds the request here.
func (p *Platform) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Request, len(p.requests))
	for i, r := range p.requests {
		out[i] = r.clone()
	}
	return out
}

// WaitRequests waits until at least n requests have been recorded and
// returns them all, or returns those recorded so far and ctx's error.
func (p *Platform) WaitRequests(ctx context.Context, n int) ([]Request, error) {
	for {
		p.mu.Lock()
		have := len(p.requests)
		changed := p.changed
		p.mu.Unlock()
		if have >= n {
			return p.Requests(), nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return p.Requests(), fmt.Errorf("waiting for %d requests, have %d: %w", n, have, ctx.Err())
		}
	}
}

// OverLimit returns how many requests arrived when their bot's bucket was
// empty. A host that keeps to the limit leaves it at zero. Requests
// that SetFault made 429 count only if the bucket was empty too.
func (p *Platform) OverLimit() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.overLimit
}

// Messages returns the messages in a channel as they are now, after edits
// and deletions, in ascending id order.
func (p *Platform) Messages(channelID int64) []Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.messagesLocked(channelID)
}

func (p *Platform) messagesLocked(channelID int64) []Message {
	list := p.messages[channelID]
	out := make([]Message, len(list))
	for i, m := range list {
		out[i] = m.clone()
	}
	return out
}

// WaitMessages waits until channelID holds at least n messages and returns
// them, or returns those it holds and ctx's error.
func (p *Platform) WaitMessages(ctx context.Context, channelID int64, n int) ([]Message, error) {
	for {
		p.mu.Lock()
		msgs := p.messagesLocked(channelID)
		changed := p.changed
		p.mu.Unlock()
		if len(msgs) >= n {
			return msgs, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return msgs, fmt.Errorf("waiting for %d messages in channel %d, have %d: %w", n, channelID, len(msgs), ctx.Err())
		}
	}
}

// notifyLocked wakes every waiter.
func (p *Platform) notifyLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

func (p *Platform) now() time.Time {
	return p.opts.Now().UTC().Truncate(time.Second)
}

func (r Request) clone() Request {
	r.Query = cloneValues(r.Query)
	r.Header = r.Header.Clone()
	r.Body = slices.Clone(r.Body)
	r.Response = slices.Clone(r.Response)
	return r
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}
