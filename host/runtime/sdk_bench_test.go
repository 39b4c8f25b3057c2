package runtime_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/host/runtime"
)

// BenchmarkSDKHandle measures one call of a Go plugin for the two SDK paths
// that BenchmarkHandle does not cover: a raw sdk.On handler of the ping
// example's MESSAGE_CREATE, and a typed handler of a GUILD_CREATE that
// lists 1000 members.
func BenchmarkSDKHandle(b *testing.B) {
	tests := []struct {
		name  string
		event func(b *testing.B) []byte
	}{
		{"raw-message", func(b *testing.B) []byte { return message(b, "!ping") }},
		{"typed-guild-1000", func(*testing.B) []byte { return guildCreateEvent(1000) }},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			e, err := runtime.NewEngine(context.Background(), runtime.EngineConfig{})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close(context.Background())
			p := loadBench(b, e, "../../sdk/testdata/benchplugin")
			ev := tt.event(b)

			b.ReportAllocs()
			b.SetBytes(int64(len(ev)))
			for b.Loop() {
				if err := p.Handle(context.Background(), runtime.Call{Event: ev}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// guildCreateEvent returns a GUILD_CREATE body with members members, each
// with a user, two roles, a nickname and a join time.
func guildCreateEvent(members int) []byte {
	var body strings.Builder
	body.WriteString(`{"type":"GUILD_CREATE","data":{"id":10,"name":"My Server","ownerId":1,` +
		`"channels":[{"id":5,"name":"general"}],"members":[`)
	for i := range members {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"user":{"id":%d,"name":"user%d","avatar":"avatar/avatar/u%d.jpg"},`+
			`"roles":[100,101],"nick":"member %d","joinedAt":"2025-12-31T12:00:00Z"}`, i+1, i, i, i)
	}
	body.WriteString(`]}}`)
	return []byte(body.String())
}
