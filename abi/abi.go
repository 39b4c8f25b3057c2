// Package abi defines the contract between the bubblehost host and a plugin
// module: the names of the functions each side exports, their status codes,
// and the JSON shapes that cross the boundary. SPEC.md beside this file is the
// full specification, written for authors of plugins in any language.
//
// The host and the Go SDK both refer to these constants, so the names are
// written down once.
package abi

// Version is the ABI version this host implements. A module declares the
// version it was built for by exporting the function named by VersionMarker.
const Version = 1

// Exports a module provides.
const (
	// VersionMarker is an exported function with no parameters and no
	// results that the host never calls. Its presence declares ABI version 1.
	VersionMarker = "bubble_abi_v1"

	// ExportDescribe is () -> i32. The module calls the import Describe once
	// with its manifest and returns StatusOK.
	ExportDescribe = "bubble_describe"

	// ExportHandle is (event_len i32) -> i32. The module reads the event with
	// the import EventRead and returns StatusOK or StatusFailed.
	ExportHandle = "bubble_handle"

	// ExportInitialize is the optional reactor initializer (WASI reactors,
	// Go's -buildmode=c-shared). The host calls it once per instance before
	// any other export.
	ExportInitialize = "_initialize"

	// ExportMemory is the module's linear memory, which every pointer in the
	// ABI addresses.
	ExportMemory = "memory"
)

// ImportModule is the module name of every host function.
const ImportModule = "bubble"

// Host functions, all in ImportModule. Pointers and lengths are i32 offsets
// into the module's exported memory; the host checks each one against the
// memory's size.
const (
	// ImportLog is (level i32, msg_ptr i32, msg_len i32) -> (). Level is one
	// of the Level constants.
	ImportLog = "log"

	// ImportDescribe is (manifest_ptr i32, manifest_len i32) -> (), callable
	// only during ExportDescribe.
	ImportDescribe = "describe"

	// ImportEventRead is (buf_ptr i32, buf_len i32) -> i32. It copies up to
	// buf_len bytes of the current event and returns the event's full length.
	ImportEventRead = "event_read"

	// ImportConfigRead is (buf_ptr i32, buf_len i32) -> i32. It copies up to
	// buf_len bytes of the plugin's configuration (JSON) and returns its full
	// length.
	ImportConfigRead = "config_read"

	// ImportAction is (req_ptr i32, req_len i32) -> i32. It asks the host for
	// an action (a JSON ActionRequest). A result of zero or more is the length
	// of the action's result; a negative result is an Err code. Either way the
	// result or the error message can be read with ImportResultRead.
	ImportAction = "action"

	// ImportResultRead is (buf_ptr i32, buf_len i32) -> i32. It copies up to
	// buf_len bytes of the last action's result or error message and returns
	// its full length.
	ImportResultRead = "result_read"
)

// Status codes returned by ExportDescribe and ExportHandle.
const (
	StatusOK     = 0
	StatusFailed = 1
)

// Error codes returned by ImportAction. They are negative so that any result
// of zero or more is a length.
const (
	// ErrInvalid means the request was not valid JSON or missed a field.
	ErrInvalid = -1
	// ErrUnknownAction means the host does not know the action type.
	ErrUnknownAction = -2
	// ErrLimit means the plugin is over a limit, such as actions per event.
	ErrLimit = -3
	// ErrFailed means the host accepted the action but it failed.
	ErrFailed = -4
	// ErrUnavailable means the action cannot be used in this call, for
	// example a reply while describing the module.
	ErrUnavailable = -5
	// ErrTimeout means the call's deadline passed before the action was
	// done. A send may still be delivered later.
	ErrTimeout = -6
)

// Log levels for ImportLog. They match log/slog's levels.
const (
	LevelDebug = -4
	LevelInfo  = 0
	LevelWarn  = 4
	LevelError = 8
)

// Manifest is the JSON a module passes to ImportDescribe.
type Manifest struct {
	// Name identifies the plugin within a tenant: lower-case letters,
	// digits, '-' and '_', at most 64 bytes.
	Name string `json:"name"`
	// Version is the plugin's own version, shown to operators.
	Version string `json:"version"`
	// Events lists the event types the plugin handles. "*" means every type,
	// including ones added to the platform later.
	Events []string `json:"events"`
}

// AllEvents is the Manifest.Events entry that subscribes to every event type.
const AllEvents = "*"

// Action types a module can ask for through ImportAction. Sends, edits and
// deletes are queued unless the request sets Wait; reads always wait for the
// platform's answer, bounded by the call's deadline.
const (
	// ActionSendMessage sends Content to the guild channel ChannelID.
	ActionSendMessage = "send_message"
	// ActionReply sends Content to the channel of the event being handled,
	// or to its DM channel for DM_* events.
	ActionReply = "reply"
	// ActionEditMessage replaces the Content of the bot's own message
	// MessageID in ChannelID.
	ActionEditMessage = "edit_message"
	// ActionDeleteMessage deletes the bot's own message MessageID in
	// ChannelID.
	ActionDeleteMessage = "delete_message"
	// ActionSendDM sends Content to the user UserID in a direct message,
	// opening the DM channel first when needed.
	ActionSendDM = "send_dm"
	// ActionGetMe returns the bot's own account.
	ActionGetMe = "get_me"
	// ActionGetChannel returns the channel ChannelID.
	ActionGetChannel = "get_channel"
	// ActionGetMember returns the member UserID of guild GuildID, roles
	// included.
	ActionGetMember = "get_member"
)

// ActionRequest is the JSON a module passes to ImportAction. Fields that an
// action does not use are left out.
type ActionRequest struct {
	Type      string `json:"type"`
	ChannelID int64  `json:"channelId,omitempty"`
	MessageID int64  `json:"messageId,omitempty"`
	GuildID   int64  `json:"guildId,omitempty"`
	UserID    int64  `json:"userId,omitempty"`
	Content   string `json:"content,omitempty"`
	// Wait makes a send, edit or delete wait for the platform's answer and
	// return it (the message object for sends and edits), instead of
	// returning QueuedResult at once.
	Wait bool `json:"wait,omitempty"`
}

// QueuedResult is the result of an action that was queued, not yet done.
const QueuedResult = `{"status":"queued"}`
