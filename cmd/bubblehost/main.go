// Command bubblehost receives the Bubble platform's signed webhooks and
// runs bots as WebAssembly plugins. Run "bubblehost help" for its
// subcommands: serve, demo, build, sign, send and version.
package main

import (
	"context"
	"os"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/cli"
)

// version is set at link time with
// -ldflags "-X main.version=v1.2.3". When empty, the version comes from
// the build information that the Go toolchain records.
var version string

func main() {
	os.Exit(cli.Run(context.Background(), cli.Env{
		Args:           os.Args[1:],
		Stdin:          os.Stdin,
		Stdout:         os.Stdout,
		Stderr:         os.Stderr,
		Environ:        os.Environ(),
		StderrTerminal: cli.IsTerminal(os.Stderr.Fd()),
		Version:        version,
	}))
}
