package bubbletest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/bubblehost/bubblehost/host/bubbletest"
)

// A stand-in for a host that replies "pong" to every event receives a
// MESSAGE_CREATE from the WebhookSender and replies through the fake
// platform's API.
func Example() {
	ctx := context.Background()
	p := bubbletest.NewPlatform(bubbletest.Options{
		Bots: []bubbletest.Bot{{Token: "demo-token", ID: 42, UserID: 4242, Name: "demo-bot"}},
	})
	defer p.Close()

	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequest("POST", p.APIBase()+"/channels/5/messages", strings.NewReader(`{"content":"pong","msgType":0}`))
		req.Header.Set("Authorization", "Bearer demo-token")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}))
	defer bot.Close()

	sender := bubbletest.WebhookSender{URL: bot.URL, Secret: "demo-secret"}
	if _, err := sender.Deliver(ctx, bubbletest.MessageCreate(5, 1, "!ping")); err != nil {
		fmt.Println(err)
		return
	}
	msgs, err := p.WaitMessages(ctx, 5, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s wrote %q in channel %d\n", msgs[0].Author.Name, msgs[0].Content, msgs[0].ChannelID)
	// Output: demo-bot wrote "pong" in channel 5
}
