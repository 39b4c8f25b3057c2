package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/config"
)

// FuzzLoad checks that any file and environment value either loads or
// fails with config.Errors, never a panic or another error type, and that
// a secret value never reaches the error text.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(fullFile), "2s")
	f.Add([]byte(validTenant), "1MiB")
	f.Add([]byte("tenants:\n  demo:\n    plugin:\n      x: {config: [1, {2: 3}]}\n"), "{a: [b]}")
	f.Add([]byte("tenants: {demo: null}\nlog: [1]\n"), "")
	f.Add([]byte("- 1\n"), ",")
	f.Add([]byte("admin: {listen: 127.0.0.1:8081}\ntls: {acme: {domains: [a.example.com]}}\n"), "a.example.com")

	f.Fuzz(func(t *testing.T, file []byte, envValue string) {
		if strings.ContainsRune(envValue, 0) {
			t.Skip("environment values cannot contain NUL")
		}
		path := filepath.Join(t.TempDir(), "bubblehost.yaml")
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		const secret = "fuzz-secret-value"
		env := []string{
			"BUBBLEHOST_TENANTS__DEMO__DEADLINE=" + envValue,
			"BUBBLEHOST_TENANTS__DEMO__PLUGIN__X__CONFIG=" + envValue,
			"BUBBLEHOST_TENANTS__FUZZ__TOKEN=" + secret,
			"BUBBLEHOST_TENANTS__FUZZ__SECRETS=" + secret + "," + envValue,
			"BUBBLEHOST_ADMIN__TOKEN=" + secret,
			"BUBBLEHOST_TLS__ACME__DOMAINS=" + envValue,
		}

		_, _, err := config.Load(path, env, nil)
		if err == nil {
			return
		}
		var errs config.Errors
		if !errors.As(err, &errs) {
			t.Fatalf("want config.Errors, have %T: %v", err, err)
		}
		if len(errs) == 0 {
			t.Fatal("want at least one error in a non-nil Errors")
		}
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error text contains the secret:\n%v", err)
		}
	})
}
