// Package sdk is what a Go plugin for bubblehost imports. A plugin is a
// package main that registers its name and handlers in an init function:
//
//	package main
//
//	import "github.com/bubblehost/bubblehost/sdk"
//
//	func init() {
//		sdk.Plugin("ping", "1.0.0")
//		sdk.OnMessageCreate(func(c *sdk.Context, m *sdk.MessageCreate) error {
//			if m.Content == "!ping" {
//				return c.Reply("pong")
//			}
//			return nil
//		})
//	}
//
//	func main() {}
//
// and is built as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o ping.wasm .
//
// The host runs the init functions once and never calls main. The SDK
// implements the module's side of the ABI in package abi: it reports a
// manifest listing the event types that have handlers, decodes each event,
// runs the handlers registered for its type and turns their requests into
// actions.
//
// # Handlers
//
// Each event type has a registration function, such as OnMessageCreate, that
// decodes the event's data into a struct. On takes any type, including ones
// the platform adds later, and OnAll takes every event; both pass the raw
// Event. Several handlers may take the same type: all of them run, in the
// order they were registered.
//
// A handler that returns an error or panics fails the event: the host
// receives the error, or the panic value and stack, at error level. The
// handlers after it still run.
//
// # Actions
//
// A handler acts on the platform through its Context. Reply, Send and
// SendDM queue a message and return at once. A nil error means that the
// host accepted the message and will deliver it under the bot's rate limit,
// retrying temporary failures. A delivery that still fails is only logged by
// the host, so the handler never learns of it.
//
// The other actions wait for the platform's response and return it:
//
//   - ReplyWait, SendWait and SendDMWait send like their queued forms and
//     return the *Message the platform created.
//   - EditMessage returns the edited *Message, and DeleteMessage returns
//     only an error.
//   - Me, Channel and Member read the bot's account, a channel and a guild
//     member.
//
// A wait counts against the handler's deadline, which is 2 s unless the
// operator set another, and it includes any time the request spends behind
// the bot's rate limit, which all plugins of the bot share. Use a waiting
// action when the handler needs its result or must know whether it worked,
// and a queued one otherwise. A waiting send that fails at the deadline may
// still have reached the platform.
//
// The platform limits a message to 2000 characters, counted in UTF-16 code
// units. The host splits longer content into several messages, and a
// waiting send returns the last of them. An edit cannot be split, so longer
// edit content fails with ErrInvalid.
//
// A host without an API token runs the bot as a dry run. It logs changes
// instead of making them, a waiting send or edit returns a Message whose ID
// is zero, and reads fail with ErrUnavailable.
//
// # Errors
//
// An action the host rejects or cannot carry out returns an *ActionError,
// which errors.Is matches against ErrInvalid, ErrUnknownAction, ErrLimit,
// ErrFailed or ErrUnavailable. A request the platform rejected, such as a
// read of a channel that does not exist, is ErrFailed, and the message
// contains the platform's status and error:
//
//	ch, err := c.Channel(7)
//	if errors.Is(err, sdk.ErrFailed) {
//		// The host's message reads like
//		// "GET /channels/7: platform answered 404 NOT_FOUND: no such channel".
//	}
//
// Each event allows a limited number of actions (20 unless the operator set
// another), and a request past it fails with ErrLimit.
//
// # Notes
//
// The module runs one event at a time, and a handler runs within the host's
// call. With Go 1.26, goroutines run only while that call is blocked, as in
// time.Sleep or a channel receive. A handler that starts a goroutine should
// therefore wait for it, because one still pending when the handler returns
// runs during a later call, if at all.
//
// Outside WebAssembly the package compiles with a stand-in for the host, so
// that the sdktest package can run handlers in ordinary Go tests.
package sdk
