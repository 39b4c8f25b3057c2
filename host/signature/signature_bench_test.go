package signature_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/host/signature"
)

// guildCreateBody returns a compact GUILD_CREATE delivery of about 1 KiB,
// with nested objects, arrays and non-ASCII names.
func guildCreateBody() []byte {
	var body strings.Builder
	body.WriteString(`{"type":"GUILD_CREATE","data":{"id":10,"name":"Bubble Café ☕","ownerId":1,"channels":[`)
	for i := range 8 {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"id":%d,"name":"channel-%d"}`, 500+i, i)
	}
	body.WriteString(`],"members":[`)
	for i := range 12 {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"user":{"id":%d,"name":"member %d é"}}`, 1000000+i, i)
	}
	body.WriteString(`]}}`)
	return []byte(body.String())
}

func BenchmarkVerify(b *testing.B) {
	body := guildCreateBody()
	pretty := indent(b, body)
	secret := []byte("s3cret")
	header := []string{signature.Sign(secret, body)}
	v := signature.NewVerifier([]string{"old", string(secret)})

	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := v.Verify(header, body); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("stringify", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(pretty)))
		for b.Loop() {
			match, err := v.Verify(header, pretty)
			if err != nil {
				b.Fatal(err)
			}
			if match.Form != signature.FormStringify {
				b.Fatalf("have form %v, want stringify", match.Form)
			}
		}
	})

	b.Run("mismatch", func(b *testing.B) {
		wrong := []string{signature.Sign([]byte("wrong"), body)}
		b.ReportAllocs()
		b.SetBytes(int64(len(pretty)))
		for b.Loop() {
			if _, err := v.Verify(wrong, pretty); err == nil {
				b.Fatal("have no error, want a mismatch")
			}
		}
	})
}

func BenchmarkStringify(b *testing.B) {
	pretty := indent(b, guildCreateBody())
	reordered := []byte(`{"type":"GUILD_ROLE_UPDATE","data":{"guildId":10,"role":{"name":"mods","3":true,"1":false,"id":7,"name":"moderators"}},"0":null}`)

	for _, bench := range []struct {
		name  string
		input []byte
	}{
		{"pretty", pretty},
		{"reordered", reordered},
	} {
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bench.input)))
			for b.Loop() {
				if _, err := signature.Stringify(bench.input); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
