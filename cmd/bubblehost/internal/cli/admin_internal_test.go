package cli

import "testing"

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		address string
		want    bool
	}{
		{"127.0.0.1:8081", true},
		{"127.0.0.2:8081", true},
		{"[::1]:8081", true},
		{"localhost:8081", true},
		{":8081", false},
		{"0.0.0.0:8081", false},
		{"[::]:8081", false},
		{"192.0.2.10:8081", false},
		{"admin.example.com:8081", false},
		{"no port", false},
	}
	for _, tt := range tests {
		if have := isLoopback(tt.address); have != tt.want {
			t.Errorf("isLoopback(%q): have %v, want %v", tt.address, have, tt.want)
		}
	}
}
