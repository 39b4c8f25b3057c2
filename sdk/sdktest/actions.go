package sdktest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/sdk"
)

// DefaultMessageID is the id of the message object that DefaultAction
// returns for a send that waits.
const DefaultMessageID int64 = 90001

// DefaultAction returns the result or error that Run gives to req when
// Options.Action is nil. Run has already checked req, so DefaultAction
// assumes that the ids and content it needs are present.
//
//   - A send (reply, send_message, send_dm), edit_message or delete_message
//     without Wait returns abi.QueuedResult, as the host does.
//   - A send with Wait returns a message object with the id
//     DefaultMessageID and the request's channelId and content. The
//     channelId is 0 for reply and send_dm, because the host finds their
//     channel and DefaultAction receives only the request.
//   - edit_message with Wait returns a message object with the request's
//     messageId, channelId and content.
//   - delete_message with Wait returns {}, as the host does.
//   - get_me, get_channel and get_member fail with abi.ErrFailed and a
//     message saying that the test scripted no result, because there is no
//     platform to read from.
//   - Any other type fails with abi.ErrUnknownAction.
func DefaultAction(req abi.ActionRequest) ([]byte, error) {
	switch req.Type {
	case abi.ActionReply, abi.ActionSendMessage, abi.ActionSendDM:
		if !req.Wait {
			return []byte(abi.QueuedResult), nil
		}
		return json.Marshal(sdk.Message{ID: DefaultMessageID, ChannelID: req.ChannelID, Content: req.Content})

	case abi.ActionEditMessage:
		if !req.Wait {
			return []byte(abi.QueuedResult), nil
		}
		return json.Marshal(sdk.Message{ID: req.MessageID, ChannelID: req.ChannelID, Content: req.Content})

	case abi.ActionDeleteMessage:
		if !req.Wait {
			return []byte(abi.QueuedResult), nil
		}
		return []byte("{}"), nil

	case abi.ActionGetMe, abi.ActionGetChannel, abi.ActionGetMember:
		return nil, &sdk.ActionError{
			Action:  req.Type,
			Code:    abi.ErrFailed,
			Message: "sdktest: no result scripted for " + req.Type + ": set Options.Action to return one",
		}
	}
	return nil, &sdk.ActionError{
		Action:  req.Type,
		Code:    abi.ErrUnknownAction,
		Message: "unknown action type " + strconv.Quote(req.Type),
	}
}

// maxMessageChars is the platform's limit on a message's length, in UTF-16
// code units. The host splits longer sends but rejects longer edits.
const maxMessageChars = 2000

// checkRequest checks req as the host does before it carries out an
// action, with the host's codes and messages, and returns nil for a valid
// request or a type that package abi does not define. event is the event
// being handled, which decides whether a reply has a channel.
func checkRequest(req abi.ActionRequest, event []byte) *sdk.ActionError {
	type field struct {
		name string
		ok   bool
	}
	hasContent := field{"content", req.Content != ""}
	var fields []field

	switch req.Type {
	case abi.ActionReply:
		if eventType, channel := replyChannel(event); channel == 0 {
			return &sdk.ActionError{Code: abi.ErrUnavailable, Message: "reply: a " + eventType + " event has no channel to reply in"}
		}
		fields = []field{hasContent}
	case abi.ActionSendMessage:
		fields = []field{{"channelId", req.ChannelID > 0}, hasContent}
	case abi.ActionSendDM:
		fields = []field{{"userId", req.UserID > 0}, hasContent}
	case abi.ActionEditMessage:
		fields = []field{{"channelId", req.ChannelID > 0}, {"messageId", req.MessageID > 0}, hasContent}
	case abi.ActionDeleteMessage:
		fields = []field{{"channelId", req.ChannelID > 0}, {"messageId", req.MessageID > 0}}
	case abi.ActionGetChannel:
		fields = []field{{"channelId", req.ChannelID > 0}}
	case abi.ActionGetMember:
		fields = []field{{"guildId", req.GuildID > 0}, {"userId", req.UserID > 0}}
	}

	// The guest reads the message of the first field that fails, as on the
	// host.
	for _, f := range fields {
		if !f.ok {
			if f.name == "content" {
				return &sdk.ActionError{Code: abi.ErrInvalid, Message: req.Type + ": content is empty"}
			}
			return &sdk.ActionError{Code: abi.ErrInvalid, Message: req.Type + ": " + f.name + " is missing or not positive"}
		}
	}

	if req.Type == abi.ActionEditMessage {
		if n := utf16Len(req.Content); n > maxMessageChars {
			return &sdk.ActionError{Code: abi.ErrInvalid, Message: fmt.Sprintf(
				"edit_message: content is %d characters, over the platform's limit of %d", n, maxMessageChars)}
		}
	}
	return nil
}

// utf16Len returns the length of s in UTF-16 code units, the unit in which
// the platform counts a message's characters.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// replyChannel returns the type of event and the channel that a reply to it
// goes to, as the host finds it: data.channelId, or data.id for a CHANNEL_*
// event. The channel is zero when the event has none.
func replyChannel(event []byte) (eventType string, channel int64) {
	var e struct {
		Type string `json:"type"`
		Data struct {
			ID        json.RawMessage `json:"id"`
			ChannelID json.RawMessage `json:"channelId"`
		} `json:"data"`
	}
	if err := json.Unmarshal(event, &e); err != nil {
		return e.Type, 0
	}

	raw := e.Data.ChannelID
	switch e.Type {
	case sdk.EventChannelCreate, sdk.EventChannelUpdate, sdk.EventChannelDelete:
		raw = e.Data.ID
	}
	// The host accepts an id written as a JSON integer or as a string of
	// digits.
	channel, err := strconv.ParseInt(strings.Trim(string(raw), `"`), 10, 64)
	if err != nil {
		return e.Type, 0
	}
	return e.Type, channel
}
