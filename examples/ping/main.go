// Command ping is the smallest bubblehost plugin: it replies "pong" to every
// message whose content is "!ping". Build it as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o ping.wasm ./examples/ping
package main

import "github.com/bubblehost/bubblehost/sdk"

func init() {
	sdk.Plugin("ping", "1.0.0")
	sdk.OnMessageCreate(func(c *sdk.Context, m *sdk.MessageCreate) error {
		if m.Content == "!ping" {
			return c.Reply("pong")
		}
		return nil
	})
}

// main is never called: the host runs the init function above and then
// calls the module's exports.
func main() {}
