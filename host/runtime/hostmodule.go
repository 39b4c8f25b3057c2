package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/bubblehost/bubblehost/abi"
)

// Sizes the host accepts from a guest in one host function call.
const (
	maxManifestBytes = 64 << 10
	maxLogLineBytes  = 16 << 10
)

// GuestError is a breach of the ABI by the guest, such as a pointer outside
// its memory. The host function panics with it, which fails the call; the
// host itself is unaffected.
type GuestError struct {
	Func string
	Msg  string
}

func (e *GuestError) Error() string {
	return fmt.Sprintf("%s.%s: %s", abi.ImportModule, e.Func, e.Msg)
}

// ActionError is an action's failure as the guest sees it: an abi.Err* code
// and a message the guest can read with result_read.
type ActionError struct {
	Code    int32
	Message string
}

func (e *ActionError) Error() string { return e.Message }

// ActionFunc carries out an action a plugin asked for and returns the result
// the plugin can read. An error that is not an *ActionError is reported to
// the guest as abi.ErrFailed.
type ActionFunc func(ctx context.Context, req abi.ActionRequest) ([]byte, error)

type callMode int

const (
	modeInit callMode = iota
	modeDescribe
	modeHandle
)

// callState is what the host functions see of the call in progress. It
// travels in the context passed to the guest function.
type callState struct {
	mode     callMode
	logger   *slog.Logger
	event    []byte
	config   []byte
	actions  ActionFunc
	limits   Limits
	manifest []byte

	limitHit func(limit string) // may be nil

	actionCount     int
	actionsLimitHit bool
	logBytes        int
	logDropped      bool
	result          []byte
}

// hit passes limit on to the call's LimitHit, if it has one. Callers
// call it once a call for each limit.
func (s *callState) hit(limit string) {
	if s.limitHit != nil {
		s.limitHit(limit)
	}
}

type callStateKey struct{}

func stateFrom(ctx context.Context) *callState {
	s, _ := ctx.Value(callStateKey{}).(*callState)
	return s
}

// logLineCostBytes is the cost of each line of guest output besides its
// text, about the size of the fields the host adds to its record. Without
// it an empty line would cost nothing, and one call could log millions.
const logLineCostBytes = 64

// chargeLog counts a line of n bytes of guest output against the call's
// budget and reports whether it may be logged. Once a line is over the
// budget, every later line of the call is dropped too.
func (s *callState) chargeLog(n int) bool {
	cost := n + logLineCostBytes
	if s.logDropped || s.logBytes+cost > s.limits.LogBytes {
		if !s.logDropped {
			s.logDropped = true
			s.logger.Warn("plugin output over limit; dropping the rest of this call's output",
				"limit_bytes", s.limits.LogBytes)
			s.hit(LimitLogBytes)
		}
		return false
	}
	s.logBytes += cost
	return true
}

// instantiateHostModule defines the "bubble" host functions of the ABI.
func instantiateHostModule(ctx context.Context, rt wazero.Runtime) error {
	i32 := api.ValueTypeI32
	b := rt.NewHostModuleBuilder(abi.ImportModule)
	define := func(name string, fn api.GoModuleFunc, params, results []api.ValueType) {
		b.NewFunctionBuilder().WithGoModuleFunction(fn, params, results).Export(name)
	}
	define(abi.ImportLog, hostLog, []api.ValueType{i32, i32, i32}, nil)
	define(abi.ImportDescribe, hostDescribe, []api.ValueType{i32, i32}, nil)
	define(abi.ImportEventRead, hostEventRead, []api.ValueType{i32, i32}, []api.ValueType{i32})
	define(abi.ImportConfigRead, hostConfigRead, []api.ValueType{i32, i32}, []api.ValueType{i32})
	define(abi.ImportAction, hostAction, []api.ValueType{i32, i32}, []api.ValueType{i32})
	define(abi.ImportResultRead, hostResultRead, []api.ValueType{i32, i32}, []api.ValueType{i32})
	_, err := b.Instantiate(ctx)
	return err
}

// hostSignatures lists each host function's parameter and result counts, all
// i32, for checking a module's imports before instantiating it.
var hostSignatures = map[string][2]int{
	abi.ImportLog:        {3, 0},
	abi.ImportDescribe:   {2, 0},
	abi.ImportEventRead:  {2, 1},
	abi.ImportConfigRead: {2, 1},
	abi.ImportAction:     {2, 1},
	abi.ImportResultRead: {2, 1},
}

// readGuest returns a view of n bytes at ptr in the guest's memory, or fails
// the call naming the function and parameter.
func readGuest(mod api.Module, fn, param string, ptr, n uint32) []byte {
	mem := mod.Memory()
	if mem == nil {
		panic(&GuestError{Func: fn, Msg: "module exports no memory"})
	}
	b, ok := mem.Read(ptr, n)
	if !ok {
		panic(&GuestError{Func: fn, Msg: fmt.Sprintf(
			"%s=%d with length %d is outside the module's memory of %d bytes", param, ptr, n, mem.Size())})
	}
	return b
}

