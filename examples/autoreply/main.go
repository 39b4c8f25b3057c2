// Command autoreply replies to guild messages that match keywords from a
// table in the plugin's configuration:
//
//	{
//	  "mode": "contains",
//	  "rules": [
//	    {"match": "你好", "reply": "你好呀，{name}！"},
//	    {"match": "help", "reply": "Commands: !ping", "mode": "exact"}
//	  ]
//	}
//
// README.md describes every setting. Build it as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o autoreply.wasm ./examples/autoreply
package main

import (
	"fmt"
	"strings"

	"github.com/bubblehost/bubblehost/sdk"
)

// Match modes. A rule without a mode takes the table's, and a table without
// one uses modeContains.
const (
	// modeContains matches a message that contains the keyword anywhere.
	modeContains = "contains"
	// modeExact matches a message that is the keyword, apart from
	// surrounding white space.
	modeExact = "exact"
)

// config is the plugin's configuration.
type config struct {
	// Rules are tried in order, and the first match sends its reply.
	Rules []rule `json:"rules"`
	// Mode is the match mode of rules that set none.
	Mode string `json:"mode"`
}

// rule is one keyword and its reply.
type rule struct {
	// Match is the keyword, compared without regard to letter case.
	Match string `json:"match"`
	// Reply is the message sent back. {name} is replaced with the author's
	// name.
	Reply string `json:"reply"`
	// Mode overrides config.Mode for this rule.
	Mode string `json:"mode"`
}

// warnedNoRules records that this instance has logged its missing rules, so
// that a plugin without configuration logs one warning per instance and not
// one per message. The host keeps several instances and may replace them,
// so the warning still repeats now and then.
var warnedNoRules bool

func init() {
	sdk.Plugin("autoreply", "1.0.0")
	sdk.OnMessageCreate(autoreply)
}

// autoreply replies to m with the first rule that matches it. Messages
// marked as from a bot get no reply, so that two bots cannot reply to each
// other without end.
func autoreply(c *sdk.Context, m *sdk.MessageCreate) error {
	if m.Author.IsBot() {
		c.Debug("ignoring a bot's message", "author", m.Author.ID, "message", m.ID)
		return nil
	}

	var cfg config
	if err := c.Config(&cfg); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	if len(cfg.Rules) == 0 {
		if !warnedNoRules {
			c.Warn("no rules in the plugin config, so no message gets a reply")
			warnedNoRules = true
		}
		return nil
	}

	r, ok := cfg.find(m.Content)
	if !ok {
		return nil
	}
	return c.Reply(strings.ReplaceAll(r.Reply, "{name}", m.Author.Name))
}

// validate reports the first rule without a keyword or a reply, and any
// mode that is neither modeContains nor modeExact.
func (cfg *config) validate() error {
	if err := validateMode(cfg.Mode); err != nil {
		return fmt.Errorf("autoreply: invalid plugin config: %w", err)
	}
	for i, r := range cfg.Rules {
		var err error
		switch {
		case strings.TrimSpace(r.Match) == "":
			err = fmt.Errorf("rule %d has an empty match", i+1)
		case strings.TrimSpace(r.Reply) == "":
			err = fmt.Errorf("rule %d (match %q) has an empty reply", i+1, r.Match)
		default:
			if modeErr := validateMode(r.Mode); modeErr != nil {
				err = fmt.Errorf("rule %d (match %q): %w", i+1, r.Match, modeErr)
			}
		}
		if err != nil {
			return fmt.Errorf("autoreply: invalid plugin config: %w", err)
		}
	}
	return nil
}

func validateMode(mode string) error {
	switch mode {
	case "", modeContains, modeExact:
		return nil
	}
	return fmt.Errorf("mode %q is not %q or %q", mode, modeContains, modeExact)
}

// find returns the first rule that matches content.
func (cfg *config) find(content string) (rule, bool) {
	text := normalize(content)
	if text == "" {
		return rule{}, false
	}
	for _, r := range cfg.Rules {
		mode := r.Mode
		if mode == "" {
			mode = cfg.Mode
		}
		keyword := normalize(r.Match)

		if mode == modeExact && text == keyword {
			return r, true
		}
		if mode != modeExact && strings.Contains(text, keyword) {
			return r, true
		}
	}
	return rule{}, false
}

// normalize trims white space, the ideographic space U+3000 included, and
// lowers the letter case, so that "Help", " HELP " and "help" compare
// equal. Chinese characters have no case and pass unchanged.
func normalize(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// main is never called: the host runs the init function above and then
// calls the module's exports.
func main() {}
