package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/cli"
)

// syncBuffer is a bytes.Buffer that a running command and a test can use
// at the same time.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// result is what one run of the command returned and printed.
type result struct {
	code   int
	stdout string
	stderr string
}

// run runs the command with args, the given extra environment on top of
// the test process's, and stdin.
func run(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr syncBuffer
	code := cli.Run(context.Background(), cli.Env{
		Args:    args,
		Stdin:   strings.NewReader(stdin),
		Stdout:  &stdout,
		Stderr:  &stderr,
		Environ: append(testEnviron(), env...),
	})
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// testEnviron returns the process environment without the variables that
// change the command's language or secret, so that tests set them.
func testEnviron() []string {
	var environ []string
	for _, entry := range os.Environ() {
		name, _, _ := strings.Cut(entry, "=")
		switch {
		case name == "LANG", name == "LC_ALL", name == "LC_MESSAGES":
		case strings.HasPrefix(name, "BUBBLEHOST_"):
		default:
			environ = append(environ, entry)
		}
	}
	return environ
}

// waitFor polls until condition returns true or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, condition func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !condition() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestHelpLanguage(t *testing.T) {
	tests := []struct {
		name   string
		env    []string
		args   []string
		want   []string
		reject string
	}{
		{"main help Chinese", []string{"LANG=zh_CN.UTF-8"}, []string{"help"},
			[]string{"用法：", "命令：", "serve", "webhook"}, "Usage:"},
		{"main help English", []string{"LANG=C"}, []string{"help"},
			[]string{"Usage:", "Commands:", "serve"}, "用法"},
		{"no locale English", nil, []string{"--help"},
			[]string{"Usage:"}, "用法"},
		{"LC_ALL overrides LANG", []string{"LANG=zh_CN.UTF-8", "LC_ALL=C"}, []string{"help"},
			[]string{"Usage:"}, "用法"},
		{"serve help Chinese", []string{"LANG=zh_CN.UTF-8"}, []string{"help", "serve"},
			[]string{"用法：bubblehost serve", "选项：", "--config", "（默认 127.0.0.1:8080）"}, "Flags:"},
		{"serve help English", []string{"LANG=C"}, []string{"serve", "--help"},
			[]string{"Usage: bubblehost serve", "Flags:", "--config", "(default 127.0.0.1:8080)"}, "选项"},
		{"send help lists samples", []string{"LANG=C"}, []string{"send", "-h"},
			[]string{"Sample types: CHANNEL_CREATE,", "MESSAGE_CREATE", "--timeout duration"}, ""},
		{"build help", []string{"LANG=C"}, []string{"help", "build"},
			[]string{"-buildmode=c-shared", "-o, --output string"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have := run(t, tt.env, "", tt.args...)
			if have.code != cli.ExitOK {
				t.Fatalf("want exit %d, have %d, stderr:\n%s", cli.ExitOK, have.code, have.stderr)
			}
			for _, want := range tt.want {
				if !strings.Contains(have.stdout, want) {
					t.Errorf("want output containing %q, have:\n%s", want, have.stdout)
				}
			}
			if tt.reject != "" && strings.Contains(have.stdout, tt.reject) {
				t.Errorf("want no %q in the output, have:\n%s", tt.reject, have.stdout)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name       string
		env        []string
		args       []string
		wantStderr string
	}{
		{"no command", nil, nil, "Usage:"},
		{"unknown command", nil, []string{"frob"}, `unknown command "frob"`},
		{"unknown command Chinese", []string{"LANG=zh_CN.UTF-8"}, []string{"frob"}, `未知命令 "frob"`},
		{"unknown flag", nil, []string{"sign", "--frob"}, `sign: unknown flag: --frob. Run "bubblehost help sign"`},
		{"help for unknown command", nil, []string{"help", "frob"}, `unknown command "frob"`},
		{"version takes no arguments", nil, []string{"version", "extra"}, "too many arguments: extra"},
		{"serve takes no arguments", nil, []string{"serve", "extra"}, "too many arguments: extra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have := run(t, tt.env, "", tt.args...)
			if have.code != cli.ExitUsage {
				t.Errorf("want exit %d, have %d", cli.ExitUsage, have.code)
			}
			if !strings.Contains(have.stderr, tt.wantStderr) {
				t.Errorf("want stderr containing %q, have:\n%s", tt.wantStderr, have.stderr)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	var stdout bytes.Buffer
	code := cli.Run(context.Background(), cli.Env{
		Args:    []string{"version"},
		Stdout:  &stdout,
		Stderr:  &bytes.Buffer{},
		Version: "v1.2.3",
	})
	if code != cli.ExitOK {
		t.Fatalf("want exit %d, have %d", cli.ExitOK, code)
	}
	if want := "bubblehost v1.2.3 (go"; !strings.HasPrefix(stdout.String(), want) {
		t.Errorf("want output starting with %q, have %q", want, stdout.String())
	}
}

func TestServeInvalidConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bubblehost.yaml")
	content := "listen: nowhere\ntenants:\n  demo:\n    signature: sometimes\n    token: tok-hidden\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{"English", []string{"LANG=C"}, []string{
			"bubblehost: invalid configuration:",
			path + `: listen: invalid address "nowhere"`,
			path + `: tenants.demo.signature: invalid value "sometimes"`,
			"environment variable BUBBLEHOST_QUEUE_SIZE: queue_size: invalid integer",
		}},
		{"Chinese", []string{"LANG=zh_CN.UTF-8"}, []string{
			"bubblehost: 配置无效：",
			path + `: listen: 地址 "nowhere" 无效`,
			"环境变量 BUBBLEHOST_QUEUE_SIZE: queue_size:",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := append(tt.env, "BUBBLEHOST_QUEUE_SIZE=big")
			have := run(t, env, "", "serve", "--config", path)
			if have.code != cli.ExitUsage {
				t.Errorf("want exit %d, have %d", cli.ExitUsage, have.code)
			}
			for _, want := range tt.want {
				if !strings.Contains(have.stderr, want) {
					t.Errorf("want stderr containing %q, have:\n%s", want, have.stderr)
				}
			}
			if strings.Contains(have.stderr, "tok-hidden") {
				t.Errorf("stderr contains the token:\n%s", have.stderr)
			}
		})
	}
}
