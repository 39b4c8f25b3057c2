package cli_test

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/cli"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// Distinctive values that must never show up in the command's output.
const (
	cliLeakSecret     = "cli-leak-secret-Vn4z"
	cliLeakToken      = "cli-leak-token-Pq7d"
	cliLeakAdminToken = "cli-leak-admin-token-Lx2w"
)

// assertNoLeak fails the test when output holds one of the distinctive
// values, or its hex or base64 form.
func assertNoLeak(t *testing.T, label, output string) {
	t.Helper()
	for _, value := range []string{cliLeakSecret, cliLeakToken, cliLeakAdminToken} {
		for _, form := range []string{
			value,
			hex.EncodeToString([]byte(value)),
			base64.StdEncoding.EncodeToString([]byte(value)),
			base64.RawURLEncoding.EncodeToString([]byte(value)),
		} {
			if i := strings.Index(output, form); i >= 0 {
				t.Errorf("%s contains %q (a form of %q):\n...%s...", label, form, value,
					output[max(0, i-200):min(len(output), i+len(form)+50)])
			}
		}
	}
}

func TestConfigErrorsHideSecrets(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     []string
		wantKey string
	}{
		{
			name:    "empty secret next to a secret",
			file:    "tenants:\n  demo:\n    secrets: [\"\", " + cliLeakSecret + "]\n",
			wantKey: "tenants.demo.secrets[0]",
		},
		{
			name:    "token of the wrong type",
			file:    "tenants:\n  demo:\n    secrets: [" + cliLeakSecret + "]\n    token: [" + cliLeakToken + "]\n",
			wantKey: "tenants.demo.token",
		},
		{
			name:    "token under a misspelt key",
			file:    "tenants:\n  demo:\n    secrets: [s]\n    tokne: " + cliLeakToken + "\n",
			wantKey: "tenants.demo.tokne",
		},
		{
			name:    "token inside the API URL",
			file:    "tenants:\n  demo:\n    secrets: [s]\n    api_base: \"ftp://bot:" + cliLeakToken + "@api.example.com/v1\"\n",
			wantKey: "tenants.demo.api_base",
		},
		{
			name:    "token as the whole API URL user",
			file:    "tenants:\n  demo:\n    secrets: [s]\n    api_base: \"" + cliLeakToken + "@api.example.com\"\n",
			wantKey: "tenants.demo.api_base",
		},
		{
			name:    "admin token too short",
			file:    "admin: {listen: 127.0.0.1:8081, token: " + cliLeakAdminToken[:15] + "}\ntenants:\n  demo:\n    secrets: [s]\n",
			wantKey: "admin.token",
		},
		{
			name:    "admin token and token file",
			file:    "admin: {listen: 127.0.0.1:8081, token: " + cliLeakAdminToken + ", token_file: admin.token}\ntenants:\n  demo:\n    secrets: [s]\n",
			wantKey: "admin.token_file",
		},
		{
			name:    "secret on a line with broken YAML",
			file:    "tenants:\n  demo:\n    secrets: [" + cliLeakSecret + "\n    token: " + cliLeakToken + "\n",
			wantKey: "",
		},
		{
			name:    "token file is a folder",
			file:    "tenants:\n  demo:\n    secrets: [" + cliLeakSecret + "]\n    token_file: .\n",
			wantKey: "tenants.demo.token_file",
		},
		{
			name:    "environment secret list with an empty entry",
			file:    "tenants:\n  demo:\n    signature: off\n",
			env:     []string{"BUBBLEHOST_TENANTS__DEMO__SECRETS=" + cliLeakSecret + ",", "BUBBLEHOST_TENANTS__DEMO__TOKEN=" + cliLeakToken},
			wantKey: "tenants.demo.secrets[1]",
		},
		{
			name:    "environment admin token too short",
			file:    "tenants:\n  demo:\n    secrets: [s]\n",
			env:     []string{"BUBBLEHOST_ADMIN__LISTEN=127.0.0.1:8081", "BUBBLEHOST_ADMIN__TOKEN=" + cliLeakAdminToken[:12]},
			wantKey: "admin.token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "admin.token"), []byte(cliLeakAdminToken), 0o600); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "bubblehost.yaml")
			if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, lang := range []string{"LANG=C", "LANG=zh_CN.UTF-8"} {
				have := run(t, append([]string{lang}, tt.env...), "", "serve", "--config", path)
				if have.code != cli.ExitUsage {
					t.Errorf("%s: exit %d, want %d; stderr:\n%s", lang, have.code, cli.ExitUsage, have.stderr)
				}
				if !strings.Contains(have.stderr, tt.wantKey) {
					t.Errorf("%s: stderr does not name %q:\n%s", lang, tt.wantKey, have.stderr)
				}
				assertNoLeak(t, lang+" stderr", have.stderr+have.stdout)
			}
		})
	}
}

