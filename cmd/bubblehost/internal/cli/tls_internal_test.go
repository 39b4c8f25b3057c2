package cli

import (
	"crypto/tls"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/testcert"
)

// fakeClock is a time source that moves only when the test advances it.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// replacePair writes a new pair in dir and renames its files over
// server.crt and server.key, the certificate first, as a renewal tool
// writes them one after the other.
func replacePair(t *testing.T, dir, commonName string) testcert.Pair {
	t.Helper()
	pair := testcert.Write(t, dir, "next", commonName)
	if err := os.Rename(pair.CertFile, filepath.Join(dir, "server.crt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(pair.KeyFile, filepath.Join(dir, "server.key")); err != nil {
		t.Fatal(err)
	}
	return pair
}

// servedCommonName returns the common name of the certificate that r
// serves now.
func servedCommonName(t *testing.T, r *certReloader) string {
	t.Helper()
	cert, err := r.GetCertificate(&tls.ClientHelloInfo{})
	if err != nil {
		t.Fatalf("GetCertificate: %v", err)
	}
	return cert.Leaf.Subject.CommonName
}

func TestCertReloaderPicksUpChanges(t *testing.T) {
	dir := t.TempDir()
	first := testcert.Write(t, dir, "server", "first")
	var logs lockedBuffer
	r, err := newCertReloader(first.CertFile, first.KeyFile, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatalf("newCertReloader: %v", err)
	}
	clock := &fakeClock{now: time.Now()}
	r.now = clock.Now
	r.checked = clock.Now()

	if have := servedCommonName(t, r); have != "first" {
		t.Fatalf("served before any change: have %q, want first", have)
	}

	// Within the interval the files are not looked at.
	replacePair(t, dir, "second")
	clock.advance(certCheckInterval / 2)
	if have := servedCommonName(t, r); have != "first" {
		t.Errorf("served within the interval: have %q, want first", have)
	}
	clock.advance(certCheckInterval / 2)
	if have := servedCommonName(t, r); have != "second" {
		t.Errorf("served after the interval: have %q, want second", have)
	}
	if !strings.Contains(logs.String(), `"msg":"certificate reloaded"`) || !strings.Contains(logs.String(), "CN=second") {
		t.Errorf("no log line for the reload; log:\n%s", logs.String())
	}

	// A key that does not match the certificate keeps the previous
	// certificate serving, and the problem is logged once however many
	// checks see it.
	third := testcert.Write(t, dir, "third", "third")
	if err := os.Rename(third.CertFile, first.CertFile); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		clock.advance(certCheckInterval)
		if have := servedCommonName(t, r); have != "second" {
			t.Errorf("served with a mismatched key: have %q, want second", have)
		}
	}
	if have := strings.Count(logs.String(), "loading the changed certificate files failed"); have != 1 {
		t.Errorf("warnings about the mismatched pair: have %d, want 1; log:\n%s", have, logs.String())
	}

	// Once the key is written too, the new pair serves.
	if err := os.Rename(third.KeyFile, first.KeyFile); err != nil {
		t.Fatal(err)
	}
	clock.advance(certCheckInterval)
	if have := servedCommonName(t, r); have != "third" {
		t.Errorf("served after the key was written: have %q, want third", have)
	}

	// A removed file is a problem too, and the last certificate serves on.
	if err := os.Remove(first.KeyFile); err != nil {
		t.Fatal(err)
	}
	clock.advance(certCheckInterval)
	if have := servedCommonName(t, r); have != "third" {
		t.Errorf("served without a key file: have %q, want third", have)
	}
	if have := strings.Count(logs.String(), "loading the changed certificate files failed"); have != 2 {
		t.Errorf("warnings after the key file was removed: have %d, want 2", have)
	}
}

func TestCertReloaderRejectsBadStart(t *testing.T) {
	dir := t.TempDir()
	pair := testcert.Write(t, dir, "server", "server")
	other := testcert.Write(t, dir, "other", "other")

	tests := []struct {
		name, certFile, keyFile, want string
	}{
		{"missing certificate", filepath.Join(dir, "none.crt"), pair.KeyFile, "no such file"},
		{"missing key", pair.CertFile, filepath.Join(dir, "none.key"), "no such file"},
		{"key of another certificate", pair.CertFile, other.KeyFile, "private key does not match public key"},
		{"key as certificate", pair.KeyFile, pair.KeyFile, "loading " + pair.KeyFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newCertReloader(tt.certFile, tt.keyFile, slog.New(slog.DiscardHandler))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("newCertReloader: have error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestShortenLastError(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"short", "short"},
		{"tabs\tand   spaces", "tabs and spaces"},
		{"first line\nsecond line", "first line..."},
		{strings.Repeat("a", 20), strings.Repeat("a", 20)},
		{strings.Repeat("a", 21), strings.Repeat("a", 17) + "..."},
		{strings.Repeat("界", 25), strings.Repeat("界", 17) + "..."},
		{strings.Repeat("b", 19) + "\nmore", strings.Repeat("b", 17) + "..."},
	}
	for _, tt := range tests {
		if have := shorten(tt.in, 20); have != tt.want {
			t.Errorf("shorten(%q, 20): have %q, want %q", tt.in, have, tt.want)
		}
	}
}
