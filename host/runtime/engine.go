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
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// Engine owns one wazero runtime shared by every plugin of every tenant, so
// that identical module bytes compile once.
type Engine struct {
	rt         wazero.Runtime
	cache      wazero.CompilationCache
	logger     *slog.Logger
	lowerAfter time.Duration

	mu       sync.Mutex
	compiled map[string]*compiledModule // by hex SHA-256 of the module bytes
}

// compiledModule is one compiled module shared by every plugin loaded from
// the same bytes, in any tenant. It is closed when the last user releases it.
//
// Note: wazero keys compiled code by the module's hash, so two
// CompiledModules of the same bytes share code, and closing one has broken
// the other in some wazero versions. Compiling each hash once here avoids
// depending on how a given version handles that.
type compiledModule struct {
	module wazero.CompiledModule
	refs   int
	// done is closed when compiling ends, after module or err is set.
	done chan struct{}
	err  error
}

// EngineConfig configures an Engine.
type EngineConfig struct {
	// CacheDir holds compiled machine code across restarts. Empty means the
	// cache lives in memory only.
	CacheDir string
	// Logger receives the engine's own messages. Plugins log through the
	// logger given to Load.
	Logger *slog.Logger
	// LowerPriorityAfter is how long a call runs at full CPU priority. A
	// call still running after it continues on a thread of lower
	// priority, so that a plugin busy for long cannot slow the host's own
	// work or other plugins' short calls (see sched.RunGuest). Zero or
	// negative keeps every call at full priority.
	LowerPriorityAfter time.Duration
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
	// TODO: each check leaves the machine code for Go, which made Go
	// plugins use 4 to 6 times the CPU (RATIONALE.md). Upgrade wazero once
	// it tests the closed flag inline, and measure again.
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
	return &Engine{rt: rt, cache: cache, logger: logger, lowerAfter: cfg.LowerPriorityAfter,
		compiled: map[string]*compiledModule{}}, nil
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

// compile returns the compiled module for wasm, whose hex SHA-256 is hash,
// compiling it only if no plugin uses it yet. Each successful call must be
// matched by a release. Loads of the same bytes wait for one compile, and
// the lock is not held while compiling, so a slow compile holds up no other
// module's load or close.
func (e *Engine) compile(ctx context.Context, hash string, wasm []byte, timeout time.Duration) (wazero.CompiledModule, error) {
	e.mu.Lock()
	c, found := e.compiled[hash]
	if found {
		c.refs++
	} else {
		c = &compiledModule{refs: 1, done: make(chan struct{})}
		e.compiled[hash] = c
	}
	e.mu.Unlock()

	if !found {
		c.module, c.err = e.compileModule(ctx, wasm, timeout)
		if c.err != nil {
			e.mu.Lock()
			delete(e.compiled, hash)
			e.mu.Unlock()
		}
		close(c.done)
	}
	<-c.done
	if c.err != nil {
		return nil, c.err
	}
	return c.module, nil
}

// compileWorkers is how many goroutines compile one module. wazero checks
// for cancellation between functions only when there are two or more, and
// that is what lets the compile timeout stop a compile.
const compileWorkers = 2

// compileModule checks the module's structure and compiles it under the
// timeout. The timeout takes effect between functions, so a function that
// is being compiled when it passes finishes first. checkBinary bounds the
// branches of a function to keep that short.
func (e *Engine) compileModule(ctx context.Context, wasm []byte, timeout time.Duration) (wazero.CompiledModule, error) {
	if err := checkBinary(wasm); err != nil {
		return nil, err
	}

	compileCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	compileCtx = experimental.WithCompilationWorkers(compileCtx, compileWorkers)
	m, err := e.rt.CompileModule(compileCtx, wasm)
	if err != nil && compileCtx.Err() != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("timed out after %v", timeout)
	}
	return m, err
}

// release drops one use of the compiled module for hash and closes it when
// it was the last.
func (e *Engine) release(ctx context.Context, hash string) {
	e.mu.Lock()
	defer e.mu.Unlock()

	c, ok := e.compiled[hash]
	if !ok {
		return
	}
	c.refs--
	if c.refs == 0 {
		delete(e.compiled, hash)
		c.module.Close(ctx)
	}
}

// CompiledModules returns how many distinct modules are compiled and in use.
func (e *Engine) CompiledModules() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.compiled)
}
