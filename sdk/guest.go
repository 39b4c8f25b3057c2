package sdk

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/bubblehost/bubblehost/abi"
)

// Buffers reused across calls, so that a call allocates only what decoding
// needs. A module runs one call at a time, so they need no locking. Each
// grows to the largest content it has held and stays that size.
var (
	eventBuf  []byte
	configBuf []byte
	resultBuf []byte
	logBuf    []byte
	actionBuf []byte

	// current is the Context passed to every handler.
	current Context
)

// describe implements the export bubble_describe: it passes the manifest to
// the host and returns abi.StatusOK, or logs why it cannot and returns
// abi.StatusFailed.
func describe() (int32, error) {
	m, err := manifest()
	if err != nil {
		logRecord(abi.LevelError, "describing plugin failed", []any{"err", err})
		return abi.StatusFailed, err
	}
	body, err := json.Marshal(m)
	if err != nil {
		err = fmt.Errorf("sdk: encoding manifest: %w", err)
		logRecord(abi.LevelError, "describing plugin failed", []any{"err", err})
		return abi.StatusFailed, err
	}
	hostDescribe(body)
	return abi.StatusOK, nil
}

// handle implements the export bubble_handle: it reads the event of
// eventLen bytes, runs every handler registered for its type in
// registration order, and returns abi.StatusFailed when reading failed or
// any handler failed. Each failure is logged at error level. The returned
// error joins the failures, for the native test support.
func handle(eventLen int32) (int32, error) {
	if eventLen < 0 {
		err := fmt.Errorf("sdk: invalid event length %d", eventLen)
		logRecord(abi.LevelError, "reading event failed", []any{"err", err})
		return abi.StatusFailed, err
	}
	data, err := readHost(hostEventRead, &eventBuf, int(eventLen))
	if err == nil && len(data) != int(eventLen) {
		err = fmt.Errorf("sdk: event_read returned %d bytes, but bubble_handle announced %d", len(data), eventLen)
	}
	if err == nil {
		current.event, err = parseEvent(data)
	}
	if err != nil {
		logRecord(abi.LevelError, "reading event failed", []any{"err", err})
		return abi.StatusFailed, err
	}

	var failures []error
	for _, r := range plugin.handlers {
		if r.eventType != current.event.Type && r.eventType != abi.AllEvents {
			continue
		}
		err := runHandler(r.handle, &current)
		if err == nil {
			continue
		}
		failures = append(failures, err)

		var panicErr *PanicError
		if errors.As(err, &panicErr) {
			logRecord(abi.LevelError, "handler panicked", []any{
				"event", panicErr.EventType,
				"panic", formatValue(panicErr.Value),
				"stack", string(panicErr.Stack),
			})
		} else {
			logRecord(abi.LevelError, "handler failed", []any{"event", current.event.Type, "err", err})
		}
	}
	current.event = Event{}

	if len(failures) > 0 {
		return abi.StatusFailed, errors.Join(failures...)
	}
	return abi.StatusOK, nil
}

// runHandler calls h and turns a panic into a *PanicError.
func runHandler(h func(*Context) error, c *Context) (err error) {
	defer func() {
		if value := recover(); value != nil {
			err = &PanicError{EventType: c.event.Type, Value: value, Stack: debug.Stack()}
		}
	}()
	return h(c)
}

// readHost reads data from a host function that follows the ABI's copy
// protocol: read copies up to len(buf) bytes and returns the full length.
// buf is reused and grown as needed, first to sizeHint when the caller
// knows the length. The result points into *buf.
func readHost(read func([]byte) int32, buf *[]byte, sizeHint int) ([]byte, error) {
	if cap(*buf) < sizeHint {
		*buf = make([]byte, sizeHint)
	}
	b := (*buf)[:cap(*buf)]
	n := read(b)
	if n < 0 {
		return nil, fmt.Errorf("sdk: host returned the invalid length %d", n)
	}
	if int(n) > len(b) {
		*buf = make([]byte, n)
		again := read(*buf)
		if again != n {
			return nil, fmt.Errorf("sdk: host data changed length from %d to %d between two reads", n, again)
		}
	}
	return (*buf)[:n], nil
}

