// Command gohostile is a test plugin that fails in the ways a Go program
// can, chosen by the content of the message it receives:
//
//	!panic      panics with a string
//	!nilmap     assigns to a nil map, a runtime error
//	!oom        allocates until the Go runtime cannot grow its memory
//	!deadlock   blocks its only goroutine forever
//	!sleep      sleeps for an hour
//	!print N    prints N MiB to stdout, in lines of 64 bytes
//
// Any other message gets the reply "ok", so a test can check that the
// plugin works again after each failure.
package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bubblehost/bubblehost/sdk"
)

// retained keeps what !oom allocates reachable, so that the garbage
// collector cannot free it.
var retained [][]byte

func init() {
	sdk.Plugin("gohostile", "1.0.0")
	sdk.OnMessageCreate(handle)
}

func handle(c *sdk.Context, m *sdk.MessageCreate) error {
	cmd, arg, _ := strings.Cut(m.Content, " ")
	switch cmd {
	case "!panic":
		panic("gohostile panicked on purpose")
	case "!nilmap":
		var counts map[string]int
		counts["boom"]++
	case "!oom":
		for {
			retained = append(retained, make([]byte, 1<<20))
		}
	case "!deadlock":
		block := make(chan struct{})
		<-block
	case "!sleep":
		time.Sleep(time.Hour)
	case "!print":
		mib, _ := strconv.Atoi(arg)
		w := bufio.NewWriter(os.Stdout)
		line := strings.Repeat("z", 63) + "\n"
		for range mib * (1 << 20) / len(line) {
			w.WriteString(line)
		}
		return w.Flush()
	default:
		return c.Reply("ok")
	}
	return nil
}

func main() {}
