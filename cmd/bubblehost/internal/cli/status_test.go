package cli_test

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/cli"
)

// tableRows returns the lines of a table, each split into its columns at
// runs of two or more spaces.
func tableRows(out string) [][]string {
	var rows [][]string
	for line := range strings.Lines(strings.TrimSpace(out)) {
		rows = append(rows, regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1))
	}
	return rows
}

func TestStatusAndPluginsCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the probe plugin")
	}
	h := startOperateHost(t, operateOptions{probe: true})

	// status: one row per tenant.
	status := h.admin(t, nil, "status")
	if status.code != cli.ExitOK {
		t.Fatalf("status: have exit %d, want %d; stderr:\n%s", status.code, cli.ExitOK, status.stderr)
	}
	rows := tableRows(status.stdout)
	wantStatus := [][]string{
		{"TENANT", "SIGNATURE", "DRY RUN", "QUEUED", "PLUGINS OK/TOTAL"},
		{"demo", "required", "yes", "0", "1/2"},
	}
	if !equalRows(rows, wantStatus) {
		t.Errorf("status table:\nhave %q\nwant %q", rows, wantStatus)
	}

	// status --json: the admin API's response.
	raw := h.admin(t, nil, "status", "--json")
	var list struct {
		Tenants []struct {
			ID string `json:"id"`
		} `json:"tenants"`
	}
	if err := json.Unmarshal([]byte(raw.stdout), &list); err != nil || len(list.Tenants) != 1 || list.Tenants[0].ID != "demo" {
		t.Errorf("status --json: have %q (decode error %v), want the tenants as JSON", raw.stdout, err)
	}

	// plugins: one row per file, the broken one with its error.
	plugins := h.admin(t, nil, "plugins")
	if plugins.code != cli.ExitOK {
		t.Fatalf("plugins: have exit %d; stderr:\n%s", plugins.code, plugins.stderr)
	}
	rows = tableRows(plugins.stdout)
	if len(rows) != 3 {
		t.Fatalf("plugins table: have %d lines, want a header and 2 rows:\n%s", len(rows), plugins.stdout)
	}
	if want := []string{"TENANT", "PLUGIN", "VERSION", "STATUS", "SHA256", "FILE", "LAST ERROR"}; !equalRow(rows[0], want) {
		t.Errorf("plugins header: have %q, want %q", rows[0], want)
	}
	broken, probe := rows[1], rows[2]
	if len(broken) != 7 || broken[1] != "-" || broken[3] != "error" || broken[5] != "broken.wasm" || len(broken[4]) != 12 {
		t.Errorf("broken.wasm row: have %q, want no plugin, status error, a 12-character hash", broken)
	}
	if len(broken) == 7 && (len([]rune(broken[6])) > 60 || strings.Contains(broken[6], "\n")) {
		t.Errorf("last error: have %q, want one line of at most 60 characters", broken[6])
	}
	if want := []string{"demo", "probe", "1.0.0", "ok"}; len(probe) < 4 || !equalRow(probe[:4], want) {
		t.Errorf("probe row: have %q, want it to start with %q", probe, want)
	}

	// pause and resume, seen in the list.
	paused := h.admin(t, nil, "plugins", "pause", "demo", "probe")
	if paused.code != cli.ExitOK || strings.TrimSpace(paused.stdout) != "paused plugin probe of tenant demo" {
		t.Errorf("plugins pause: have exit %d, output %q, stderr %q", paused.code, paused.stdout, paused.stderr)
	}
	if rows := tableRows(h.admin(t, nil, "plugins", "--tenant", "demo").stdout); len(rows) != 3 || rows[2][3] != "paused" {
		t.Errorf("plugins after pause: have %q, want probe paused", rows)
	}
	resumed := h.admin(t, nil, "plugins", "resume", "demo", "probe")
	if resumed.code != cli.ExitOK || strings.TrimSpace(resumed.stdout) != "resumed plugin probe of tenant demo" {
		t.Errorf("plugins resume: have exit %d, output %q, stderr %q", resumed.code, resumed.stdout, resumed.stderr)
	}
	if rows := tableRows(h.admin(t, nil, "plugins").stdout); len(rows) != 3 || rows[2][3] != "ok" {
		t.Errorf("plugins after resume: have %q, want probe ok", rows)
	}

	// Chinese headers and messages.
	zh := []string{"LANG=zh_CN.UTF-8"}
	if have := h.admin(t, zh, "status").stdout; !strings.Contains(have, "签名") || !strings.Contains(have, "是") {
		t.Errorf("status in Chinese: have\n%s\nwant Chinese headers and 是 for the dry run", have)
	}
	if have := h.admin(t, zh, "plugins", "pause", "demo", "probe").stdout; !strings.Contains(have, "已暂停 tenant demo 的 plugin probe") {
		t.Errorf("plugins pause in Chinese: have %q", have)
	}
	if have := h.admin(t, zh, "plugins", "pause", "demo", "nope"); have.code != cli.ExitFailure || !strings.Contains(have.stderr, "admin API 的响应状态为 404") {
		t.Errorf("unknown plugin in Chinese: have exit %d, stderr %q", have.code, have.stderr)
	}
}

