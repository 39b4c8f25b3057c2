package wasmtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// WAT assembles the WebAssembly text file at path with wat2wasm from WABT
// and returns the module's bytes. The test fails, rather than skips, when
// wat2wasm is not on PATH, because the tests that use it check the sandbox
// and a skipped sandbox test would pass silently.
func WAT(tb testing.TB, path string) []byte {
	tb.Helper()
	wat2wasm := lookWat2wasm(tb)

	out := filepath.Join(tb.TempDir(), filepath.Base(path)+".wasm")
	cmd := exec.Command(wat2wasm, "--output="+out, path)
	if combined, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("assembling %s: %v\n%s", path, err, combined)
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		tb.Fatalf("reading the assembled module: %v", err)
	}
	return wasm
}

// WATSource assembles WAT source text, as WAT does for a file. Name labels
// the source in messages.
func WATSource(tb testing.TB, name, src string) []byte {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name+".wat")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
	return WAT(tb, path)
}

func lookWat2wasm(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("wat2wasm")
	if err != nil {
		tb.Fatal("wat2wasm is not on PATH: run scripts/test (it installs WABT through scripts/setup) " +
			"or install WABT yourself (Debian and Ubuntu: apt-get install wabt)")
	}
	return path
}
