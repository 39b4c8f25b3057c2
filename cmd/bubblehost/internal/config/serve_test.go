package config_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/config"
	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/testcert"
)

const adminTestToken = "admin-token-0123456789"

func TestLoadSettingsAdminAndTLSFiles(t *testing.T) {
	dir := t.TempDir()
	pair := testcert.Write(t, dir, "server", "first")
	writeFile(t, dir, "admin.token", "\n  "+adminTestToken+"  \n")
	path := writeFile(t, dir, "bubblehost.yaml", validTenant+`admin:
  listen: 127.0.0.1:8081
  token_file: admin.token
tls:
  cert_file: server.crt
  key_file: server.key
`)

	settings, err := config.LoadSettings(path, nil, nil)
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}
	wantAdmin := config.AdminConfig{Listen: "127.0.0.1:8081", Token: adminTestToken}
	if settings.Admin != wantAdmin {
		t.Errorf("admin: have %+v, want %+v", settings.Admin, wantAdmin)
	}
	wantTLS := config.TLSConfig{CertFile: pair.CertFile, KeyFile: pair.KeyFile}
	if !reflect.DeepEqual(settings.TLS, wantTLS) {
		t.Errorf("tls: have %+v, want %+v", settings.TLS, wantTLS)
	}
	if !settings.TLS.Enabled() {
		t.Errorf("tls.Enabled: have false, want true")
	}
	if settings.Host.Tenants["demo"].Secrets[0] != "s" {
		t.Errorf("host configuration: have %+v, want the demo tenant", settings.Host)
	}
}

func TestLoadSettingsDefaultsOff(t *testing.T) {
	path := writeFile(t, t.TempDir(), "bubblehost.yaml", validTenant)

	settings, err := config.LoadSettings(path, nil, nil)
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}
	if settings.Admin != (config.AdminConfig{}) {
		t.Errorf("admin: have %+v, want the zero value (off)", settings.Admin)
	}
	if settings.TLS.Enabled() {
		t.Errorf("tls: have %+v, want off", settings.TLS)
	}
}

func TestLoadSettingsACME(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "bubblehost.yaml", validTenant+`data_dir: state
tls:
  acme:
    domains: [Bot.Example.com, "hooks.example.org."]
    email: ops@example.com
    http_listen: ":80"
    directory_url: https://acme-staging-v02.api.letsencrypt.org/directory
`)

	settings, err := config.LoadSettings(path, nil, nil)
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}
	want := &config.ACMEConfig{
		Domains:      []string{"bot.example.com", "hooks.example.org"},
		Email:        "ops@example.com",
		CacheDir:     filepath.Join(dir, "state", "acme"),
		HTTPListen:   ":80",
		DirectoryURL: "https://acme-staging-v02.api.letsencrypt.org/directory",
	}
	if !reflect.DeepEqual(settings.TLS.ACME, want) {
		t.Errorf("tls.acme:\nhave %+v\nwant %+v", settings.TLS.ACME, want)
	}
	if !settings.TLS.Enabled() {
		t.Errorf("tls.Enabled: have false, want true")
	}
}

func TestLoadSettingsFromEnv(t *testing.T) {
	env := []string{
		"BUBBLEHOST_TENANTS__DEMO__SECRETS=s",
		"BUBBLEHOST_ADMIN__LISTEN=127.0.0.1:9091",
		"BUBBLEHOST_ADMIN__TOKEN=" + adminTestToken,
		"BUBBLEHOST_TLS__ACME__DOMAINS=a.example.com, b.example.com",
		"BUBBLEHOST_TLS__ACME__CACHE_DIR=certs",
		// The admin clients' variable is not a configuration key.
		config.EnvAdminToken + "=some-other-token-value",
	}

	settings, err := config.LoadSettings("", env, nil)
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}
	if want := (config.AdminConfig{Listen: "127.0.0.1:9091", Token: adminTestToken}); settings.Admin != want {
		t.Errorf("admin: have %+v, want %+v", settings.Admin, want)
	}
	want := &config.ACMEConfig{Domains: []string{"a.example.com", "b.example.com"}, CacheDir: "certs"}
	if !reflect.DeepEqual(settings.TLS.ACME, want) {
		t.Errorf("tls.acme:\nhave %+v\nwant %+v", settings.TLS.ACME, want)
	}
}

