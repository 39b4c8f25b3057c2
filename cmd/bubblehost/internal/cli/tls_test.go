package cli_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/cli"
	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/testcert"
)

// httpsGet fetches url over a new connection that trusts the given
// certificates, and returns the status and the serial number of the
// certificate the server presented.
func httpsGet(t *testing.T, url string, trusted ...testcert.Pair) (int, string) {
	t.Helper()
	roots := x509.NewCertPool()
	for _, pair := range trusted {
		roots.AddCert(pair.Cert)
	}
	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig:   &tls.Config{RootCAs: roots},
			DisableKeepAlives: true, // every request makes a handshake
		},
	}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.TLS.PeerCertificates[0].SerialNumber.String()
}

func TestServeTLSRotatesCertificate(t *testing.T) {
	dir := t.TempDir()
	first := testcert.Write(t, dir, "server", "first")
	configPath := filepath.Join(dir, "bubblehost.yaml")
	content := `listen: 127.0.0.1:0
tls:
  cert_file: server.crt
  key_file: server.key
tenants:
  demo:
    secrets: [tls-secret]
`
	if err := os.WriteFile(configPath, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	serve := start(t, "serve", "--config", configPath, "--log-format", "json", "--data-dir", filepath.Join(dir, "data"))
	addr := listenAddress(t, serve, 30*time.Second)
	if line := logLine(serve.stderr.String(), "listening for webhooks", map[string]any{"https": true}); line == nil {
		t.Errorf("want the listening line to say https, have:\n%s", serve.stderr.String())
	}
	url := "https://" + addr + "/healthz"

	status, serial := httpsGet(t, url, first)
	if status != http.StatusOK || serial != first.Cert.SerialNumber.String() {
		t.Fatalf("before the rotation: have status %d, serial %s; want 200 and the first certificate's %s",
			status, serial, first.Cert.SerialNumber)
	}

	// Replace both files by renames, as a renewal tool or a Kubernetes
	// secret update does. The next handshake once the check interval has
	// passed presents the new certificate.
	second := testcert.Write(t, dir, "next", "second")
	for _, move := range [][2]string{{second.CertFile, first.CertFile}, {second.KeyFile, first.KeyFile}} {
		if err := os.Rename(move[0], move[1]); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(1100 * time.Millisecond) // the files are checked at most once a second
	status, serial = httpsGet(t, url, first, second)
	if status != http.StatusOK || serial != second.Cert.SerialNumber.String() {
		t.Errorf("after the rotation: have status %d, serial %s; want 200 and the second certificate's %s",
			status, serial, second.Cert.SerialNumber)
	}
	if logLine(serve.stderr.String(), "certificate reloaded", nil) == nil {
		t.Errorf("want a log line for the reload, have:\n%s", serve.stderr.String())
	}

	// A client that trusts only the old certificate now fails.
	roots := x509.NewCertPool()
	roots.AddCert(first.Cert)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	if resp, err := client.Get(url); err == nil {
		resp.Body.Close()
		t.Errorf("a client trusting only the first certificate connected after the rotation")
	}

	if code := serve.stop(t); code != cli.ExitOK {
		t.Errorf("want exit %d after the context ends, have %d", cli.ExitOK, code)
	}
}

func TestServeTLSInvalidPairStopsStart(t *testing.T) {
	dir := t.TempDir()
	testcert.Write(t, dir, "server", "server")
	testcert.Write(t, dir, "other", "other")
	configPath := filepath.Join(dir, "bubblehost.yaml")
	content := "listen: 127.0.0.1:0\ntls: {cert_file: server.crt, key_file: other.key}\ntenants:\n  demo:\n    secrets: [s]\n"
	if err := os.WriteFile(configPath, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	have := run(t, nil, "", "serve", "--config", configPath)
	if have.code != cli.ExitUsage {
		t.Errorf("exit: have %d, want %d", have.code, cli.ExitUsage)
	}
	if want := "tls.cert_file: cannot load the certificate with the private key of tls.key_file"; !strings.Contains(have.stderr, want) {
		t.Errorf("stderr: have %q, want it to contain %q", have.stderr, want)
	}
}
