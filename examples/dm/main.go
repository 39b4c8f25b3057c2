// Command dm talks to users in direct messages. It replies to every direct
// message the bot receives, and when someone writes !dm in a guild channel
// it opens a direct message with them and replies in the channel whether
// that worked. The texts come from the plugin's configuration:
//
//	{
//	  "reply": "收到你的私信了，{name}！",
//	  "greeting": "你好，{name}！有什么需要可以直接在这里告诉我。",
//	  "sent": "{name}，我给你发了一条私信。",
//	  "failed": "{name}，我没能给你发私信，请检查你的私信设置。"
//	}
//
// README.md describes every setting. Build it as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o dm.wasm ./examples/dm
package main

import (
	"errors"
	"strings"

	"github.com/bubblehost/bubblehost/sdk"
)

// command is the guild message that requests a direct message, compared
// without regard to letter case or surrounding white space.
const command = "!dm"

// config is the plugin's configuration. In every text, {name} is replaced
// with the user's name, and an empty text means the default.
type config struct {
	// Reply is the reply to a direct message.
	Reply string `json:"reply"`
	// Greeting is the direct message sent to a user who wrote command.
	Greeting string `json:"greeting"`
	// Sent is the reply in the guild channel after Greeting was delivered.
	Sent string `json:"sent"`
	// Failed is the reply in the guild channel when the platform rejected
	// Greeting, for example because the user does not accept direct
	// messages.
	Failed string `json:"failed"`
}

// defaults is the configuration that empty texts fall back to.
var defaults = config{
	Reply:    "收到你的私信了，{name}！",
	Greeting: "你好，{name}！有什么需要可以直接在这里告诉我。",
	Sent:     "{name}，我给你发了一条私信。",
	Failed:   "{name}，我没能给你发私信，请检查你的私信设置。",
}

func init() {
	sdk.Plugin("dm", "1.0.0")
	sdk.OnDMMessageCreate(replyToDM)
	sdk.OnMessageCreate(openDM)
}

// replyToDM replies in the direct message channel. Messages marked as from a
// bot get no reply, so that two bots cannot reply to each other without end.
func replyToDM(c *sdk.Context, m *sdk.DMMessageCreate) error {
	if m.Author.IsBot() {
		c.Debug("ignoring a bot's direct message", "author", m.Author.ID, "message", m.ID)
		return nil
	}
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	return c.Reply(fill(cfg.Reply, m.Author))
}

// openDM sends the greeting to the author of a guild message that is
// command. It waits for the platform, so that the reply in the channel
// reports correctly whether the direct message arrived.
func openDM(c *sdk.Context, m *sdk.MessageCreate) error {
	if !strings.EqualFold(strings.TrimSpace(m.Content), command) || m.Author.IsBot() {
		return nil
	}
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}

	_, err = c.SendDMWait(m.Author.ID, fill(cfg.Greeting, m.Author))
	switch {
	case err == nil:
		return c.Reply(fill(cfg.Sent, m.Author))
	case errors.Is(err, sdk.ErrFailed):
		c.Warn("sending a direct message failed", "user", m.Author.ID, "channel", m.ChannelID, "err", err)
		return c.Reply(fill(cfg.Failed, m.Author))
	case errors.Is(err, sdk.ErrTimeout):
		// The direct message may still arrive, so say nothing either way.
		c.Warn("sending a direct message timed out", "user", m.Author.ID, "channel", m.ChannelID)
		return nil
	}
	return err
}

// loadConfig reads the plugin's configuration and fills in the defaults.
func loadConfig(c *sdk.Context) (config, error) {
	var cfg config
	if err := c.Config(&cfg); err != nil {
		return config{}, err
	}
	cfg.Reply = orDefault(cfg.Reply, defaults.Reply)
	cfg.Greeting = orDefault(cfg.Greeting, defaults.Greeting)
	cfg.Sent = orDefault(cfg.Sent, defaults.Sent)
	cfg.Failed = orDefault(cfg.Failed, defaults.Failed)
	return cfg, nil
}

// orDefault returns text, or fallback when text is blank.
func orDefault(text, fallback string) string {
	if strings.TrimSpace(text) == "" {
		return fallback
	}
	return text
}

// fill replaces {name} in text with the user's name.
func fill(text string, user sdk.User) string {
	return strings.ReplaceAll(text, "{name}", user.Name)
}

// main is never called: the host runs the init function above and then
// calls the module's exports.
func main() {}
