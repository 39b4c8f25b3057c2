// Package bubbletest provides a fake Bubble platform for tests and local
// trials, in the spirit of net/http/httptest.
//
// A Platform serves the platform's HTTP API on loopback with the documented
// responses, errors and rate limit, records every request, and injects faults
// on demand. A WebhookSender delivers events to a host as the platform does:
// signed, with a 5-second timeout and retries after 1 s, 5 s and 15 s. Event,
// MessageCreate and the other builders produce delivery bodies in the key
// order of the platform's samples.
//
//	p := bubbletest.NewPlatform(bubbletest.Options{
//		Bots: []bubbletest.Bot{{Token: "t", ID: 42, UserID: 4242, Name: "demo-bot"}},
//	})
//	defer p.Close()
//	// Point the host's API base at p.APIBase() and its token at "t".
//	s := bubbletest.WebhookSender{URL: hostURL + "/webhook/demo", Secret: "demo-secret"}
//	if _, err := s.Deliver(ctx, bubbletest.MessageCreate(5, 1, "!ping")); err != nil {
//		t.Fatal(err)
//	}
//	msgs, err := p.WaitMessages(ctx, 5, 1) // the bot's reply
//
// Where the platform's documents leave a behaviour open, RATIONALE.md beside
// this file describes what the fake does and why.
package bubbletest
