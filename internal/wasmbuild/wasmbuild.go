// Package wasmbuild compiles a Go plugin to a WebAssembly module the host
// can load: a WASI reactor (GOOS=wasip1, GOARCH=wasm, -buildmode=c-shared).
package wasmbuild

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// Build compiles the Go main package in dir to out. The compiler's output
// goes to stderr.
func Build(ctx context.Context, dir, out string, stderr io.Writer) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return errors.New("the go command is not on PATH; install Go 1.26 or later to build plugins")
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("resolving output path %s: %w", out, err)
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-buildmode=c-shared", "-trimpath", "-o", absOut, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	cmd.Stdout = stderr
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building plugin in %s: %w", dir, err)
	}
	return nil
}
