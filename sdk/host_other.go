//go:build !wasip1

package sdk

import (
	"os"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/sdk/internal/hostcall"
)

// Outside WebAssembly the host functions call hostcall.Current, which the
// sdktest package sets while it runs a handler, and sdktest reaches the
// exports through hostcall's function variables.

func init() {
	hostcall.Describe = describe
	hostcall.Handle = handle
	hostcall.Reset = reset
}

// noHostMessage is the action error message when no test host is attached.
const noHostMessage = "sdk: no host is attached: run handlers through the sdktest package"

func hostLog(level int32, msg []byte) {
	if h := hostcall.Current; h != nil {
		h.Log(level, msg)
		return
	}
	os.Stderr.Write(append(msg[:len(msg):len(msg)], '\n'))
}

func hostDescribe(manifest []byte) {
	if h := hostcall.Current; h != nil {
		h.Describe(manifest)
	}
}

func hostEventRead(buf []byte) int32 {
	if h := hostcall.Current; h != nil {
		return h.EventRead(buf)
	}
	return 0
}

func hostConfigRead(buf []byte) int32 {
	if h := hostcall.Current; h != nil {
		return h.ConfigRead(buf)
	}
	const noConfig = "{}"
	copy(buf, noConfig)
	return int32(len(noConfig))
}

func hostAction(req []byte) int32 {
	if h := hostcall.Current; h != nil {
		return h.Action(req)
	}
	return abi.ErrUnavailable
}

func hostResultRead(buf []byte) int32 {
	if h := hostcall.Current; h != nil {
		return h.ResultRead(buf)
	}
	copy(buf, noHostMessage)
	return int32(len(noHostMessage))
}