func TestServeSessionHidesSecrets(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the probe plugin")
	}
	requireGo(t)

	// A platform API that fails every request, whatever the token.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":{"code":"UNAUTHORIZED","message":"invalid token"}}`)
	}))
	t.Cleanup(api.Close)

	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	if err := os.MkdirAll(pluginDir, 0o755); err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(wasmtest.Build(t, probePlugin))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"plugins/probe.wasm": string(wasm),
		"admin.token":        cliLeakAdminToken + "\n",
		"bot.token":          cliLeakToken + "\n",
		"webhook.secrets":    "# current\n" + cliLeakSecret + "\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	configPath := filepath.Join(dir, "bubblehost.yaml")
	config := fmt.Sprintf(`listen: 127.0.0.1:0
cache_dir: %s
shutdown_timeout: 1s
log: {level: debug}
admin: {listen: 127.0.0.1:0, token_file: admin.token}
tenants:
  demo:
    secrets_file: webhook.secrets
    token_file: bot.token
    api_base: %s
    plugins: plugins
`, wasmtest.CacheDir(t), api.URL)
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	serve := start(t, "serve", "--config", configPath, "--log-format", "json", "--data-dir", filepath.Join(dir, "data"))
	addr := listenAddress(t, serve, 2*time.Minute)
	var adminLine map[string]any
	waitFor(t, 10*time.Second, "the admin listening line", func() bool {
		adminLine = logLine(serve.stderr.String(), "listening for admin requests", nil)
		return adminLine != nil
	})
	adminURL := "http://" + adminLine["addr"].(string)
	webhookURL := "http://" + addr + "/webhook/demo"

	var outputs []string
	record := func(label string, r result) result {
		outputs = append(outputs, label+": "+r.stdout+r.stderr)
		return r
	}
	record("send good", run(t, nil, "", "send", "--url", webhookURL, "--secret", cliLeakSecret, "--content", "!echo hello"))
	record("send wrong secret", run(t, nil, "", "send", "--url", webhookURL, "--secret", "x"+cliLeakSecret, "--content", "!echo no"))
	record("send unsigned", run(t, nil, "", "send", "--url", webhookURL, "--unsigned", "--content", "!echo no"))
	record("send failing plugin", run(t, nil, "", "send", "--url", webhookURL, "--secret", cliLeakSecret, "--content", "!fail"))
	adminEnv := []string{"BUBBLEHOST_ADMIN_TOKEN=" + cliLeakAdminToken}
	for _, args := range [][]string{{"status"}, {"status", "--json"}, {"plugins"}, {"plugins", "--json"}, {"reload"},
		{"plugins", "pause", "demo", "probe"}, {"plugins", "resume", "demo", "probe", "--json"}} {
		have := record(strings.Join(args, " "), run(t, adminEnv, "", append(args, "--admin", adminURL)...))
		if have.code != cli.ExitOK {
			t.Errorf("%s: exit %d, stderr %q", strings.Join(args, " "), have.code, have.stderr)
		}
	}
	record("status wrong token", run(t, nil, "", "status", "--admin", adminURL, "--token", cliLeakToken))
	record("status secret as token", run(t, nil, "", "status", "--admin", adminURL, "--token", cliLeakSecret))

	// A rotated bot token in the file, applied by a reload, and a file
	// that is then broken next to the secret.
	if err := os.WriteFile(filepath.Join(dir, "bot.token"), []byte(cliLeakToken+"-2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	record("reload rotated", run(t, adminEnv, "", "reload", "--admin", adminURL))
	broken := strings.Replace(config, "token_file: bot.token", "token: ["+cliLeakToken+"]", 1)
	if err := os.WriteFile(configPath, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	if have := record("reload broken", run(t, adminEnv, "", "reload", "--admin", adminURL)); have.code != cli.ExitFailure {
		t.Errorf("reload of a broken file: exit %d, want %d", have.code, cli.ExitFailure)
	}

	waitFor(t, 10*time.Second, "the failed action", func() bool {
		return logLine(serve.stderr.String(), "action failed", nil) != nil
	})
	serve.stop(t)

	logs := serve.stderr.String()
	for _, message := range []string{"rejected webhook with a bad signature; further rejections are logged at most every 10s",
		"rejected admin request without a valid token; further rejections are logged at most every 10s",
		"action failed", "plugin call failed", "configuration reload rejected; the running configuration stays"} {
		if logLine(logs, message, nil) == nil {
			t.Errorf("the session logged no %q line, so it did not cover that path", message)
		}
	}
	assertNoLeak(t, "serve log", logs)
	assertNoLeak(t, "command output", strings.Join(outputs, "\n"))
}
