package sdk

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/bubblehost/bubblehost/abi"
)

// The methods below each make one action request. The Actions section of
// the package documentation describes which ones are queued and which wait
// for the platform.

// Reply sends content to the channel of the event being handled, or to its
// DM channel for a DM_* event. The message is queued: a nil error means that
// the host accepted it and will deliver it, and the host logs a delivery
// that fails. The host finds the channel from the event, so an event
// without one, such as GUILD_MEMBER_ADD, fails with ErrUnavailable.
func (c *Context) Reply(content string) error {
	_, err := callAction(abi.ActionRequest{Type: abi.ActionReply, Content: content})
	return err
}

// ReplyWait sends content as Reply does, but waits for the platform and
// returns the message it created. When the host splits long content into
// several messages, the result is the last of them. In a dry run the host
// only logs the message, and the result is a zero Message.
func (c *Context) ReplyWait(content string) (*Message, error) {
	return waitForMessage(abi.ActionRequest{Type: abi.ActionReply, Content: content})
}

// Send sends content to the guild channel channelID. The message is queued,
// as for Reply.
func (c *Context) Send(channelID int64, content string) error {
	_, err := callAction(abi.ActionRequest{Type: abi.ActionSendMessage, ChannelID: channelID, Content: content})
	return err
}

// SendWait sends content to the guild channel channelID, waits for the
// platform and returns the message it created, as ReplyWait does.
func (c *Context) SendWait(channelID int64, content string) (*Message, error) {
	return waitForMessage(abi.ActionRequest{Type: abi.ActionSendMessage, ChannelID: channelID, Content: content})
}

// SendDM sends content to the user userID in a direct message. The host
// opens the DM channel first when there is none. The message is queued, as
// for Reply, so a user who does not accept direct messages shows up only in
// the host's log. SendDMWait reports that to the handler.
func (c *Context) SendDM(userID int64, content string) error {
	_, err := callAction(abi.ActionRequest{Type: abi.ActionSendDM, UserID: userID, Content: content})
	return err
}

// SendDMWait sends content to the user userID in a direct message, waits
// for the platform and returns the message it created, as ReplyWait does.
func (c *Context) SendDMWait(userID int64, content string) (*Message, error) {
	return waitForMessage(abi.ActionRequest{Type: abi.ActionSendDM, UserID: userID, Content: content})
}

// EditMessage replaces the content of the message messageID in the channel
// channelID, waits for the platform and returns the edited message, a zero
// Message in a dry run. The platform lets a bot edit only its own messages.
// An edit cannot be split, so content over the platform's limit of 2000
// characters fails with ErrInvalid.
func (c *Context) EditMessage(channelID, messageID int64, content string) (*Message, error) {
	return waitForMessage(abi.ActionRequest{
		Type:      abi.ActionEditMessage,
		ChannelID: channelID,
		MessageID: messageID,
		Content:   content,
	})
}

// DeleteMessage deletes the message messageID in the channel channelID and
// waits for the platform. The platform lets a bot delete only its own
// messages.
func (c *Context) DeleteMessage(channelID, messageID int64) error {
	_, err := c.Action(abi.ActionRequest{
		Type:      abi.ActionDeleteMessage,
		ChannelID: channelID,
		MessageID: messageID,
		Wait:      true,
	})
	return err
}

// Me reads the bot's own account from the platform.
func (c *Context) Me() (*BotInfo, error) {
	return waitForResult(abi.ActionRequest{Type: abi.ActionGetMe}, func(b *BotInfo) int64 { return b.ID })
}

// Channel reads the channel channelID from the platform.
func (c *Context) Channel(channelID int64) (*Channel, error) {
	return waitForResult(abi.ActionRequest{Type: abi.ActionGetChannel, ChannelID: channelID}, func(ch *Channel) int64 { return ch.ID })
}

