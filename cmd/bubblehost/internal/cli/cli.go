// Package cli implements the bubblehost command: a small dispatcher over
// the subcommands serve, demo, build, sign, send, sim, status, plugins,
// reload, version and help, each with its own pflag flag set. It takes its
// arguments, streams and environment as values, so tests run it without
// touching the process.
package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
	"github.com/bubblehost/bubblehost/cmd/bubblehost/samples"
)

// Exit statuses.
const (
	ExitOK = 0
	// ExitFailure is a command that ran and failed, such as a failed build
	// or a response that is not 2xx.
	ExitFailure = 1
	// ExitUsage is a command that did not run: unknown command, invalid
	// flags or an invalid configuration.
	ExitUsage = 2
)

// Env is the process state that one run of the command uses.
type Env struct {
	// Args are the arguments after the program name.
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Environ is the environment, as os.Environ returns it.
	Environ []string
	// StderrTerminal reports whether Stderr is a terminal, which selects
	// coloured text logs in the auto log format.
	StderrTerminal bool
	// Version is the version set at link time, or "" to take the module
	// version from the build information.
	Version string
}

// Getenv returns the value of the variable name in e.Environ, or "".
func (e Env) Getenv(name string) string {
	for _, entry := range e.Environ {
		if key, value, ok := strings.Cut(entry, "="); ok && key == name {
			return value
		}
	}
	return ""
}

// cli is one run of the command.
type cli struct {
	env Env
	p   i18n.Printer
}

// command is one subcommand.
type command struct {
	usage i18n.ID
	// flags returns the command's flag set, for its help.
	flags func(c *cli) *pflag.FlagSet
	run   func(c *cli, ctx context.Context, args []string) int
}

// commands maps each subcommand's name to its implementation. It is filled
// in init because the commands' help refers back to it.
var commands map[string]command

func init() {
	commands = map[string]command{
		"serve":  {i18n.UsageServe, func(c *cli) *pflag.FlagSet { fs, _ := c.serveFlags(); return fs }, (*cli).serve},
		"demo":   {i18n.UsageDemo, func(c *cli) *pflag.FlagSet { fs, _ := c.demoFlags(); return fs }, (*cli).demo},
		"build":  {i18n.UsageBuild, func(c *cli) *pflag.FlagSet { fs, _ := c.buildFlags(); return fs }, (*cli).build},
		"sign":   {i18n.UsageSign, func(c *cli) *pflag.FlagSet { fs, _ := c.signFlags(); return fs }, (*cli).sign},
		"send":   {i18n.UsageSend, func(c *cli) *pflag.FlagSet { fs, _ := c.sendFlags(); return fs }, (*cli).send},
		"status": {i18n.UsageStatus, func(c *cli) *pflag.FlagSet { fs, _ := c.statusFlags(); return fs }, (*cli).status},
		"plugins": {i18n.UsagePlugins, func(c *cli) *pflag.FlagSet { fs, _ := c.pluginsFlags(); return fs },
			(*cli).plugins},
		"reload": {i18n.UsageReload, func(c *cli) *pflag.FlagSet { fs, _ := c.reloadFlags(); return fs }, (*cli).reload},
		"version": {i18n.UsageVersion, func(c *cli) *pflag.FlagSet { return c.newFlagSet("version") },
			(*cli).version},
		"help": {i18n.UsageHelp, func(c *cli) *pflag.FlagSet { return c.newFlagSet("help") }, (*cli).help},
	}
}

// Run runs the command line in env and returns the exit status.
func Run(ctx context.Context, env Env) int {
	c := &cli{env: env, p: i18n.Printer{Lang: i18n.Detect(env.Getenv)}}
	if len(env.Args) == 0 {
		fmt.Fprint(env.Stderr, c.p.Sprintf(i18n.UsageMain))
		return ExitUsage
	}

	name, args := env.Args[0], env.Args[1:]
	switch name {
	case "-h", "--help":
		name = "help"
	case "--version":
		name = "version"
	case "sim":
		// The simulator parses its own flags and prints its own help.
		return c.sim(ctx, args)
	}
	cmd, ok := commands[name]
	if !ok {
		c.errorf(i18n.ErrUnknownCommand, name)
		return ExitUsage
	}
	return cmd.run(c, ctx, args)
}

