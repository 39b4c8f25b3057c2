// Package hostcall connects the SDK's native build to the sdktest package.
// Outside WebAssembly there is no host to import functions from, so the SDK
// calls Current instead, and sdktest calls the SDK's exports through the
// function variables, which the SDK sets in its init function.
package hostcall

// Host is the host functions of the ABI with slices in place of pointer and
// length pairs. Each method follows the contract of the abi.Import constant
// of the same name.
type Host interface {
	Log(level int32, msg []byte)
	Describe(manifest []byte)
	EventRead(buf []byte) int32
	ConfigRead(buf []byte) int32
	Action(req []byte) int32
	ResultRead(buf []byte) int32
}

var (
	// Current is the host the SDK calls, or nil when none is attached.
	Current Host

	// Describe runs the module's bubble_describe and also returns the
	// error that the status code stands for.
	Describe func() (status int32, err error)

	// Handle runs the module's bubble_handle and also returns the handler
	// errors that the status code stands for.
	Handle func(eventLen int32) (status int32, err error)

	// Reset removes the plugin's name, version and handlers.
	Reset func()
)
