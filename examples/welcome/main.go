// Command welcome greets each member who joins a guild, with a message in a
// channel that the operator sets in the plugin's configuration:
//
//	{"channelId": 5, "message": "欢迎 {name} 加入！"}
//
// README.md describes every setting. Build it as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o welcome.wasm ./examples/welcome
package main

import (
	"strconv"
	"strings"

	"github.com/bubblehost/bubblehost/sdk"
)

// defaultMessage is the greeting when the configuration sets none.
const defaultMessage = "欢迎 {name} 加入！"

// config is the plugin's configuration.
type config struct {
	// ChannelID is the guild channel that greetings go to. Without it the
	// plugin sends nothing and logs a warning for each member who joins.
	ChannelID int64 `json:"channelId"`
	// GuildID, when set, limits greetings to members who join that guild.
	// A bot in several guilds needs it, because otherwise members of every
	// guild are greeted in ChannelID.
	GuildID int64 `json:"guildId"`
	// Message is the greeting. {name} is replaced with the member's name.
	// Blank means defaultMessage.
	Message string `json:"message"`
}

func init() {
	sdk.Plugin("welcome", "1.0.0")
	sdk.OnGuildMemberAdd(greet)
}

// greet sends the configured greeting for the member who joined. The send
// is queued, so the handler does not spend its deadline on the platform.
func greet(c *sdk.Context, m *sdk.GuildMemberAdd) error {
	var cfg config
	if err := c.Config(&cfg); err != nil {
		return err
	}

	switch {
	case cfg.ChannelID == 0:
		c.Warn("no greeting sent: set channelId in the plugin config", "guild", m.GuildID, "user", m.User.ID)
		return nil
	case cfg.ChannelID < 0:
		c.Warn("no greeting sent: channelId in the plugin config is not a valid channel id",
			"channel", cfg.ChannelID, "guild", m.GuildID, "user", m.User.ID)
		return nil
	case cfg.GuildID != 0 && cfg.GuildID != m.GuildID:
		c.Debug("member joined another guild, no greeting sent", "guild", m.GuildID, "user", m.User.ID)
		return nil
	}

	return c.Send(cfg.ChannelID, greeting(cfg.Message, m.User))
}

// greeting returns template, or defaultMessage when template is blank, with
// {name} replaced by the user's name, or by the user's id when the event
// carries no name.
func greeting(template string, user sdk.User) string {
	if strings.TrimSpace(template) == "" {
		template = defaultMessage
	}
	name := user.Name
	if name == "" {
		name = strconv.FormatInt(user.ID, 10)
	}
	return strings.ReplaceAll(template, "{name}", name)
}

// main is never called: the host runs the init function above and then
// calls the module's exports.
func main() {}