func TestLoadSettingsErrors(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		env      []string
		wantKey  string
		wantText string
	}{
		{
			name:     "admin listen without token",
			file:     "admin: {listen: 127.0.0.1:8081}\n",
			wantKey:  "admin.token",
			wantText: "admin.listen is set and the admin API needs a token",
		},
		{
			name:     "admin token too short",
			file:     "admin: {listen: 127.0.0.1:8081, token: short-token}\n",
			wantKey:  "admin.token",
			wantText: "the admin token is 11 bytes long, expected at least 16",
		},
		{
			name:     "admin token file too short",
			file:     "admin: {listen: 127.0.0.1:8081, token_file: short.token}\n",
			wantKey:  "admin.token_file",
			wantText: "expected at least 16",
		},
		{
			name:     "admin token empty",
			file:     "admin: {listen: 127.0.0.1:8081, token: \" \"}\n",
			wantKey:  "admin.token",
			wantText: "empty value",
		},
		{
			name:     "admin token and token file",
			file:     "admin: {listen: 127.0.0.1:8081, token: " + adminTestToken + ", token_file: admin.token}\n",
			wantKey:  "admin.token_file",
			wantText: "cannot be set together with admin.token",
		},
		{
			name:     "admin token file empty",
			file:     "admin: {listen: 127.0.0.1:8081, token_file: empty.txt}\n",
			wantKey:  "admin.token_file",
			wantText: "is empty, expected the admin token",
		},
		{
			name:     "admin token file missing",
			file:     "admin: {listen: 127.0.0.1:8081, token_file: nowhere.token}\n",
			wantKey:  "admin.token_file",
			wantText: "cannot read the file",
		},
		{
			name:     "admin listen invalid",
			file:     "admin: {listen: localhost, token: " + adminTestToken + "}\n",
			wantKey:  "admin.listen",
			wantText: `invalid address "localhost"`,
		},
		{
			name:     "admin unknown key",
			file:     "admin: {listen: 127.0.0.1:8081, token: " + adminTestToken + ", tokne: x}\n",
			wantKey:  "admin.tokne",
			wantText: "Did you mean token?",
		},
		{
			name:     "admin not a mapping",
			file:     "admin: 127.0.0.1:8081\n",
			wantKey:  "admin",
			wantText: "expected a mapping",
		},
		{
			name:     "env admin token too short",
			env:      []string{"BUBBLEHOST_ADMIN__LISTEN=127.0.0.1:8081", "BUBBLEHOST_ADMIN__TOKEN=tiny"},
			wantKey:  "admin.token",
			wantText: "expected at least 16",
		},
		{
			name:     "tls cert without key",
			file:     "tls: {cert_file: server.crt}\n",
			wantKey:  "tls.key_file",
			wantText: "missing, but tls.cert_file is set",
		},
		{
			name:     "tls key without cert",
			file:     "tls: {key_file: server.key}\n",
			wantKey:  "tls.cert_file",
			wantText: "missing, but tls.key_file is set",
		},
		{
			name:     "tls cert not PEM",
			file:     "tls: {cert_file: token.txt, key_file: server.key}\n",
			wantKey:  "tls.cert_file",
			wantText: "cannot load the certificate with the private key of tls.key_file",
		},
		{
			name:     "tls key of another certificate",
			file:     "tls: {cert_file: server.crt, key_file: other.key}\n",
			wantKey:  "tls.cert_file",
			wantText: "private key does not match public key",
		},
		{
			name:     "tls cert missing",
			file:     "tls: {cert_file: nowhere.crt, key_file: server.key}\n",
			wantKey:  "tls.cert_file",
			wantText: "no such file",
		},
		{
			name:     "tls files and acme",
			file:     "tls: {cert_file: server.crt, key_file: server.key, acme: {domains: [bot.example.com]}}\n",
			wantKey:  "tls.acme",
			wantText: "cannot be set together with tls.cert_file, tls.key_file",
		},
		{
			name:     "tls unknown key",
			file:     "tls: {cert: server.crt}\n",
			wantKey:  "tls.cert",
			wantText: "unknown key",
		},
		{
			name:     "acme without domains",
			file:     "tls: {acme: {email: ops@example.com}}\n",
			wantKey:  "tls.acme.domains",
			wantText: "no domain given",
		},
		{
			name:     "acme empty domain list",
			file:     "tls: {acme: {domains: []}}\n",
			wantKey:  "tls.acme.domains",
			wantText: "no domain given",
		},
		{
			name:     "acme domain with scheme",
			file:     "tls: {acme: {domains: [\"https://bot.example.com\"]}}\n",
			wantKey:  "tls.acme.domains[0]",
			wantText: `invalid domain "https://bot.example.com"`,
		},
		{
			name:     "acme domain with port",
			file:     "tls: {acme: {domains: [bot.example.com, \"bot.example.com:443\"]}}\n",
			wantKey:  "tls.acme.domains[1]",
			wantText: "without scheme, port, path or wildcard",
		},
		{
			name:     "acme wildcard domain",
			file:     "tls: {acme: {domains: [\"*.example.com\"]}}\n",
			wantKey:  "tls.acme.domains[0]",
			wantText: `invalid domain "*.example.com"`,
		},
		{
			name:     "acme single-label domain",
			file:     "tls: {acme: {domains: [localhost]}}\n",
			wantKey:  "tls.acme.domains[0]",
			wantText: `invalid domain "localhost"`,
		},
		{
			name:     "acme IP address",
			file:     "tls: {acme: {domains: [192.0.2.10]}}\n",
			wantKey:  "tls.acme.domains[0]",
			wantText: `invalid domain "192.0.2.10"`,
		},
		{
			name:     "acme domain not a string",
			file:     "tls: {acme: {domains: [42]}}\n",
			wantKey:  "tls.acme.domains[0]",
			wantText: "expected a string",
		},
		{
			name:     "acme bad email",
			file:     "tls: {acme: {domains: [bot.example.com], email: ops}}\n",
			wantKey:  "tls.acme.email",
			wantText: `invalid email address "ops"`,
		},
		{
			name:     "acme bad http listen",
			file:     "tls: {acme: {domains: [bot.example.com], http_listen: \"80\"}}\n",
			wantKey:  "tls.acme.http_listen",
			wantText: `invalid address "80"`,
		},
		{
			name:     "acme bad directory url",
			file:     "tls: {acme: {domains: [bot.example.com], directory_url: \"acme.example.com/dir\"}}\n",
			wantKey:  "tls.acme.directory_url",
			wantText: "invalid URL",
		},
		{
			name:     "acme unknown key",
			file:     "tls: {acme: {domains: [bot.example.com], emails: [ops@example.com]}}\n",
			wantKey:  "tls.acme.emails",
			wantText: "Did you mean email?",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			testcert.Write(t, dir, "server", "server")
			testcert.Write(t, dir, "other", "other")
			writeFile(t, dir, "token.txt", "t\n")
			writeFile(t, dir, "empty.txt", " \n")
			writeFile(t, dir, "admin.token", adminTestToken+"\n")
			writeFile(t, dir, "short.token", "short\n")
			path := writeFile(t, dir, "bubblehost.yaml", validTenant+tt.file)

			_, err := config.LoadSettings(path, tt.env, nil)
			errs := loadErrors(t, err)
			if len(errs) != 1 {
				t.Fatalf("want 1 error, have %d:\n%v", len(errs), errs)
			}
			if errs[0].Key != tt.wantKey {
				t.Errorf("key: want %q, have %q", tt.wantKey, errs[0].Key)
			}
			text := errs[0].Error()
			if !strings.Contains(text, tt.wantText) {
				t.Errorf("want message containing %q, have %q", tt.wantText, text)
			}
			if !strings.Contains(text, tt.wantKey) {
				t.Errorf("want message naming %q, have %q", tt.wantKey, text)
			}
		})
	}
}

