package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/cli"
	"github.com/bubblehost/bubblehost/cmd/bubblehost/samples"
)

// knownSignature is the signature of the MESSAGE_CREATE sample under the
// secret s3cret, computed independently of this code.
const knownSignature = "sha256=d9f1cb393afc3d4b28a42b38425c877a7156f9f6651cc5bdb363dd3ed1dcbb0c"

func TestSignKnownVector(t *testing.T) {
	body, ok := samples.Get("MESSAGE_CREATE")
	if !ok {
		t.Fatal("no MESSAGE_CREATE sample")
	}
	dir := t.TempDir()
	bodyPath := filepath.Join(dir, "event.json")
	secretPath := filepath.Join(dir, "secret")
	if err := os.WriteFile(bodyPath, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(secretPath, []byte("# test secret\ns3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		env   []string
		stdin string
		args  []string
	}{
		{"file argument", nil, "", []string{"sign", "--secret", "s3cret", bodyPath}},
		{"stdin dash", nil, string(body), []string{"sign", "--secret", "s3cret", "-"}},
		{"stdin without argument", nil, string(body), []string{"sign", "--secret=s3cret"}},
		{"secret from environment", []string{"BUBBLEHOST_SECRET=s3cret"}, "", []string{"sign", bodyPath}},
		{"secret file", nil, "", []string{"sign", "--secret-file", secretPath, bodyPath}},
		{"flag before environment", []string{"BUBBLEHOST_SECRET=other"}, "", []string{"sign", "--secret", "s3cret", bodyPath}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have := run(t, tt.env, tt.stdin, tt.args...)
			if have.code != cli.ExitOK {
				t.Fatalf("want exit %d, have %d, stderr:\n%s", cli.ExitOK, have.code, have.stderr)
			}
			if have.stdout != knownSignature+"\n" {
				t.Errorf("want %q, have %q", knownSignature+"\n", have.stdout)
			}
		})
	}
}

func TestSignKeepsFinalNewline(t *testing.T) {
	without := run(t, nil, "{}", "sign", "--secret", "k")
	with := run(t, nil, "{}\n", "sign", "--secret", "k")
	if without.code != cli.ExitOK || with.code != cli.ExitOK {
		t.Fatalf("want exit 0 twice, have %d and %d", without.code, with.code)
	}
	if without.stdout == with.stdout {
		t.Errorf("want different signatures for {} and {}\\n, have %q for both", with.stdout)
	}
}

func TestSignErrors(t *testing.T) {
	dir := t.TempDir()
	emptySecret := filepath.Join(dir, "empty")
	if err := os.WriteFile(emptySecret, []byte("# nothing\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"no secret", []string{"sign"}, cli.ExitUsage, "no secret given"},
		{"empty secret", []string{"sign", "--secret", ""}, cli.ExitUsage, "no secret given"},
		{"both secret flags", []string{"sign", "--secret", "a", "--secret-file", emptySecret}, cli.ExitUsage,
			"--secret and --secret-file cannot be used together"},
		{"secret file without secret", []string{"sign", "--secret-file", emptySecret}, cli.ExitUsage,
			"contains no secret"},
		{"secret file missing", []string{"sign", "--secret-file", filepath.Join(dir, "missing")}, cli.ExitUsage,
			"cannot read the secret file"},
		{"body file missing", []string{"sign", "--secret", "a", filepath.Join(dir, "missing.json")}, cli.ExitFailure,
			"missing.json: no such file or directory"},
		{"two files", []string{"sign", "--secret", "a", "x", "y"}, cli.ExitUsage, "too many arguments: y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have := run(t, nil, "", tt.args...)
			if have.code != tt.wantCode {
				t.Errorf("want exit %d, have %d", tt.wantCode, have.code)
			}
			if !strings.Contains(have.stderr, tt.wantStderr) {
				t.Errorf("want stderr containing %q, have:\n%s", tt.wantStderr, have.stderr)
			}
			if have.stdout != "" {
				t.Errorf("want no output, have %q", have.stdout)
			}
		})
	}
}
