//go:build wasip1

package sdk

import "unsafe"

// The host functions and the module's exports. The directive names must be
// literals, so they repeat the abi constants; TestWasmNamesMatchABI checks
// that they stay equal.

//go:wasmimport bubble log
func importLog(level int32, msg unsafe.Pointer, msgLen int32)

//go:wasmimport bubble describe
func importDescribe(manifest unsafe.Pointer, manifestLen int32)

//go:wasmimport bubble event_read
func importEventRead(buf unsafe.Pointer, bufLen int32) int32

//go:wasmimport bubble config_read
func importConfigRead(buf unsafe.Pointer, bufLen int32) int32

//go:wasmimport bubble action
func importAction(req unsafe.Pointer, reqLen int32) int32

//go:wasmimport bubble result_read
func importResultRead(buf unsafe.Pointer, bufLen int32) int32

// exportABIVersion declares ABI version 1 by its name alone; the host never
// calls it.
//
//go:wasmexport bubble_abi_v1
func exportABIVersion() {}

//go:wasmexport bubble_describe
func exportDescribe() int32 {
	status, _ := describe()
	return status
}

//go:wasmexport bubble_handle
func exportHandle(eventLen int32) int32 {
	status, _ := handle(eventLen)
	return status
}

// The wrappers below pass a slice as the pointer and length the ABI takes.
// unsafe.SliceData is nil for an empty slice with no backing array, which
// the host reads as offset 0 with length 0.

func hostLog(level int32, msg []byte) {
	importLog(level, unsafe.Pointer(unsafe.SliceData(msg)), int32(len(msg)))
}

func hostDescribe(manifest []byte) {
	importDescribe(unsafe.Pointer(unsafe.SliceData(manifest)), int32(len(manifest)))
}

func hostEventRead(buf []byte) int32 {
	return importEventRead(unsafe.Pointer(unsafe.SliceData(buf)), int32(len(buf)))
}

func hostConfigRead(buf []byte) int32 {
	return importConfigRead(unsafe.Pointer(unsafe.SliceData(buf)), int32(len(buf)))
}

func hostAction(req []byte) int32 {
	return importAction(unsafe.Pointer(unsafe.SliceData(req)), int32(len(req)))
}

func hostResultRead(buf []byte) int32 {
	return importResultRead(unsafe.Pointer(unsafe.SliceData(buf)), int32(len(buf)))
}
