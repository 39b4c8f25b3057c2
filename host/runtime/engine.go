// Package runtime runs plugin modules on wazero: it compiles and validates
// a module against the ABI, keeps a bounded pool of instances per plugin, and
// calls the module for each event under a deadline and a memory limit.
//
// The guest sees no filesystem, network, environment or arguments. Its clocks
// are real, its random source is crypto/rand, and sleeping returns at once,
// so a sleeping guest spins until its deadline instead of parking a thread.
package runtime

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// Engine owns one wazero runtime shared by every plugin of every tenant, so
// that identical module bytes compile once.
type Engine struct {
	rt     wazero.Runtime
	cache  wazero.CompilationCache
	logger *slog.Logger
}

// EngineConfig configures an Engine.
type EngineConfig struct {
	// CacheDir holds compiled machine code across restarts. Empty means the
	// cache lives in memory only.
	CacheDir string
	// Logger receives the engine's own messages. Plugins log through the
	// logger given to Load.
	Logger *slog.Logger
}

// NewEngine starts a wazero runtime with the host functions of the ABI and
// WASI preview 1 (without any file system or environment).
func NewEngine(ctx context.Context, cfg EngineConfig) (*Engine, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	var cache wazero.CompilationCache
	if cfg.CacheDir != "" {
		if err := os.MkdirAll(cfg.CacheDir, 0o755); err != nil {
			return nil, fmt.Errorf("creating compilation cache folder %s: %w", cfg.CacheDir, err)
		}
		c, err := wazero.NewCompilationCacheWithDir(cfg.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("opening compilation cache %s: %w", cfg.CacheDir, err)
		}
		cache = c
	} else {
		cache = wazero.NewCompilationCache()
	}

	// Close-on-context-done is what stops a guest spinning in a loop at its
	// deadline. It costs a check at every loop head and function entry.
	rc := wazero.NewRuntimeConfig().
		WithCloseOnContextDone(true).
		WithCompilationCache(cache)
	rt := wazero.NewRuntimeWithConfig(ctx, rc)

	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("instantiating WASI host module: %w", err)
	}
	if err := instantiateHostModule(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("instantiating bubble host module: %w", err)
	}
	return &Engine{rt: rt, cache: cache, logger: logger}, nil
}

// Close releases the runtime and every module compiled in it.
func (e *Engine) Close(ctx context.Context) error {
	err := e.rt.Close(ctx)
	if cerr := e.cache.Close(ctx); err == nil {
		err = cerr
	}
	return err
}

// moduleConfig is the sandbox every instance runs in.
func moduleConfig(stdout, stderr *outputWriter) wazero.ModuleConfig {
	return wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions().
		WithStdout(stdout).
		WithStderr(stderr).
		WithSysWalltime().
		WithSysNanotime().
		WithRandSource(rand.Reader)
}
