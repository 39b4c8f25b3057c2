package config

import "testing"

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://bubble.example.com/api", "https://bubble.example.com/api"},
		{"ftp://user:pass@host/path", "ftp://xxxxx@host/path"},
		{"ftp://token-only@host", "ftp://xxxxx@host"},
		{"http://user:pass@host:port/x", "http://xxxxx@host:port/x"},
		{"http://user:p%zz@host/x", "http://xxxxx@host/x"},
		{"user:pass@host", "xxxxx@host"},
		{"bubble.example.com/api", "bubble.example.com/api"},
		{"%zz", "%zz"},
	}
	for _, tt := range tests {
		if have := redactURL(tt.in); have != tt.want {
			t.Errorf("redactURL(%q): have %q, want %q", tt.in, have, tt.want)
		}
	}
}
