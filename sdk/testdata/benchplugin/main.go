// Command benchplugin is a plugin for the SDK's benchmarks in
// host/runtime. It handles MESSAGE_CREATE with a raw handler and
// GUILD_CREATE with a typed one, so that one module measures both paths.
package main

import (
	"errors"
	"fmt"

	"github.com/bubblehost/bubblehost/sdk"
)

func init() {
	sdk.Plugin("sdkbench", "0.0.0")

	sdk.On(sdk.EventMessageCreate, func(c *sdk.Context, e *sdk.Event) error {
		if len(e.Data) == 0 {
			return errors.New("MESSAGE_CREATE event has no data")
		}
		return nil
	})

	// The handler checks the member count, so a benchmark fails rather
	// than measure a guild that did not decode.
	sdk.OnGuildCreate(func(c *sdk.Context, g *sdk.GuildCreate) error {
		if len(g.Members) == 0 {
			return fmt.Errorf("GUILD_CREATE event of guild %d decoded without members", g.ID)
		}
		return nil
	})
}

// main is never called: the host runs the init function above and then
// calls the module's exports.
func main() {}
