package sim

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/bubblehost/bubblehost/host/bubbletest"
)

// Defaults of the flags. The webhook and the secret are those of the
// tenant that "bubblehost demo" serves.
const (
	DefaultListen  = "127.0.0.1:8090"
	DefaultToken   = "sim-token"
	DefaultWebhook = "http://127.0.0.1:8080/webhook/demo"
	DefaultSecret  = "demo-secret"

	defaultBotID     = 42
	defaultBotUserID = 4242
	defaultBotName   = "demo-bot"
	defaultChannel   = 5
	defaultGuild     = bubbletest.DefaultGuildID
	defaultUserID    = 1
	defaultUserName  = "alice"
)

// firstJoinedUserID is the user id of the first user that /join adds.
const firstJoinedUserID = 1001

// options are the command's flags.
type options struct {
	listen    string
	token     string
	botID     int64
	botUserID int64
	botName   string
	webhook   string
	secret    string
	channel   int64
	guild     int64
	userID    int64
	userName  string
	timeout   time.Duration
	// scheduleText is the --retry-schedule value that schedule is parsed
	// from.
	scheduleText string
	schedule     []time.Duration
	echo         bool
}

// newFlagSet returns the command's flags, bound to opts.
func newFlagSet(out *output, opts *options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("sim", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	fs.StringVar(&opts.listen, "listen", DefaultListen, out.text(msgFlagListen))
	fs.StringVar(&opts.token, "token", DefaultToken, out.text(msgFlagToken))
	fs.Int64Var(&opts.botID, "bot-id", defaultBotID, out.text(msgFlagBotID))
	fs.Int64Var(&opts.botUserID, "bot-user-id", defaultBotUserID, out.text(msgFlagBotUserID))
	fs.StringVar(&opts.botName, "bot-name", defaultBotName, out.text(msgFlagBotName))
	fs.StringVar(&opts.webhook, "webhook", DefaultWebhook, out.text(msgFlagWebhook))
	fs.StringVar(&opts.secret, "secret", DefaultSecret, out.text(msgFlagSecret))
	fs.Int64Var(&opts.channel, "channel", defaultChannel, out.text(msgFlagChannel))
	fs.Int64Var(&opts.guild, "guild", defaultGuild, out.text(msgFlagGuild))
	fs.Int64Var(&opts.userID, "user-id", defaultUserID, out.text(msgFlagUserID))
	fs.StringVar(&opts.userName, "user-name", defaultUserName, out.text(msgFlagUserName))
	fs.DurationVar(&opts.timeout, "timeout", bubbletest.DefaultTimeout, out.text(msgFlagTimeout))
	fs.StringVar(&opts.scheduleText, "retry-schedule", formatSchedule(bubbletest.DefaultSchedule()), out.text(msgFlagSchedule))
	fs.BoolVar(&opts.echo, "echo", true, out.text(msgFlagEcho))
	fs.BoolP("help", "h", false, out.text(msgFlagHelp))
	return fs
}

// parseFlags parses args into options. When done is true, Run returns code:
// after --help, or after printing why the flags are invalid.
func parseFlags(args []string, out *output) (opts options, done bool, code int) {
	fs := newFlagSet(out, &opts)
	err := fs.Parse(args)
	if help, _ := fs.GetBool("help"); help {
		writeUsage(out, fs)
		return opts, true, exitOK
	}
	if err != nil {
		out.errorf(msgInvalidFlags, err)
		return opts, true, exitUsage
	}
	if fs.NArg() > 0 {
		out.errorf(msgTooManyArgs, strings.Join(fs.Args(), " "))
		return opts, true, exitUsage
	}
	if opts.schedule, err = parseSchedule(out, opts.scheduleText); err != nil {
		out.errorf(msgInvalidFlags, err)
		return opts, true, exitUsage
	}
	if err := validate(out, opts); err != nil {
		out.errorf(msgInvalidFlags, err)
		return opts, true, exitUsage
	}
	return opts, false, exitOK
}

// validate returns an error naming the first invalid flag value.
func validate(out *output, o options) error {
	for _, f := range []struct {
		name  string
		value int64
	}{
		{"bot-id", o.botID},
		{"bot-user-id", o.botUserID},
		{"channel", o.channel},
		{"guild", o.guild},
		{"user-id", o.userID},
	} {
		if f.value <= 0 {
			return errors.New(out.text(msgNotPositive, f.name, f.value))
		}
	}
	for _, f := range []struct{ name, value string }{
		{"token", o.token},
		{"bot-name", o.botName},
		{"user-name", o.userName},
	} {
		if strings.TrimSpace(f.value) == "" {
			return errors.New(out.text(msgEmptyFlag, f.name))
		}
	}
	if u, err := url.Parse(o.webhook); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New(out.text(msgInvalidWebhook, o.webhook))
	}
	if o.timeout <= 0 {
		return errors.New(out.text(msgNotPositive, "timeout", o.timeout))
	}
	return nil
}

// parseSchedule parses the --retry-schedule value: comma-separated Go
// durations, or "none" for no retries.
func parseSchedule(out *output, text string) ([]time.Duration, error) {
	if strings.TrimSpace(text) == "none" {
		return []time.Duration{}, nil
	}
	schedule := []time.Duration{}
	for field := range strings.SplitSeq(text, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(field))
		if err != nil || d < 0 {
			return nil, errors.New(out.text(msgInvalidSchedule, text, field))
		}
		schedule = append(schedule, d)
	}
	return schedule, nil
}

// formatSchedule returns schedule as parseSchedule reads it.
func formatSchedule(schedule []time.Duration) string {
	fields := make([]string, len(schedule))
	for i, d := range schedule {
		fields[i] = d.String()
	}
	return strings.Join(fields, ",")
}

// writeUsage prints the command's help and a table of its flags.
func writeUsage(out *output, fs *pflag.FlagSet) {
	out.mu.Lock()
	defer out.mu.Unlock()
	w := out.stdout
	fmt.Fprint(w, out.text(msgUsage))
	fmt.Fprintf(w, "\n%s\n", out.text(msgFlagsHeader))
	table := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fs.VisitAll(func(f *pflag.Flag) {
		name := "    --" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", --" + f.Name
		}
		if kind := f.Value.Type(); kind != "bool" {
			name += " " + kind
		}
		description := f.Usage
		if f.DefValue != "" && f.DefValue != "false" && f.Name != "help" {
			description += out.text(msgFlagDefault, f.DefValue)
		}
		fmt.Fprintf(table, "  %s\t%s\n", name, description)
	})
	table.Flush()
}
