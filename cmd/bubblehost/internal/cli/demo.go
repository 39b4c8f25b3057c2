package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/config"
	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
	"github.com/bubblehost/bubblehost/host"
)

const (
	// modulePath identifies the repository's go.mod when demo looks for
	// the examples folder.
	modulePath = "github.com/bubblehost/bubblehost"
	// demoTenant is the id of the demo's only tenant.
	demoTenant = "demo"
	// dryRunMessage is the log message of a reply that a tenant without a
	// token does not send. NOTE: it must match the message that
	// host/actions logs, or the demo's instructions point at nothing.
	dryRunMessage = "dry run: no token set, message not sent"
)

// demoPluginConfig sets up the examples that need configuration, so that
// each of them answers something in the demo.
var demoPluginConfig = map[string]host.PluginConfig{
	"welcome": {Config: json.RawMessage(`{"channelId":5,"message":"欢迎 {name} 加入！ Welcome, {name}!"}`)},
	"autoreply": {Config: json.RawMessage(`{"mode":"contains","rules":[` +
		`{"match":"你好","reply":"你好呀，{name}！"},` +
		`{"match":"hello","reply":"Hello, {name}!"},` +
		`{"match":"help","reply":"Try !ping, 你好, or !dm."}]}`)},
}

// simToken is the bot token that "bubblehost sim" accepts by default.
const simToken = "sim-token"

type demoOptions struct {
	sim       string
	listen    string
	dataDir   string
	examples  string
	logLevel  string
	logFormat string
}

func (c *cli) demoFlags() (*pflag.FlagSet, *demoOptions) {
	fs := c.newFlagSet("demo")
	opts := &demoOptions{}
	fs.StringVar(&opts.listen, "listen", host.DefaultListen, c.p.Sprintf(i18n.FlagDemoListen))
	fs.StringVar(&opts.dataDir, "data-dir", host.DefaultDataDir, c.p.Sprintf(i18n.FlagDemoData))
	fs.StringVar(&opts.examples, "examples", "", c.p.Sprintf(i18n.FlagExamples))
	fs.StringVar(&opts.sim, "sim", "", c.p.Sprintf(i18n.FlagDemoSim))
	fs.Lookup("sim").NoOptDefVal = "http://127.0.0.1:8090/api/bot/v1"
	fs.StringVar(&opts.logLevel, "log-level", "info", c.p.Sprintf(i18n.FlagLogLevel))
	fs.StringVar(&opts.logFormat, "log-format", config.LogFormatAuto, c.p.Sprintf(i18n.FlagLogFormat))
	return fs, opts
}

// demo builds the example plugins and serves them for one tenant with a
// built-in configuration.
func (c *cli) demo(ctx context.Context, args []string) int {
	fs, opts := c.demoFlags()
	if done, code := c.parse(fs, "demo", args); done {
		return code
	}
	if fs.NArg() > 0 {
		c.errorf(i18n.ErrTooManyArgs, "demo", strings.Join(fs.Args(), " "), "demo")
		return ExitUsage
	}
	logConfig, err := config.ParseLog(opts.logLevel, "log-level", opts.logFormat, "log-format")
	if err != nil {
		c.printConfigError(err)
		return ExitUsage
	}

	// Find the examples: the flag, else examples/ of the repository that
	// contains the current folder.
	workDir, err := os.Getwd()
	if err != nil {
		c.fail(err)
		return ExitFailure
	}
	repoRoot := findRepoRoot(workDir)
	examplesDir := opts.examples
	if examplesDir == "" {
		if repoRoot == "" {
			c.errorf(i18n.DemoNoRepository)
			return ExitUsage
		}
		examplesDir = filepath.Join(repoRoot, "examples")
	}
	plugins, err := findExamplePlugins(examplesDir)
	if err != nil {
		c.fail(err)
		return ExitUsage
	}

	// Build every example into the demo's plugin folder, after removing
	// modules left from examples that no longer exist.
	pluginDir := filepath.Join(opts.dataDir, "demo", "plugins")
	if err := removeModules(pluginDir); err != nil {
		c.fail(err)
		return ExitFailure
	}
	for _, name := range plugins {
		out := filepath.Join(pluginDir, name+".wasm")
		fmt.Fprintln(c.env.Stderr, c.p.Sprintf(i18n.DemoBuilding, filepath.Join(examplesDir, name), out))
		if err := buildPlugin(ctx, filepath.Join(examplesDir, name), out, c.env.Environ, c.env.Stderr); err != nil {
			c.fail(err)
			return ExitFailure
		}
	}

	cfg := config.DefaultConfig()
	cfg.Listen = opts.listen
	cfg.DataDir = opts.dataDir
	tenant := config.DefaultTenant(pluginDir)
	tenant.Secrets = []string{DemoSecret}
	tenant.Plugins = demoPluginConfig
	if opts.sim != "" {
		tenant.APIBase = opts.sim
		tenant.Token = simToken
	}
	cfg.Tenants = map[string]host.TenantConfig{demoTenant: tenant}

	ready := func(addr net.Addr) {
		webhookURL := demoWebhookURL(addr)
		intro := i18n.DemoIntro
		if opts.sim != "" {
			intro = i18n.DemoIntroSim
		}
		fmt.Fprint(c.env.Stdout, c.p.Sprintf(intro,
			webhookURL, strings.Join(plugins, ", "), pluginDir,
			tryCommand(workDir, repoRoot, webhookURL), dryRunMessage, opts.sim))
	}
	return c.runHost(ctx, cfg, c.newLogger(logConfig), ready, nil)
}