// copyOut writes as much of src as fits in the guest buffer at ptr and
// returns len(src), so a guest can ask with a zero-length buffer first. The
// whole buffer must lie in the guest's memory, however much is copied.
func copyOut(mod api.Module, fn string, ptr, n uint32, src []byte) uint64 {
	if int64(len(src)) > int64(^uint32(0)>>1) {
		panic(&GuestError{Func: fn, Msg: "value too large for an i32 length"})
	}
	if n > 0 {
		copy(readGuest(mod, fn, "buf_ptr", ptr, n), src)
	}
	return uint64(uint32(len(src)))
}

// encodeCode puts a negative abi.Err* code on the stack as an i32.
func encodeCode(code int32) uint64 { return uint64(uint32(code)) }

func mustState(ctx context.Context, fn string) *callState {
	s := stateFrom(ctx)
	if s == nil {
		panic(&GuestError{Func: fn, Msg: "called outside a host call"})
	}
	return s
}

func hostLog(ctx context.Context, mod api.Module, stack []uint64) {
	level := int32(uint32(stack[0]))
	ptr, n := uint32(stack[1]), uint32(stack[2])
	s := mustState(ctx, abi.ImportLog)

	// Check the level before copying guest memory: a disabled level costs
	// nothing but the bounds check.
	msg := readGuest(mod, abi.ImportLog, "msg_ptr", ptr, n)
	if !s.logger.Enabled(ctx, slog.Level(level)) {
		return
	}
	if len(msg) > maxLogLineBytes {
		msg = msg[:maxLogLineBytes]
	}
	if !s.chargeLog(len(msg)) {
		return
	}
	s.logger.Log(ctx, slog.Level(level), string(msg), "source", "plugin")
}

func hostDescribe(ctx context.Context, mod api.Module, stack []uint64) {
	ptr, n := uint32(stack[0]), uint32(stack[1])
	s := mustState(ctx, abi.ImportDescribe)
	if s.mode != modeDescribe {
		panic(&GuestError{Func: abi.ImportDescribe, Msg: "called outside " + abi.ExportDescribe})
	}
	if n > maxManifestBytes {
		panic(&GuestError{Func: abi.ImportDescribe, Msg: fmt.Sprintf(
			"manifest_len=%d is over the limit of %d bytes", n, maxManifestBytes)})
	}
	s.manifest = append([]byte(nil), readGuest(mod, abi.ImportDescribe, "manifest_ptr", ptr, n)...)
}

func hostEventRead(ctx context.Context, mod api.Module, stack []uint64) {
	ptr, n := uint32(stack[0]), uint32(stack[1])
	s := mustState(ctx, abi.ImportEventRead)
	if s.mode != modeHandle {
		stack[0] = encodeCode(abi.ErrUnavailable)
		return
	}
	stack[0] = copyOut(mod, abi.ImportEventRead, ptr, n, s.event)
}

func hostConfigRead(ctx context.Context, mod api.Module, stack []uint64) {
	ptr, n := uint32(stack[0]), uint32(stack[1])
	s := mustState(ctx, abi.ImportConfigRead)
	stack[0] = copyOut(mod, abi.ImportConfigRead, ptr, n, s.config)
}

func hostResultRead(ctx context.Context, mod api.Module, stack []uint64) {
	ptr, n := uint32(stack[0]), uint32(stack[1])
	s := mustState(ctx, abi.ImportResultRead)
	stack[0] = copyOut(mod, abi.ImportResultRead, ptr, n, s.result)
}

func hostAction(ctx context.Context, mod api.Module, stack []uint64) {
	ptr, n := uint32(stack[0]), uint32(stack[1])
	s := mustState(ctx, abi.ImportAction)
	fail := func(code int32, msg string) {
		s.result = []byte(msg)
		stack[0] = encodeCode(code)
	}

	if int64(n) > int64(s.limits.RequestBytes) {
		panic(&GuestError{Func: abi.ImportAction, Msg: fmt.Sprintf(
			"req_len=%d is over the limit of %d bytes", n, s.limits.RequestBytes)})
	}
	raw := readGuest(mod, abi.ImportAction, "req_ptr", ptr, n)
	if s.mode != modeHandle || s.actions == nil {
		fail(abi.ErrUnavailable, "actions are available only while handling an event")
		return
	}
	var req abi.ActionRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		fail(abi.ErrInvalid, "invalid action request: "+err.Error())
		return
	}
	if s.actionCount >= s.limits.ActionsPerCall {
		if !s.actionsLimitHit {
			s.actionsLimitHit = true
			s.hit(LimitActions)
		}
		fail(abi.ErrLimit, fmt.Sprintf("over the limit of %d actions per event", s.limits.ActionsPerCall))
		return
	}
	s.actionCount++

	result, err := s.actions(ctx, req)
	if err != nil {
		var ae *ActionError
		if errors.As(err, &ae) {
			fail(ae.Code, ae.Message)
		} else {
			fail(abi.ErrFailed, err.Error())
		}
		return
	}
	s.result = result
	stack[0] = uint64(uint32(len(result)))
}
