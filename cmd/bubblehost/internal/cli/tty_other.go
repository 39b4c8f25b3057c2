//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd || windows)

package cli

// IsTerminal returns false, because this system has no terminal check, so
// logs are written as JSON.
func IsTerminal(fd uintptr) bool {
	return false
}