// parseEvent splits data, an event {"type": ..., "data": {...}}, into its
// members without copying: Data points into data. Other members of the
// outer object are ignored. The whole event must be valid JSON, so that a
// handler never receives data that encoding/json would reject.
func parseEvent(data []byte) (Event, error) {
	typeValue, dataValue, err := scanEvent(data)
	if err == errNotObject {
		return Event{}, err
	}
	if err != nil {
		return Event{}, fmt.Errorf("sdk: event is not valid JSON: %w", standardError(data, err))
	}

	if typeValue == nil {
		return Event{}, errors.New("sdk: event has no type")
	}
	if typeValue[0] != '"' {
		return Event{}, fmt.Errorf("sdk: event type is %s, not a string", typeValue)
	}
	event := Event{Type: eventTypeName(typeValue), Data: dataValue}
	if event.Type == "" {
		return Event{}, errors.New("sdk: event has no type")
	}
	return event, nil
}

// errNotObject marks an event that is valid JSON but not an object.
var errNotObject = errors.New("sdk: event is not a JSON object")

// scanEvent validates data and returns the raw values of its members "type"
// and "data", nil for a missing one. A member that appears twice counts
// with its last value.
//
// TODO: a typed handler's decoder reads the data member a second time. The
// read here is about a third of a typed call (387 of 1008 deadline checks
// for the ping example's MESSAGE_CREATE). Decoding typed data during this
// read would save it, but raw handlers still need the data validated.
func scanEvent(data []byte) (typeValue, dataValue []byte, err error) {
	d := decoder{data: data}
	if d.next() != '{' {
		if _, err := d.skipValue(); err != nil || !d.atEnd() {
			return nil, nil, errSyntax
		}
		return nil, nil, errNotObject
	}
	d.pos++
	d.depth++

	if !d.consume('}') {
		for {
			key, err := d.skipKey()
			if err != nil {
				return nil, nil, err
			}
			value, err := d.skipValue()
			if err != nil {
				return nil, nil, err
			}

			// The names are compared with their quotes, so an escaped name
			// such as "typ\u0065" does not count.
			switch string(key) {
			case `"type"`:
				typeValue = value
			case `"data"`:
				dataValue = value
			}

			if d.consume(',') {
				continue
			}
			if !d.consume('}') {
				return nil, nil, errSyntax
			}
			break
		}
	}
	if !d.atEnd() {
		return nil, nil, errSyntax
	}
	return typeValue, dataValue, nil
}

// eventTypeName returns the event type in quoted, a JSON string. Known types
// return the package constant, so that the common case does not allocate.
func eventTypeName(quoted []byte) string {
	name := quoted[1 : len(quoted)-1]
	switch string(name) {
	case EventMessageCreate:
		return EventMessageCreate
	case EventMessageUpdate:
		return EventMessageUpdate
	case EventMessageDelete:
		return EventMessageDelete
	case EventDMMessageCreate:
		return EventDMMessageCreate
	case EventDMMessageUpdate:
		return EventDMMessageUpdate
	case EventDMMessageDelete:
		return EventDMMessageDelete
	case EventGuildMemberAdd:
		return EventGuildMemberAdd
	case EventGuildMemberUpdate:
		return EventGuildMemberUpdate
	case EventGuildMemberRemove:
		return EventGuildMemberRemove
	case EventChannelCreate:
		return EventChannelCreate
	case EventChannelUpdate:
		return EventChannelUpdate
	case EventChannelDelete:
		return EventChannelDelete
	case EventGuildCreate:
		return EventGuildCreate
	case EventGuildUpdate:
		return EventGuildUpdate
	case EventGuildDelete:
		return EventGuildDelete
	case EventGuildRoleCreate:
		return EventGuildRoleCreate
	case EventGuildRoleUpdate:
		return EventGuildRoleUpdate
	case EventGuildRoleDelete:
		return EventGuildRoleDelete
	case EventBotReady:
		return EventBotReady
	}
	// An escaped or unknown name, which scanEvent has checked as a JSON
	// string.
	d := decoder{data: quoted}
	s, err := d.readString()
	if err != nil {
		return string(name)
	}
	return s
}