func TestReloadCommand(t *testing.T) {
	h := startOperateHost(t, operateOptions{})

	done := h.admin(t, nil, "reload")
	if done.code != cli.ExitOK || strings.TrimSpace(done.stdout) != "reloaded the configuration and scanned the plugin folders" {
		t.Errorf("reload: have exit %d, output %q, stderr %q", done.code, done.stdout, done.stderr)
	}

	// A tenant added to the file is served after the reload.
	content, err := os.ReadFile(h.configPath)
	if err != nil {
		t.Fatal(err)
	}
	added := string(content) + "  extra:\n    signature: off\n"
	if err := os.WriteFile(h.configPath, []byte(added), 0o600); err != nil {
		t.Fatal(err)
	}
	if done := h.admin(t, nil, "reload"); done.code != cli.ExitOK {
		t.Fatalf("reload after adding a tenant: have exit %d, stderr %q", done.code, done.stderr)
	}
	if rows := tableRows(h.admin(t, nil, "status").stdout); len(rows) != 3 || rows[1][0] != "demo" || rows[2][0] != "extra" {
		t.Errorf("status after the reload: have %q, want demo and extra", rows)
	}

	// An invalid file is rejected whole, and reload prints the key at fault.
	invalid := string(content) + "  extra:\n    signature: sometimes\n"
	if err := os.WriteFile(h.configPath, []byte(invalid), 0o600); err != nil {
		t.Fatal(err)
	}
	failed := h.admin(t, nil, "reload")
	if failed.code != cli.ExitFailure {
		t.Errorf("reload of an invalid file: have exit %d, want %d", failed.code, cli.ExitFailure)
	}
	if !strings.Contains(failed.stderr, "422") || !strings.Contains(failed.stderr, "tenants.extra.signature") {
		t.Errorf("reload of an invalid file: have stderr %q, want 422 and the key", failed.stderr)
	}
	if rows := tableRows(h.admin(t, nil, "status").stdout); len(rows) != 3 {
		t.Errorf("status after the rejected reload: have %q, want both tenants still served", rows)
	}
}

