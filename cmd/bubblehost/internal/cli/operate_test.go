package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/cli"
	"github.com/bubblehost/bubblehost/host/signature"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// Values of the host that operateHost starts.
const (
	operateSecret     = "operate-secret-8f2k"
	operateAdminToken = "operate-admin-token-3n9q"
)

// probePlugin is the repository's test plugin whose behaviour is chosen by
// the content of each message, such as "!spin 3000".
const probePlugin = "../../../../host/internal/testplugins/probe"

// operateHost is a serve command with the admin API on loopback.
type operateHost struct {
	*runningCommand
	dir        string
	configPath string
	webhookURL string // http://addr/webhook/demo
	adminURL   string
}

// operateOptions changes the host that startOperateHost starts.
type operateOptions struct {
	// extra is YAML appended to the configuration's top level.
	extra string
	// probe puts the probe plugin and an empty module, which the host
	// rejects for lacking the plugin ABI, into the plugin folder.
	probe bool
	// environ is added to the command's environment.
	environ []string
}

// startOperateHost starts "serve" with tenant demo (secret operateSecret),
// the admin API on a free loopback port with operateAdminToken, JSON logs
// and a shutdown timeout of 1s.
func startOperateHost(t *testing.T, opts operateOptions) *operateHost {
	t.Helper()
	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	if err := os.MkdirAll(pluginDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if opts.probe {
		requireGo(t)
		wasm, err := os.ReadFile(wasmtest.Build(t, probePlugin))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pluginDir, "probe.wasm"), wasm, 0o644); err != nil {
			t.Fatal(err)
		}
		empty := []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}
		if err := os.WriteFile(filepath.Join(pluginDir, "broken.wasm"), empty, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "admin.token"), []byte(operateAdminToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	configPath := filepath.Join(dir, "bubblehost.yaml")
	content := fmt.Sprintf(`listen: 127.0.0.1:0
cache_dir: %s
shutdown_timeout: 1s
admin:
  listen: 127.0.0.1:0
  token_file: admin.token
tenants:
  demo:
    secrets: [%s]
    plugins: plugins
    deadline: 10s
%s`, wasmtest.CacheDir(t), operateSecret, opts.extra)
	if err := os.WriteFile(configPath, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	serve := startWithEnv(t, opts.environ, "serve", "--config", configPath, "--log-format", "json",
		"--data-dir", filepath.Join(dir, "data"))
	addr := listenAddress(t, serve, 2*time.Minute)
	var admin map[string]any
	waitFor(t, 10*time.Second, "the admin listening line", func() bool {
		admin = logLine(serve.stderr.String(), "listening for admin requests", nil)
		return admin != nil
	})
	return &operateHost{
		runningCommand: serve,
		dir:            dir,
		configPath:     configPath,
		webhookURL:     "http://" + addr + "/webhook/demo",
		adminURL:       "http://" + admin["addr"].(string),
	}
}

// admin runs an admin command against the host with the token from the
// environment and returns its result.
func (h *operateHost) admin(t *testing.T, env []string, args ...string) result {
	t.Helper()
	args = append(args, "--admin", h.adminURL)
	return run(t, append([]string{"BUBBLEHOST_ADMIN_TOKEN=" + operateAdminToken}, env...), "", args...)
}

// messageBody returns a MESSAGE_CREATE body with the given content.
func messageBody(id int, content string) []byte {
	return fmt.Appendf(nil, `{"type":"MESSAGE_CREATE","data":{"id":%d,"channelId":5,"guildId":3,"content":%q,"author":{"id":7,"name":"alice"}}}`, id, content)
}

// postWebhook posts body signed with secret, or unsigned when secret is
// empty, and returns the status and the response body.
func postWebhook(t *testing.T, url, secret string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Bubble-Event", "MESSAGE_CREATE")
	if secret != "" {
		req.Header.Set("X-Bubble-Signature", signature.Sign([]byte(secret), body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("posting a webhook: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// adminRequest sends one request to the admin API with the token and
// returns the status.
func adminRequest(t *testing.T, method, url, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+operateAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// startWithEnv starts the command as start does, with env added to its
// environment.
func startWithEnv(t *testing.T, env []string, args ...string) *runningCommand {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := &runningCommand{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		c.done <- cli.Run(ctx, cli.Env{
			Args:    args,
			Stdin:   strings.NewReader(""),
			Stdout:  c.stdout,
			Stderr:  c.stderr,
			Environ: append(append(testEnviron(), "LANG=C"), env...),
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-c.done:
		case <-time.After(30 * time.Second):
			t.Error("command did not stop within 30s of its context ending")
		}
	})
	return c
}
