package intake_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host/dedupe"
	"github.com/bubblehost/bubblehost/host/event"
	"github.com/bubblehost/bubblehost/host/intake"
	"github.com/bubblehost/bubblehost/host/metrics"
	"github.com/bubblehost/bubblehost/host/queue"
	"github.com/bubblehost/bubblehost/host/signature"
)

// benchBodies is how many distinct signed bodies BenchmarkIntake cycles
// through. A body comes round again after benchBodies requests, and its key
// has expired by then unless a request takes under 610ns (benchWindow /
// benchBodies), so every request is a new event.
const (
	benchBodies = 1 << 14
	benchWindow = 10 * time.Millisecond
)

// signedBodies returns n MESSAGE_CREATE bodies that differ in their message
// id, each with its signature under secret.
func signedBodies(n int) (bodies [][]byte, signatures []string) {
	for i := range n {
		body := fmt.Appendf(nil, `{"type":"MESSAGE_CREATE","data":{"id":%d,"channelId":5,"guildId":10,`+
			`"content":"!ping","msgType":0,"author":{"id":1,"name":"alice","avatar":"avatar/avatar/a1.jpg"},`+
			`"timestamp":"2025-12-31T12:00:00Z","mentions":[456],"mentionRoles":[100]}}`, 100000+i)
		bodies = append(bodies, body)
		signatures = append(signatures, sign(secret, body))
	}
	return bodies, signatures
}

// BenchmarkIntake measures one webhook request through the handler: read,
// verify, decode, dedupe and enqueue, with a consumer draining the queue. It
// calls the handler directly, so no network or HTTP parsing is included, but
// building each request and recorder is.
func BenchmarkIntake(b *testing.B) {
	bodies, signatures := signedBodies(benchBodies)
	q := queue.NewMemory(4096)
	h := intake.New(intake.Config{
		Lookup: func(string) (intake.Tenant, bool) {
			return intake.Tenant{Mode: intake.Required, Verifier: signature.NewVerifier([]string{secret})}, true
		},
		Queue:        q,
		Dedupe:       dedupe.New(benchWindow),
		MaxBodyBytes: intake.DefaultMaxBodyBytes,
		Metrics:      metrics.New(),
	})

	ctx, cancel := context.WithCancel(context.Background())
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for {
			d, err := q.Next(ctx, tenantSigned)
			if err != nil {
				return
			}
			d.Ack()
		}
	}()
	defer func() {
		cancel()
		<-drained
	}()

	b.ReportAllocs()
	i := 0
	for b.Loop() {
		n := i % benchBodies
		i++
		r := httptest.NewRequest(http.MethodPost, "/webhook/"+tenantSigned, bytes.NewReader(bodies[n]))
		r.SetPathValue("tenant", tenantSigned)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set(intake.HeaderEvent, "MESSAGE_CREATE")
		r.Header.Set(intake.HeaderSignature, signatures[n])
		w := httptest.NewRecorder()

		h.ServeHTTP(w, r)

		if w.Code != http.StatusOK || !bytes.Contains(w.Body.Bytes(), []byte("accepted")) {
			b.Fatalf("request %d: have %d %s, want 200 accepted", i, w.Code, w.Body.Bytes())
		}
	}
}

func BenchmarkVerifyRaw(b *testing.B) {
	bodies, signatures := signedBodies(1)
	v := signature.NewVerifier([]string{secret})
	header := []string{signatures[0]}

	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(header, bodies[0]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	bodies, _ := signedBodies(1)

	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := event.Decode(bodies[0]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKey(b *testing.B) {
	bodies, _ := signedBodies(1)

	b.ReportAllocs()
	for b.Loop() {
		event.Key(bodies[0])
	}
}

func BenchmarkDedupeClaimCommit(b *testing.B) {
	// Keys come round every 65536 claims. With a 1ms window, a key has
	// expired by then unless a claim takes under 15ns, and the set holds
	// the keys of the last millisecond, as it would under steady load.
	const keyCount, window = 1 << 16, time.Millisecond
	keys := make([]string, keyCount)
	for i := range keys {
		keys[i] = tenantSigned + "/" + event.Key(fmt.Appendf(nil, "body %d", i))
	}
	s := dedupe.New(window)
	ctx := context.Background()

	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c, duplicate, err := s.Claim(ctx, keys[i%keyCount])
		i++
		if err != nil || duplicate {
			b.Fatalf("Claim %d: have duplicate=%v err=%v, want a claim", i, duplicate, err)
		}
		c.Commit()
	}
}

func BenchmarkQueuePublishNext(b *testing.B) {
	q := queue.NewMemory(16)
	ev := &event.Event{Tenant: tenantSigned, Type: "MESSAGE_CREATE"}
	ctx := context.Background()

	b.ReportAllocs()
	for b.Loop() {
		if err := q.Publish(ctx, ev); err != nil {
			b.Fatal(err)
		}
		if _, err := q.Next(ctx, tenantSigned); err != nil {
			b.Fatal(err)
		}
	}
}
