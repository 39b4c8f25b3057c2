package sdk

import (
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
