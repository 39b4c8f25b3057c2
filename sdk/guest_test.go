package sdk

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/sdk/internal/hostcall"
)

// TestWasmNamesMatchABI checks the directive names in host_wasip1.go, which
// must be literals, against the abi constants.
func TestWasmNamesMatchABI(t *testing.T) {
	source, err := os.ReadFile("host_wasip1.go")
	if err != nil {
		t.Fatal(err)
	}

	var imports, exports []string
	directive := regexp.MustCompile(`(?m)^//go:wasm(import|export) (\S+)(?: (\S+))?$`)
	for _, match := range directive.FindAllStringSubmatch(string(source), -1) {
		if match[1] == "export" {
			exports = append(exports, match[2])
			continue
		}
		if match[2] != abi.ImportModule {
			t.Errorf("import %s is in module %q, want %q", match[3], match[2], abi.ImportModule)
		}
		imports = append(imports, match[3])
	}

	wantImports := []string{
		abi.ImportLog, abi.ImportDescribe, abi.ImportEventRead,
		abi.ImportConfigRead, abi.ImportAction, abi.ImportResultRead,
	}
	wantExports := []string{abi.VersionMarker, abi.ExportDescribe, abi.ExportHandle}
	slices.Sort(imports)
	slices.Sort(wantImports)
	slices.Sort(exports)
	slices.Sort(wantExports)
	if !slices.Equal(imports, wantImports) {
		t.Errorf("imports = %q, want %q", imports, wantImports)
	}
	if !slices.Equal(exports, wantExports) {
		t.Errorf("exports = %q, want %q", exports, wantExports)
	}
}

// eventHost is a minimal hostcall.Host that serves one event and accepts
// every action, for allocation tests and benchmarks.
type eventHost struct {
	event []byte
}

func (h *eventHost) Log(int32, []byte)           {}
func (h *eventHost) Describe([]byte)             {}
func (h *eventHost) EventRead(buf []byte) int32  { return int32(copy(buf, h.event)) }
func (h *eventHost) ConfigRead(buf []byte) int32 { return int32(copy(buf, "{}")) }
func (h *eventHost) Action([]byte) int32         { return 0 }
func (h *eventHost) ResultRead([]byte) int32     { return 0 }

// attachHost makes host the SDK's host until the test ends, and then
// removes it with every registration.
func attachHost(tb testing.TB, host hostcall.Host) {
	hostcall.Current = host
	tb.Cleanup(func() {
		hostcall.Current = nil
		reset()
	})
}

// messageCreateEvent is a MESSAGE_CREATE body as the platform sends it.
var messageCreateEvent = []byte(`{"type":"MESSAGE_CREATE","data":{"id":1001,"channelId":5,"guildId":10,` +
	`"content":"!ping","msgType":0,"author":{"id":1,"name":"alice","avatar":"avatar/avatar/a1.jpg"},` +
	`"timestamp":"2025-12-31T12:00:00Z","mentions":[456],"mentionRoles":[100]}}`)

// TestHandleRawEventAllocs checks that, once the event buffer has grown,
// delivering an event to a raw handler allocates nothing.
func TestHandleRawEventAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	host := &eventHost{event: messageCreateEvent}
	attachHost(t, host)
	Plugin("alloc-test", "0")
	calls := 0
	On(EventMessageCreate, func(c *Context, e *Event) error {
		calls++
		return nil
	})

	allocs := testing.AllocsPerRun(100, func() {
		if status, err := handle(int32(len(host.event))); status != abi.StatusOK {
			t.Fatalf("handle: status %d: %v", status, err)
		}
	})
	if allocs != 0 {
		t.Errorf("handle allocated %.1f times per call, want 0", allocs)
	}
	if calls == 0 {
		t.Error("the handler never ran")
	}
}

// TestHandleTypedEventAllocs checks that delivering an event to a typed
// handler allocates only the decoded value: for messageCreateEvent the
// MessageCreate, its three strings and two slices, and the decoder, which
// escapes through the valueDecoder interface.
func TestHandleTypedEventAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	host := &eventHost{event: messageCreateEvent}
	attachHost(t, host)
	Plugin("alloc-test", "0")
	var content string
	OnMessageCreate(func(c *Context, m *MessageCreate) error {
		content = m.Content
		return nil
	})

	allocs := testing.AllocsPerRun(100, func() {
		if status, err := handle(int32(len(host.event))); status != abi.StatusOK {
			t.Fatalf("handle: status %d: %v", status, err)
		}
	})
	if allocs > 7 {
		t.Errorf("handle allocated %.1f times per call, want at most 7", allocs)
	}
	if content != "!ping" {
		t.Errorf("the handler saw the content %q, want %q", content, "!ping")
	}
}

// FuzzParseEvent checks that parseEvent never panics, that it rejects every
// event that is not valid JSON, and that an event it accepts has a type and,
// when present, data that is valid JSON.
func FuzzParseEvent(f *testing.F) {
	f.Add([]byte(`{"type":"MESSAGE_CREATE","data":{"id":1}}`))
	f.Add([]byte(`{"type":"X\u0059","data":null}`))
	f.Add([]byte(`{"type":1}`))
	f.Add([]byte(`{"data":{"a":[1,"]"]},"type":"POLL_CREATE","extra":{}} `))
	f.Add([]byte(`{"type":"MESSAGE_CREATE","data":{"id":1,}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		event, err := parseEvent(data)
		if err != nil {
			return
		}
		if !json.Valid(data) {
			t.Errorf("parseEvent(%s) accepted an event that is not valid JSON", data)
		}
		if event.Type == "" {
			t.Errorf("parseEvent(%s) accepted an empty type", data)
		}
		if event.Data != nil && !json.Valid(event.Data) {
			t.Errorf("parseEvent(%s) returned data %s that is not valid JSON", data, event.Data)
		}
	})
}

func TestParseEventMembersInAnyOrder(t *testing.T) {
	tests := []struct {
		body     string
		wantType string
		wantData string
	}{
		{`{"type":"MESSAGE_CREATE","data":{"id":1}}`, EventMessageCreate, `{"id":1}`},
		{`{"data":{"id":1},"type":"MESSAGE_CREATE"}`, EventMessageCreate, `{"id":1}`},
		{` { "extra" : [1, {"type":"X"}] , "data" : [ ] , "type" : "POLL_CREATE" } `, "POLL_CREATE", `[ ]`},
		{`{"type":"A","type":"B","data":1,"data":2}`, "B", `2`},
		{`{"typ\u0065":"A","type":"B"}`, "B", ``},
		{`{"type":"\u00e9v\u00e9nement"}`, "événement", ``},
	}
	for _, tt := range tests {
		event, err := parseEvent([]byte(tt.body))
		if err != nil {
			t.Errorf("parseEvent(%s): %v", tt.body, err)
			continue
		}
		if event.Type != tt.wantType {
			t.Errorf("parseEvent(%s) type = %q, want %q", tt.body, event.Type, tt.wantType)
		}
		if string(event.Data) != tt.wantData {
			t.Errorf("parseEvent(%s) data = %s, want %s", tt.body, event.Data, tt.wantData)
		}
	}
}
