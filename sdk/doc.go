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