// Member reads the member userID of the guild guildID from the platform,
// roles and nickname included. A user who is not a member fails with
// ErrFailed and the platform's 404 in the message.
func (c *Context) Member(guildID, userID int64) (*Member, error) {
	return waitForResult(abi.ActionRequest{Type: abi.ActionGetMember, GuildID: guildID, UserID: userID}, func(m *Member) int64 { return m.User.ID })
}

// Action requests any action from the host, including types added to the ABI
// after this SDK was written, and returns the action's result JSON, nil when
// the result is empty. A failure the host reports is an *ActionError.
func (c *Context) Action(req abi.ActionRequest) (json.RawMessage, error) {
	return callActionResult(req)
}

// callActionResult sends req to the host and returns a copy of its result,
// nil when the result is empty.
func callActionResult(req abi.ActionRequest) (json.RawMessage, error) {
	size, err := callAction(req)
	if err != nil || size == 0 {
		return nil, err
	}
	result, err := readHost(hostResultRead, &resultBuf, int(size))
	if err != nil {
		return nil, fmt.Errorf("sdk: reading the result of action %q: %w", req.Type, err)
	}
	return bytes.Clone(result), nil
}

// waitForMessage makes req wait for the platform and decodes the message
// object it returns. A dry run's empty object becomes a zero Message.
func waitForMessage(req abi.ActionRequest) (*Message, error) {
	req.Wait = true
	result, err := callActionResult(req)
	if err != nil {
		return nil, err
	}
	if isEmptyObject(result) {
		return &Message{}, nil
	}
	return decodeResult(req.Type, result, func(m *Message) int64 { return m.ID })
}

// isEmptyObject reports whether result is the JSON object {}, which a host
// without an API token returns for a change that waits, because it only
// logs the change.
func isEmptyObject(result []byte) bool {
	var members map[string]json.RawMessage
	return json.Unmarshal(result, &members) == nil && members != nil && len(members) == 0
}

// waitForResult requests req and decodes its result as decodeResult does.
func waitForResult[T any](req abi.ActionRequest, id func(*T) int64) (*T, error) {
	result, err := callActionResult(req)
	if err != nil {
		return nil, err
	}
	return decodeResult(req.Type, result, id)
}

// decodeResult decodes the result of the action actionType into a new T.
// Every object that a waiting action returns has an id, which the function
// id extracts. A result whose id is zero is an error, because the caller
// would otherwise act on an empty object.
func decodeResult[T any](actionType string, result []byte, id func(*T) int64) (*T, error) {
	if len(result) == 0 {
		return nil, fmt.Errorf("sdk: action %q returned an empty result", actionType)
	}

	v := new(T)
	if err := json.Unmarshal(result, v); err != nil {
		return nil, fmt.Errorf("sdk: decoding the result of action %q: %w", actionType, err)
	}
	if id(v) != 0 {
		return v, nil
	}

	// A host that predates the request's "wait" member queues a send and
	// returns abi.QueuedResult.
	var queued struct {
		Status string `json:"status"`
	}
	if json.Unmarshal(result, &queued) == nil && queued.Status == "queued" {
		return nil, fmt.Errorf("sdk: action %q was queued instead of waited for, so its result is unavailable "+
			"(a host without support for \"wait\" still sends the message later)", actionType)
	}
	return nil, fmt.Errorf("sdk: the result of action %q has no id: %s", actionType, result)
}

// callAction sends req to the host and returns the length of its result. A
// negative code from the host becomes an *ActionError carrying the host's
// message.
func callAction(req abi.ActionRequest) (int32, error) {
	actionBuf = appendActionRequest(actionBuf[:0], req)
	size := hostAction(actionBuf)
	if size >= 0 {
		return size, nil
	}

	actionErr := &ActionError{Action: req.Type, Code: int(size)}
	if message, err := readHost(hostResultRead, &resultBuf, 0); err == nil {
		actionErr.Message = string(message)
	}
	return size, actionErr
}
