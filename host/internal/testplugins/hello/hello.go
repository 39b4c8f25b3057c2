// Package hello is the body of the hello test plugins, which differ only in
// the name and version they report. Reload tests tell versions apart by the
// replies: "!hello" gets "hello vVERSION", and "!hello N" gets
// "hello vVERSION N".
package hello

import (
	"strings"

	"github.com/bubblehost/bubblehost/sdk"
)

// Register makes the module the plugin name at version and registers its
// MESSAGE_CREATE handler. Call it from an init function.
func Register(name, version string) {
	sdk.Plugin(name, version)
	sdk.OnMessageCreate(func(c *sdk.Context, m *sdk.MessageCreate) error {
		cmd, arg, _ := strings.Cut(m.Content, " ")
		if cmd != "!hello" {
			return nil
		}
		reply := "hello v" + version
		if arg != "" {
			reply += " " + arg
		}
		return c.Reply(reply)
	})
}
