package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
	"github.com/bubblehost/bubblehost/host"
)

// maxErrorColumn is how many characters of a plugin's last error the
// plugins table shows.
const maxErrorColumn = 60

func (c *cli) statusFlags() (*pflag.FlagSet, *adminFlags) {
	fs := c.newFlagSet("status")
	return fs, c.addAdminFlags(fs)
}

// status prints one row per tenant of a running host.
func (c *cli) status(ctx context.Context, args []string) int {
	fs, flags := c.statusFlags()
	body, code, ok := c.callAdmin(ctx, "status", fs, flags, args, http.MethodGet, "/v1/tenants")
	if !ok {
		return code
	}
	var list struct {
		Tenants []host.TenantStatus `json:"tenants"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		c.errorf(i18n.AdminInvalidResponse, strings.TrimRight(flags.url, "/"), err)
		return ExitFailure
	}

	if len(list.Tenants) == 0 {
		fmt.Fprintln(c.env.Stdout, c.p.Sprintf(i18n.StatusNoTenants))
		return ExitOK
	}
	table := newTable(c.env.Stdout)
	fmt.Fprintln(table, c.p.Sprintf(i18n.StatusHeader))
	for _, t := range list.Tenants {
		ok := 0
		for _, p := range t.Plugins {
			if p.Status == "ok" {
				ok++
			}
		}
		fmt.Fprintf(table, "%s\t%s\t%s\t%d\t%d/%d\n", t.ID, t.Signature, c.yesNo(t.DryRun), t.Queued, ok, len(t.Plugins))
	}
	table.Flush()
	return ExitOK
}

type pluginsOptions struct {
	admin  *adminFlags
	tenant string
}

func (c *cli) pluginsFlags() (*pflag.FlagSet, *pluginsOptions) {
	fs := c.newFlagSet("plugins")
	opts := &pluginsOptions{}
	fs.StringVar(&opts.tenant, "tenant", "", c.p.Sprintf(i18n.FlagPluginsTenant))
	opts.admin = c.addAdminFlags(fs)
	return fs, opts
}

// plugins lists the plugin files of a running host, or pauses or resumes
// one plugin.
func (c *cli) plugins(ctx context.Context, args []string) int {
	fs, opts := c.pluginsFlags()
	if done, code := c.parse(fs, "plugins", args); done {
		return code
	}

	action := fs.Arg(0)
	switch {
	case fs.NArg() == 0:
	case action != "pause" && action != "resume":
		c.errorf(i18n.PluginsAction, action)
		return ExitUsage
	case fs.NArg() < 3:
		c.errorf(i18n.ErrMissingArg, "plugins "+action, "TENANT PLUGIN", "plugins")
		return ExitUsage
	case fs.NArg() > 3:
		c.errorf(i18n.ErrTooManyArgs, "plugins "+action, strings.Join(fs.Args()[3:], " "), "plugins")
		return ExitUsage
	}
	client, err := c.newAdminClient(opts.admin)
	if err != nil {
		c.fail(err)
		return ExitUsage
	}

	if action != "" {
		return c.setPluginPaused(ctx, client, opts.admin.json, action, fs.Arg(1), fs.Arg(2))
	}
	return c.listPlugins(ctx, client, opts)
}

func (c *cli) listPlugins(ctx context.Context, client *adminClient, opts *pluginsOptions) int {
	path := "/v1/tenants"
	if opts.tenant != "" {
		path += "/" + url.PathEscape(opts.tenant)
	}
	body, err := client.do(ctx, http.MethodGet, path, nil)
	if err != nil {
		c.fail(err)
		return ExitFailure
	}
	if opts.admin.json {
		c.writeRaw(body)
		return ExitOK
	}

	var tenants []host.TenantStatus
	if opts.tenant != "" {
		var one host.TenantStatus
		err = json.Unmarshal(body, &one)
		tenants = append(tenants, one)
	} else {
		var list struct {
			Tenants []host.TenantStatus `json:"tenants"`
		}
		err = json.Unmarshal(body, &list)
		tenants = list.Tenants
	}
	if err != nil {
		c.errorf(i18n.AdminInvalidResponse, client.base, err)
		return ExitFailure
	}

	table := newTable(c.env.Stdout)
	rows := 0
	for _, t := range tenants {
		for _, p := range t.Plugins {
			if rows == 0 {
				fmt.Fprintln(table, c.p.Sprintf(i18n.PluginsHeader))
			}
			rows++
			fmt.Fprintf(table, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, orDash(p.Name), orDash(p.Version), p.Status,
				orDash(p.SHA256[:min(len(p.SHA256), 12)]), filepath.Base(p.File), orDash(shorten(p.LastError, maxErrorColumn)))
		}
	}
	table.Flush()
	if rows == 0 {
		fmt.Fprintln(c.env.Stdout, c.p.Sprintf(i18n.PluginsNone))
	}
	return ExitOK
}

func (c *cli) setPluginPaused(ctx context.Context, client *adminClient, raw bool, action, tenant, plugin string) int {
	path := "/v1/tenants/" + url.PathEscape(tenant) + "/plugins/" + url.PathEscape(plugin) + "/" + action
	body, err := client.do(ctx, http.MethodPost, path, nil)
	if err != nil {
		c.fail(err)
		return ExitFailure
	}
	if raw {
		c.writeRaw(body)
		return ExitOK
	}

	message := i18n.PluginPaused
	if action == "resume" {
		message = i18n.PluginResumed
	}
	fmt.Fprintln(c.env.Stdout, c.p.Sprintf(message, plugin, tenant))
	return ExitOK
}

func (c *cli) reloadFlags() (*pflag.FlagSet, *adminFlags) {
	fs := c.newFlagSet("reload")
	return fs, c.addAdminFlags(fs)
}

// reload makes a running host reload its configuration and plugin folders.
func (c *cli) reload(ctx context.Context, args []string) int {
	fs, flags := c.reloadFlags()
	if _, code, ok := c.callAdmin(ctx, "reload", fs, flags, args, http.MethodPost, "/v1/reload"); !ok {
		return code
	}
	fmt.Fprintln(c.env.Stdout, c.p.Sprintf(i18n.ReloadDone))
	return ExitOK
}

// callAdmin parses the flags of an admin command that takes no arguments and
// sends its one request. With --json it prints the response itself. ok is
// false when the command is done, with code as its exit status.
func (c *cli) callAdmin(ctx context.Context, name string, fs *pflag.FlagSet, flags *adminFlags, args []string, method, path string) (body []byte, code int, ok bool) {
	if done, code := c.parse(fs, name, args); done {
		return nil, code, false
	}
	if fs.NArg() > 0 {
		c.errorf(i18n.ErrTooManyArgs, name, strings.Join(fs.Args(), " "), name)
		return nil, ExitUsage, false
	}
	client, err := c.newAdminClient(flags)
	if err != nil {
		c.fail(err)
		return nil, ExitUsage, false
	}

	body, err = client.do(ctx, method, path, nil)
	if err != nil {
		c.fail(err)
		return nil, ExitFailure, false
	}
	if flags.json {
		c.writeRaw(body)
		return body, ExitOK, false
	}
	return body, ExitOK, true
}

// writeRaw writes a response body unchanged, with a final newline.
func (c *cli) writeRaw(body []byte) {
	c.env.Stdout.Write(body)
	if len(body) == 0 || body[len(body)-1] != '\n' {
		fmt.Fprintln(c.env.Stdout)
	}
}

func (c *cli) yesNo(b bool) string {
	if b {
		return c.p.Sprintf(i18n.WordYes)
	}
	return c.p.Sprintf(i18n.WordNo)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// shorten returns the first line of s with runs of white space made one
// space, cut to max characters. It ends with "..." when anything was cut.
func shorten(s string, max int) string {
	first, rest, _ := strings.Cut(s, "\n")
	line := []rune(strings.Join(strings.Fields(first), " "))
	cut := strings.TrimSpace(rest) != ""
	if len(line) > max || (cut && len(line) > max-3) {
		line, cut = line[:max-3], true
	}
	if cut {
		return string(line) + "..."
	}
	return string(line)
}