// findRepoRoot returns the closest folder at or above dir whose go.mod
// declares this module, or "" when there is none.
func findRepoRoot(dir string) string {
	for {
		if readModulePath(filepath.Join(dir, "go.mod")) == modulePath {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// readModulePath returns the path in the module directive of the go.mod
// file at path, or "" when the file cannot be read or has none.
func readModulePath(path string) string {
	file, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer file.Close()

	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) >= 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`)
		}
	}
	return ""
}

// findExamplePlugins returns the names of the subfolders of dir that hold
// a Go main package, sorted.
func findExamplePlugins(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, newUserError(i18n.DemoNoExamples, dir)
		}
		return nil, err
	}

	var names []string
	for _, entry := range entries {
		if entry.IsDir() && isMainPackage(filepath.Join(dir, entry.Name())) {
			names = append(names, entry.Name())
		}
	}
	if len(names) == 0 {
		return nil, newUserError(i18n.DemoNoExamples, dir)
	}
	return names, nil
}

// isMainPackage reports whether the first Go source file in dir declares
// package main.
func isMainPackage(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, entry := range entries {
		if !entry.Type().IsRegular() || !isGoSource(entry.Name()) {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, entry.Name()), nil, parser.PackageClauseOnly)
		return err == nil && file.Name.Name == "main"
	}
	return false
}

// removeModules deletes the .wasm files in dir, which demo owns.
func removeModules(dir string) error {
	modules, err := filepath.Glob(filepath.Join(dir, "*.wasm"))
	if err != nil {
		return err
	}
	for _, module := range modules {
		if err := os.Remove(module); err != nil {
			return err
		}
	}
	return nil
}

// demoWebhookURL returns the URL of the demo tenant's webhook on the
// listener at addr, using the loopback address when the listener is on
// every interface.
func demoWebhookURL(addr net.Addr) string {
	hostname, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/webhook/" + demoTenant
	}
	if ip := net.ParseIP(hostname); ip != nil && ip.IsUnspecified() {
		hostname = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(hostname, port) + "/webhook/" + demoTenant
}

// tryCommand returns the send command that posts "!ping" to the demo from
// workDir: through ./cmd/bubblehost at the repository's root, through the
// package path elsewhere in the repository, or through an installed
// bubblehost outside it.
func tryCommand(workDir, repoRoot, webhookURL string) string {
	program := "bubblehost"
	switch {
	case repoRoot != "" && repoRoot == workDir:
		program = "go run ./cmd/bubblehost"
	case repoRoot != "":
		program = "go run " + modulePath + "/cmd/bubblehost"
	}

	command := program + " send --content '!ping'"
	if webhookURL != DefaultSendURL {
		command += " --url " + webhookURL
	}
	return command
}
