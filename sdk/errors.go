package sdk

import (
	"errors"
	"strconv"

	"github.com/bubblehost/bubblehost/abi"
)

// Sentinel errors for the host's action error codes. An *ActionError
// unwraps to the one that matches its code, so that a handler can check why
// an action failed:
//
//	if errors.Is(err, sdk.ErrLimit) { ... }
var (
	// ErrInvalid matches abi.ErrInvalid: the request was not valid JSON or
	// missed a field.
	ErrInvalid = errors.New("invalid action request")
	// ErrUnknownAction matches abi.ErrUnknownAction: the host does not know
	// the action type.
	ErrUnknownAction = errors.New("unknown action type")
	// ErrLimit matches abi.ErrLimit: the plugin is over a limit, such as
	// actions per event.
	ErrLimit = errors.New("action limit exceeded")
	// ErrFailed matches abi.ErrFailed: the host accepted the action but it
	// failed, for example because the platform rejected it.
	ErrFailed = errors.New("action failed")
	// ErrUnavailable matches abi.ErrUnavailable: the action cannot be used
	// in this call.
	ErrUnavailable = errors.New("action unavailable")
	// ErrTimeout matches abi.ErrTimeout: the handler's deadline passed
	// before the action was done. A send may still be delivered.
	ErrTimeout = errors.New("action timed out")
)

// ActionError is an action that the host rejected or could not carry out.
type ActionError struct {
	// Action is the type of the action request, such as abi.ActionReply.
	Action string
	// Code is the negative code the host returned, one of the abi.Err
	// constants or a code added after this SDK was written.
	Code int
	// Message is the host's explanation.
	Message string
}

// Error returns the action, the code's name and the host's message.
func (e *ActionError) Error() string {
	text := "sdk: action " + strconv.Quote(e.Action) + " failed with code " + strconv.Itoa(e.Code)
	if sentinel := e.Unwrap(); sentinel != nil {
		text += " (" + sentinel.Error() + ")"
	}
	if e.Message != "" {
		text += ": " + e.Message
	}
	return text
}

// Unwrap returns the sentinel error for e.Code, or nil for a code this SDK
// does not know.
func (e *ActionError) Unwrap() error {
	switch e.Code {
	case abi.ErrInvalid:
		return ErrInvalid
	case abi.ErrUnknownAction:
		return ErrUnknownAction
	case abi.ErrLimit:
		return ErrLimit
	case abi.ErrFailed:
		return ErrFailed
	case abi.ErrUnavailable:
		return ErrUnavailable
	case abi.ErrTimeout:
		return ErrTimeout
	}
	return nil
}

// PanicError is a handler's panic, recovered by the SDK. The handler's call
// counts as failed, and the host receives Value and Stack at error level.
type PanicError struct {
	// EventType is the type of the event the handler was handling.
	EventType string
	// Value is the value passed to panic.
	Value any
	// Stack is the goroutine's stack trace at the panic, as
	// runtime/debug.Stack formats it.
	Stack []byte
}

// Error returns the event type and the panic value.
func (e *PanicError) Error() string {
	return "sdk: handler for " + e.EventType + " panicked: " + formatValue(e.Value)
}

// Unwrap returns Value when it is an error, such as a runtime error, and nil
// otherwise.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
