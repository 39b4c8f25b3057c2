package sdktest_test

import (
	"sync"
	"testing"

	"github.com/bubblehost/bubblehost/sdk"
	"github.com/bubblehost/bubblehost/sdk/sdktest"
)

func TestEvent(t *testing.T) {
	got := sdktest.Event(sdk.EventGuildDelete, sdk.GuildDelete{ID: 10})
	want := `{"type":"GUILD_DELETE","data":{"id":10}}`
	if string(got) != want {
		t.Errorf("Event = %s, want %s", got, want)
	}
}

func TestEventUnencodablePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Event did not panic on data that cannot be encoded")
		}
	}()
	sdktest.Event("X", func() {})
}

// TestRunParallel runs events from several goroutines; under the race
// detector it fails if Run does not serialize calls into the SDK.
func TestRunParallel(t *testing.T) {
	sdktest.Reset()
	t.Cleanup(sdktest.Reset)
	sdk.Plugin("parallel", "1.0.0")
	sdk.OnMessageCreate(func(c *sdk.Context, m *sdk.MessageCreate) error {
		return c.Reply(m.Content)
	})

	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			content := string(rune('a' + i))
			res, err := sdktest.Run(sdktest.Event(sdk.EventMessageCreate, sdk.MessageCreate{ChannelID: 5, Content: content}), sdktest.Options{})
			if err != nil {
				t.Errorf("Run: %v", err)
				return
			}
			if len(res.Actions) != 1 || res.Actions[0].Content != content {
				t.Errorf("actions = %+v, want one reply %q", res.Actions, content)
			}
		})
	}
	wg.Wait()
}