// help prints the list of commands, or the help of the command named in
// args.
func (c *cli) help(_ context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.env.Stdout, c.p.Sprintf(i18n.UsageMain))
		return ExitOK
	}
	if len(args) > 1 {
		c.errorf(i18n.ErrTooManyArgs, "help", strings.Join(args[1:], " "), "help")
		return ExitUsage
	}

	if args[0] == "sim" {
		return c.sim(context.Background(), []string{"--help"})
	}
	cmd, ok := commands[args[0]]
	if !ok {
		c.errorf(i18n.ErrUnknownCommand, args[0])
		return ExitUsage
	}
	c.writeUsage(c.env.Stdout, cmd, cmd.flags(c))
	return ExitOK
}

// version prints the version of the command and of the Go toolchain.
func (c *cli) version(_ context.Context, args []string) int {
	fs := c.newFlagSet("version")
	if done, code := c.parse(fs, "version", args); done {
		return code
	}
	if fs.NArg() > 0 {
		c.errorf(i18n.ErrTooManyArgs, "version", strings.Join(fs.Args(), " "), "version")
		return ExitUsage
	}

	fmt.Fprintf(c.env.Stdout, "bubblehost %s (%s %s/%s)\n", c.versionString(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return ExitOK
}

// versionString returns the version set at link time, else the module
// version and VCS revision that the Go toolchain recorded.
func (c *cli) versionString() string {
	if c.env.Version != "" {
		return c.env.Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}

	version := info.Main.Version
	var revision, modified string
	for _, setting := range info.Settings {
		switch setting.Key {
		case "vcs.revision":
			revision = setting.Value
		case "vcs.modified":
			if setting.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if revision != "" && (version == "" || version == "(devel)") {
		return revision[:min(len(revision), 12)] + modified
	}
	if version == "" {
		return "(devel)"
	}
	return version
}

// newFlagSet returns a flag set that reports errors to its caller instead
// of printing them, with the -h/--help flag every command has.
func (c *cli) newFlagSet(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	fs.BoolP("help", "h", false, c.p.Sprintf(i18n.FlagHelp))
	return fs
}

// parse parses args into fs. When done is true the command must return
// code: its help was printed, or the flags were invalid.
func (c *cli) parse(fs *pflag.FlagSet, name string, args []string) (done bool, code int) {
	err := fs.Parse(args)
	if help, _ := fs.GetBool("help"); help {
		c.writeUsage(c.env.Stdout, commands[name], fs)
		return true, ExitOK
	}
	if err != nil {
		c.errorf(i18n.ErrInvalidFlags, name, err, name)
		return true, ExitUsage
	}
	return false, ExitOK
}

// writeUsage prints a command's help text and a table of its flags.
func (c *cli) writeUsage(w io.Writer, cmd command, fs *pflag.FlagSet) {
	var usageArgs []any
	if cmd.usage == i18n.UsageSend {
		usageArgs = append(usageArgs, strings.Join(samples.Types(), ", "))
	}
	fmt.Fprint(w, c.p.Sprintf(cmd.usage, usageArgs...))

	fmt.Fprintf(w, "\n%s\n", c.p.Sprintf(i18n.FlagsHeader))
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
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			description += c.p.Sprintf(i18n.FlagDefault, f.DefValue)
		}
		fmt.Fprintf(table, "  %s\t%s\n", name, description)
	})
	table.Flush()
}

// errorf prints a localized error message to standard error.
func (c *cli) errorf(id i18n.ID, args ...any) {
	fmt.Fprintf(c.env.Stderr, "bubblehost: %s\n", c.p.Sprintf(id, args...))
}