func TestAdminCommandErrors(t *testing.T) {
	h := startOperateHost(t, operateOptions{})
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(operateAdminToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyFile := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(emptyFile, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + closed.Addr().String()
	closed.Close()

	tests := []struct {
		name     string
		env      []string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"token file", nil, []string{"status", "--admin", h.adminURL, "--token-file", tokenFile}, cli.ExitOK, "demo"},
		{"token flag", nil, []string{"status", "--admin", h.adminURL, "--token", operateAdminToken}, cli.ExitOK, "demo"},
		{"token from env", []string{"BUBBLEHOST_ADMIN_TOKEN=" + operateAdminToken}, []string{"status", "--admin", h.adminURL}, cli.ExitOK, "demo"},
		{"no token", nil, []string{"status", "--admin", h.adminURL}, cli.ExitUsage, "no admin token given"},
		{"both token flags", nil, []string{"status", "--admin", h.adminURL, "--token", "x", "--token-file", tokenFile}, cli.ExitUsage, "cannot be used together"},
		{"empty token file", nil, []string{"status", "--admin", h.adminURL, "--token-file", emptyFile}, cli.ExitUsage, "is empty"},
		{"missing token file", nil, []string{"status", "--admin", h.adminURL, "--token-file", emptyFile + ".none"}, cli.ExitUsage, "cannot read the token file"},
		{"wrong token", nil, []string{"status", "--admin", h.adminURL, "--token", "wrong-token-value-123"}, cli.ExitFailure, "rejected the token"},
		{"unreachable", nil, []string{"status", "--admin", closedURL, "--token", "x"}, cli.ExitFailure, "cannot reach the admin API at " + closedURL},
		{"bad url", nil, []string{"status", "--admin", "127.0.0.1:8081", "--token", "x"}, cli.ExitUsage, "invalid --admin"},
		{"bad timeout", nil, []string{"reload", "--admin", h.adminURL, "--token", "x", "--timeout", "0s"}, cli.ExitUsage, "invalid --timeout"},
		{"status argument", nil, []string{"status", "demo", "--token", "x"}, cli.ExitUsage, "too many arguments: demo"},
		{"reload argument", nil, []string{"reload", "now", "--token", "x"}, cli.ExitUsage, "too many arguments: now"},
		{"plugins unknown action", nil, []string{"plugins", "stop", "demo", "probe", "--token", "x"}, cli.ExitUsage, `unknown plugins action "stop"`},
		{"plugins pause without plugin", nil, []string{"plugins", "pause", "demo", "--token", "x"}, cli.ExitUsage, "missing TENANT PLUGIN"},
		{"plugins pause extra", nil, []string{"plugins", "pause", "demo", "probe", "more", "--token", "x"}, cli.ExitUsage, "too many arguments: more"},
		{"unknown tenant", nil, []string{"plugins", "--tenant", "nobody", "--admin", h.adminURL, "--token", operateAdminToken}, cli.ExitFailure, `no tenant "nobody"`},
		{"unknown plugin", nil, []string{"plugins", "pause", "demo", "nope", "--admin", h.adminURL, "--token", operateAdminToken}, cli.ExitFailure, "404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have := run(t, tt.env, "", tt.args...)
			if have.code != tt.wantCode {
				t.Errorf("exit: have %d, want %d; stdout %q, stderr %q", have.code, tt.wantCode, have.stdout, have.stderr)
			}
			if output := have.stdout + have.stderr; !strings.Contains(output, tt.wantOut) {
				t.Errorf("output: have stdout %q, stderr %q, want %q", have.stdout, have.stderr, tt.wantOut)
			}
			if strings.Contains(have.stdout+have.stderr, operateAdminToken) {
				t.Errorf("output contains the admin token")
			}
		})
	}
}

func TestServeLogLevelChangesAtRunTime(t *testing.T) {
	h := startOperateHost(t, operateOptions{})
	accepted := func() bool {
		return logLine(h.stderr.String(), "accepted event", map[string]any{"tenant": "demo"}) != nil
	}

	if status, _ := postWebhook(t, h.webhookURL, operateSecret, messageBody(1, "hello")); status != http.StatusOK {
		t.Fatalf("webhook: have status %d, want 200", status)
	}
	time.Sleep(50 * time.Millisecond)
	if accepted() {
		t.Fatalf("a debug line was logged at level info:\n%s", h.stderr.String())
	}

	if have := adminRequest(t, http.MethodPut, h.adminURL+"/v1/log/level", `{"level":"debug"}`); have != http.StatusOK {
		t.Fatalf("PUT /v1/log/level: have status %d, want 200", have)
	}
	if status, _ := postWebhook(t, h.webhookURL, operateSecret, messageBody(2, "hello again")); status != http.StatusOK {
		t.Fatalf("webhook: have status %d, want 200", status)
	}
	waitFor(t, 5*time.Second, "the debug line", accepted)
}

func equalRows(have, want [][]string) bool {
	if len(have) != len(want) {
		return false
	}
	for i := range have {
		if !equalRow(have[i], want[i]) {
			return false
		}
	}
	return true
}

func equalRow(have, want []string) bool {
	return strings.Join(have, "\x00") == strings.Join(want, "\x00")
}

func TestServeAdminListenFails(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	configPath := filepath.Join(dir, "bubblehost.yaml")
	content := "listen: 127.0.0.1:0\nadmin: {listen: \"" + busy.Addr().String() + "\", token: " + operateAdminToken + "}\n" +
		"tenants:\n  demo:\n    secrets: [s]\n"
	if err := os.WriteFile(configPath, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	have := run(t, nil, "", "serve", "--config", configPath, "--log-format", "json", "--data-dir", filepath.Join(dir, "data"))
	if have.code != cli.ExitFailure {
		t.Errorf("exit: have %d, want %d", have.code, cli.ExitFailure)
	}
	if logLine(have.stderr, "cannot listen for admin requests", map[string]any{"admin_listen": busy.Addr().String()}) == nil {
		t.Errorf("want a log line naming the busy admin address, have:\n%s", have.stderr)
	}
}
