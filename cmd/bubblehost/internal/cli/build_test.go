package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/cli"
)

// wasmMagic starts every WebAssembly binary module.
var wasmMagic = []byte("\x00asm")

// writeTinyPlugin writes a Go module with one exported function to a new
// folder named tiny and returns the folder.
func writeTinyPlugin(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tiny")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"go.mod": "module example.com/tiny\n\ngo 1.24\n",
		"main.go": `package main

//go:wasmexport add
func add(a, b int32) int32 { return a + b }

func main() {}
`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func requireGo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
}

func TestBuildTinyPlugin(t *testing.T) {
	requireGo(t)
	dir := writeTinyPlugin(t)
	out := filepath.Join(t.TempDir(), "nested", "tiny.wasm")

	have := run(t, nil, "", "build", dir, "-o", out)
	if have.code != cli.ExitOK {
		t.Fatalf("want exit %d, have %d, stderr:\n%s", cli.ExitOK, have.code, have.stderr)
	}
	module, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(module, wasmMagic) {
		t.Errorf("want a module starting with %q, have %q", wasmMagic, module[:min(len(module), 8)])
	}
	if want := "wrote " + out; !strings.Contains(have.stdout, want) {
		t.Errorf("want output containing %q, have %q", want, have.stdout)
	}
}

func TestBuildDefaultOutput(t *testing.T) {
	requireGo(t)
	dir := writeTinyPlugin(t)
	t.Chdir(t.TempDir())

	have := run(t, nil, "", "build", dir)
	if have.code != cli.ExitOK {
		t.Fatalf("want exit %d, have %d, stderr:\n%s", cli.ExitOK, have.code, have.stderr)
	}
	module, err := os.ReadFile("tiny.wasm")
	if err != nil {
		t.Fatalf("want tiny.wasm in the current folder: %v", err)
	}
	if !bytes.HasPrefix(module, wasmMagic) {
		t.Errorf("want a module starting with %q, have %q", wasmMagic, module[:min(len(module), 8)])
	}
}

func TestBuildCompileError(t *testing.T) {
	requireGo(t)
	dir := writeTinyPlugin(t)
	broken := "package main\n\nfunc main() { undefinedFunction() }\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}

	have := run(t, nil, "", "build", dir, "-o", filepath.Join(t.TempDir(), "x.wasm"))
	if have.code != cli.ExitFailure {
		t.Errorf("want exit %d, have %d", cli.ExitFailure, have.code)
	}
	// The compiler's own output is streamed to stderr before the summary.
	if !strings.Contains(have.stderr, "undefinedFunction") {
		t.Errorf("want the compiler's output on stderr, have:\n%s", have.stderr)
	}
	if want := "building " + dir + " failed"; !strings.Contains(have.stderr, want) {
		t.Errorf("want stderr containing %q, have:\n%s", want, have.stderr)
	}
}

func TestBuildErrors(t *testing.T) {
	dir := t.TempDir()
	onlyTests := filepath.Join(dir, "only-tests")
	if err := os.Mkdir(onlyTests, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(onlyTests, "x_test.go"), []byte("package x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	plainFile := filepath.Join(dir, "file.go")
	if err := os.WriteFile(plainFile, []byte("package main\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"no folder", []string{"build"}, cli.ExitUsage, "build: missing DIR"},
		{"two folders", []string{"build", "a", "b"}, cli.ExitUsage, "too many arguments: b"},
		{"folder not found", []string{"build", filepath.Join(dir, "missing")}, cli.ExitFailure, "plugin folder " + filepath.Join(dir, "missing") + " not found"},
		{"file instead of folder", []string{"build", plainFile}, cli.ExitFailure, "is not a folder"},
		{"no Go package", []string{"build", onlyTests}, cli.ExitFailure, "contains no Go package"},
		{"empty folder", []string{"build", t.TempDir()}, cli.ExitFailure, "contains no Go package"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have := run(t, nil, "", tt.args...)
			if have.code != tt.wantCode {
				t.Errorf("want exit %d, have %d", tt.wantCode, have.code)
			}
			if !strings.Contains(have.stderr, tt.wantStderr) {
				t.Errorf("want stderr containing %q, have:\n%s", tt.wantStderr, have.stderr)
			}
		})
	}
}

func TestBuildWithoutGo(t *testing.T) {
	dir := writeTinyPlugin(t)
	t.Setenv("PATH", t.TempDir())

	have := run(t, nil, "", "build", dir)
	if have.code != cli.ExitFailure {
		t.Errorf("want exit %d, have %d", cli.ExitFailure, have.code)
	}
	if want := "the go command was not found on PATH"; !strings.Contains(have.stderr, want) {
		t.Errorf("want stderr containing %q, have:\n%s", want, have.stderr)
	}
}
