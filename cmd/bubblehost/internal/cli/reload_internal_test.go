package cli

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/config"
	"github.com/bubblehost/bubblehost/host"
)

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tenantStatus returns the status of a POST without a body to the tenant's
// webhook: 415 for a known tenant, 404 for an unknown one.
func tenantStatus(t *testing.T, url, tenant string) int {
	t.Helper()
	resp, err := http.Post(url+"/webhook/"+tenant, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func waitStatus(t *testing.T, url, tenant string, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for tenantStatus(t, url, tenant) != want {
		if time.Now().After(deadline) {
			t.Fatalf("tenant %s: status never became %d", tenant, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestReloadOnConfigChange(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bubblehost.yaml")
	write := func(content string) {
		t.Helper()
		// Write a temporary file and rename it over, as editors do.
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	base := "data_dir: " + dir + "\ntenants:\n  one:\n    signature: off\n"
	write(base)

	load := func() (host.Config, error) {
		cfg, _, err := config.Load(path, nil, nil)
		return cfg, err
	}
	cfg, err := load()
	if err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	h, err := host.New(cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	if err := h.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	defer h.Shutdown(context.Background())
	watching := make(chan struct{})
	go watchConfig(ctx, h, path, load, logger, func() { close(watching) })
	<-watching

	if have := tenantStatus(t, srv.URL, "two"); have != http.StatusNotFound {
		t.Fatalf("tenant two before the change: status %d, want 404", have)
	}

	// Adding a tenant to the file takes effect without a restart.
	write(base + "  two:\n    signature: off\n")
	waitStatus(t, srv.URL, "two", http.StatusUnsupportedMediaType)

	// An invalid file is rejected whole and names the key at fault.
	write(base + "  two:\n    signature: sometimes\n  three:\n    signature: off\n")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "configuration reload rejected") {
		if time.Now().After(deadline) {
			t.Fatalf("no rejection logged; log:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "tenants.two.signature") {
		t.Errorf("rejection does not name tenants.two.signature; log:\n%s", logs.String())
	}
	if have := tenantStatus(t, srv.URL, "three"); have != http.StatusNotFound {
		t.Errorf("tenant three from the rejected file: status %d, want 404", have)
	}
	if have := tenantStatus(t, srv.URL, "two"); have != http.StatusUnsupportedMediaType {
		t.Errorf("tenant two after the rejected file: status %d, want 415 (still served)", have)
	}

	// Removing a tenant takes effect too.
	write(base)
	waitStatus(t, srv.URL, "two", http.StatusNotFound)
}
