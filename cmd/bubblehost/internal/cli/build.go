package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
)

// userError is an error with a message for the person at the terminal,
// shown in their language.
type userError struct {
	id   i18n.ID
	args []any
}

func newUserError(id i18n.ID, args ...any) error {
	return &userError{id: id, args: args}
}

// Error returns the English message.
func (e *userError) Error() string {
	return i18n.Printer{Lang: i18n.English}.Sprintf(e.id, e.args...)
}

// fail prints err to standard error, localized when it is a userError.
func (c *cli) fail(err error) {
	if ue, ok := errors.AsType[*userError](err); ok {
		c.errorf(ue.id, ue.args...)
		return
	}
	fmt.Fprintf(c.env.Stderr, "bubblehost: %v\n", err)
}

func (c *cli) buildFlags() (*pflag.FlagSet, *string) {
	fs := c.newFlagSet("build")
	output := fs.StringP("output", "o", "", c.p.Sprintf(i18n.FlagOutput))
	return fs, output
}

// build compiles the plugin folder given as the only argument.
func (c *cli) build(ctx context.Context, args []string) int {
	fs, output := c.buildFlags()
	if done, code := c.parse(fs, "build", args); done {
		return code
	}
	switch {
	case fs.NArg() == 0:
		c.errorf(i18n.ErrMissingArg, "build", "DIR", "build")
		return ExitUsage
	case fs.NArg() > 1:
		c.errorf(i18n.ErrTooManyArgs, "build", strings.Join(fs.Args()[1:], " "), "build")
		return ExitUsage
	}

	dir := fs.Arg(0)
	out := *output
	if out == "" {
		absolute, err := filepath.Abs(dir)
		if err != nil {
			c.fail(err)
			return ExitFailure
		}
		out = filepath.Base(absolute) + ".wasm"
	}

	if err := buildPlugin(ctx, dir, out, c.env.Environ, c.env.Stderr); err != nil {
		c.fail(err)
		return ExitFailure
	}
	if info, err := os.Stat(out); err == nil {
		fmt.Fprintln(c.env.Stdout, c.p.Sprintf(i18n.BuildWrote, out, info.Size()))
	}
	return ExitOK
}

// buildPlugin compiles the Go main package in dir into the WebAssembly
// module out, as a WASI reactor (-buildmode=c-shared) so that the host can
// call its exports after _initialize. The go command runs in dir with
// environ plus GOOS=wasip1 and GOARCH=wasm, and its output goes to output
// as it runs.
func buildPlugin(ctx context.Context, dir, out string, environ []string, output io.Writer) error {
	goCommand, err := exec.LookPath("go")
	if err != nil {
		return newUserError(i18n.BuildNoGo)
	}
	if err := checkGoPackage(dir); err != nil {
		return err
	}

	// go build runs in dir, so a relative output path must be made
	// absolute against the current folder first.
	absoluteOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(absoluteOut), 0o755); err != nil {
		return err
	}

	cmd := exec.CommandContext(ctx, goCommand, "build", "-buildmode=c-shared", "-trimpath", "-o", absoluteOut, ".")
	cmd.Dir = dir
	// exec uses the last of duplicate variables, so these override any
	// GOOS or GOARCH in environ.
	cmd.Env = append(append([]string(nil), environ...), "GOOS=wasip1", "GOARCH=wasm")
	cmd.Stdout = output
	cmd.Stderr = output
	if err := cmd.Run(); err != nil {
		return newUserError(i18n.BuildFailed, dir, err)
	}
	return nil
}

// checkGoPackage returns a userError unless dir is a folder with at least
// one .go file that go build compiles: not a test, and not starting with
// "_" or ".", which the go command ignores.
func checkGoPackage(dir string) error {
	info, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return newUserError(i18n.BuildNotFound, dir)
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return newUserError(i18n.BuildNotDir, dir)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, entry := range entries {
		name := entry.Name()
		if entry.Type().IsRegular() && isGoSource(name) {
			return nil
		}
	}
	return newUserError(i18n.BuildNoPackage, dir)
}

func isGoSource(name string) bool {
	return strings.HasSuffix(name, ".go") &&
		!strings.HasSuffix(name, "_test.go") &&
		!strings.HasPrefix(name, "_") &&
		!strings.HasPrefix(name, ".")
}