func TestLoadSettingsErrorsHideAdminToken(t *testing.T) {
	const token = "hidden-admin-tok"
	dir := t.TempDir()
	path := writeFile(t, dir, "bubblehost.yaml", validTenant+"admin: {listen: \"127.0.0.1:x\", token: ["+token+"]}\n")
	env := []string{"BUBBLEHOST_ADMIN__TOKEN=" + token[:10]}

	_, err := config.LoadSettings(path, env, nil)
	errs := loadErrors(t, err)
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		text := errs.Localize(i18n.Printer{Lang: lang})
		if strings.Contains(text, token[:10]) {
			t.Errorf("errors show the admin token:\n%s", text)
		}
	}
	if len(errs) != 2 {
		t.Errorf("want 2 errors (listen and the short token), have %d:\n%v", len(errs), errs)
	}
}

func TestLoadKeepsHostConfigWithAdmin(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "bubblehost.yaml", validTenant+"admin: {listen: 127.0.0.1:8081, token: "+adminTestToken+"}\n")

	cfg, _, err := config.Load(path, nil, nil)
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}
	settings, err := config.LoadSettings(path, nil, nil)
	if err != nil {
		t.Fatalf("want no error, have:\n%v", err)
	}
	if !reflect.DeepEqual(cfg, settings.Host) {
		t.Errorf("Load and LoadSettings disagree:\nLoad         %+v\nLoadSettings %+v", cfg, settings.Host)
	}
}
