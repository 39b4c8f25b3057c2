// Command probe is a test plugin whose behaviour is chosen by the content of
// the message it receives, so that one module can exercise the host's
// handling of slow, looping, failing and misbehaving guests.
//
//	!echo TEXT    replies TEXT
//	!loop         spins forever
//	!spin MS      spins for MS milliseconds, then replies "done"
//	!busy MS      computes for MS milliseconds, reading the clock only once
//	              every few million steps, then replies "done"
//	!fail         returns an error
//	!panic        panics
//	!badptr       calls bubble.log with a pointer outside its memory
//	!print        writes a line to stdout and one to stderr
//	!config       replies with its configuration as JSON
//	!actions N    asks for N send_message actions to channel 5
//	!unknown      asks for an action type the host does not know
//	!long N       replies with N Chinese characters, a line break after every 50
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/sdk"
)

func init() {
	sdk.Plugin("probe", "1.0.0")
	sdk.OnMessageCreate(handle)
}

func handle(c *sdk.Context, m *sdk.MessageCreate) error {
	cmd, arg, _ := strings.Cut(m.Content, " ")
	switch cmd {
	case "!echo":
		return c.Reply(arg)
	case "!loop":
		for {
		}
	case "!spin":
		ms, _ := strconv.Atoi(arg)
		for end := time.Now().Add(time.Duration(ms) * time.Millisecond); time.Now().Before(end); {
		}
		return c.Reply("done")
	case "!busy":
		ms, _ := strconv.Atoi(arg)
		end := time.Now().Add(time.Duration(ms) * time.Millisecond)
		x := uint64(1)
		for time.Now().Before(end) {
			for range 1 << 22 {
				x = x*6364136223846793005 + 1442695040888963407
			}
		}
		return c.Reply("done " + strconv.FormatUint(x%10, 10))
	case "!fail":
		return errors.New("probe failed on purpose")
	case "!panic":
		panic("probe panicked on purpose")
	case "!badptr":
		logOutOfBounds()
		return nil
	case "!print":
		fmt.Println("probe to stdout")
		fmt.Fprintln(os.Stderr, "probe to stderr")
		return nil
	case "!config":
		var cfg map[string]any
		if err := c.Config(&cfg); err != nil {
			return err
		}
		b, _ := json.Marshal(cfg)
		return c.Reply(string(b))
	case "!actions":
		n, _ := strconv.Atoi(arg)
		var errs []error
		for i := range n {
			if err := c.Send(5, "action "+strconv.Itoa(i)); err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) > 0 {
			c.Warn("some actions failed", "failed", len(errs), "first", errs[0].Error())
		}
		return nil
	case "!long":
		n, _ := strconv.Atoi(arg)
		var b strings.Builder
		for i := range n {
			b.WriteRune(rune('一' + i%500))
			if i%50 == 49 {
				b.WriteByte('\n')
			}
		}
		return c.Reply(b.String())
	case "!unknown":
		_, err := c.Action(abi.ActionRequest{Type: "no_such_action"})
		return err
	}
	return nil
}

func main() {}
