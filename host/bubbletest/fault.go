package bubbletest

import "time"

// Fault is the trouble that a Platform makes on purpose, set with SetFault.
// The zero value is no fault.
//
// Each request takes at most one fault from the counters, the first that
// is not zero in the order DroppedConnections, InternalErrors,
// RateLimitErrors, and decrements it. Delay applies to every request,
// dropped ones included, until the fault is changed. A faulted request
// still takes a token from its bot's rate limit bucket, as any request does.
//
// NOTE: Go's http.Transport sends an idempotent request (GET, HEAD, PUT,
// DELETE, OPTIONS) again by itself when a reused connection closes before
// any response, so one such request from a Go client can use up two
// DroppedConnections.
type Fault struct {
	// Delay is how long the platform waits before it responds to each request.
	Delay time.Duration
	// InternalErrors is how many of the next requests get a 500 response
	// with the code INTERNAL_ERROR.
	InternalErrors int
	// RateLimitErrors is how many of the next requests get a 429 response
	// with every rate limit header, whatever the bot's bucket holds.
	RateLimitErrors int
	// RetryAfter is the wait that those 429 responses request. Zero means
	// one second.
	RetryAfter time.Duration
	// DroppedConnections is how many of the next requests get no response:
	// the platform closes their connection instead.
	DroppedConnections int
}

// FaultKind is the fault that a Platform applied to one request.
type FaultKind string

const (
	// FaultNone means the request got the response that the API documents.
	FaultNone FaultKind = ""
	// FaultInternalError means SetFault made the response 500.
	FaultInternalError FaultKind = "internal_error"
	// FaultRateLimit means SetFault made the response 429, whatever the
	// bot's bucket held.
	FaultRateLimit FaultKind = "rate_limit"
	// FaultDroppedConnection means the connection was closed without a
	// response.
	FaultDroppedConnection FaultKind = "dropped_connection"
)

// defaultFaultRetryAfter is the wait that an injected 429 requests when
// Fault.RetryAfter is zero.
const defaultFaultRetryAfter = time.Second

// take returns the fault for the next request and decrements its counter.
func (f *Fault) take() FaultKind {
	switch {
	case f.DroppedConnections > 0:
		f.DroppedConnections--
		return FaultDroppedConnection
	case f.InternalErrors > 0:
		f.InternalErrors--
		return FaultInternalError
	case f.RateLimitErrors > 0:
		f.RateLimitErrors--
		return FaultRateLimit
	default:
		return FaultNone
	}
}
