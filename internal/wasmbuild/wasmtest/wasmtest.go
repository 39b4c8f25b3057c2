// Package wasmtest builds the repository's Go plugins for tests.
package wasmtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/bubblehost/bubblehost/internal/wasmbuild"
)

var (
	testMu    sync.Mutex
	testDir   string
	testBuilt = map[string]string{}
)

// Build builds the Go plugin in dir once per test binary and returns the
// module's path. Later calls with the same dir return the same file.
func Build(tb testing.TB, dir string) string {
	tb.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		tb.Fatal(err)
	}

	testMu.Lock()
	defer testMu.Unlock()
	if path, ok := testBuilt[abs]; ok {
		return path
	}
	if testDir == "" {
		// Shared by every test of the binary, so it outlives tb.TempDir.
		d, err := os.MkdirTemp("", "bubblehost-wasm-")
		if err != nil {
			tb.Fatal(err)
		}
		testDir = d
	}
	sum := sha256.Sum256([]byte(abs))
	out := filepath.Join(testDir, filepath.Base(abs)+"-"+hex.EncodeToString(sum[:4])+".wasm")

	var log safeBuffer
	if err := wasmbuild.Build(context.Background(), abs, out, &log); err != nil {
		tb.Fatalf("%v\n%s", err, log.String())
	}
	testBuilt[abs] = out
	return out
}

type safeBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// CacheDir returns a wazero compilation cache folder shared by every test
// run on this machine. Compiling a Go module is slow under the race
// detector (tens of seconds); the cache makes that a one-time cost. The
// environment variable BUBBLEHOST_TEST_CACHE overrides the folder.
func CacheDir(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv("BUBBLEHOST_TEST_CACHE"); dir != "" {
		return dir
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "bubblehost-test", "wazero")
}
