package runtime

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/bubblehost/bubblehost/abi"
)

// Limits bound what one plugin may use. Zero fields take the defaults below.
type Limits struct {
	// Deadline bounds the wait for a free instance, and then the call.
	Deadline time.Duration
	// MemoryBytes caps an instance's linear memory.
	MemoryBytes int64
	// Instances caps how many instances, and so concurrent calls, exist.
	Instances int
	// ActionsPerCall caps the actions one call may ask for.
	ActionsPerCall int
	// LogBytes caps the log output of one call, stdout and stderr included.
	// Each line costs its length plus 64 bytes, so that empty lines count.
	LogBytes int
	// RequestBytes caps the size of one action request a call passes to
	// the host, which bounds what a plugin can make the host parse.
	RequestBytes int
	// InitTimeout bounds instantiation, including the guest's start code.
	InitTimeout time.Duration
	// ModuleBytes caps the size of the module's bytes. Like CompileTimeout
	// it applies at load, before the module describes itself, so Settings
	// cannot change it.
	ModuleBytes int64
	// CompileTimeout bounds compiling the module at load. A module already
	// compiled for another plugin is not compiled again.
	CompileTimeout time.Duration
}

// Default limits.
const (
	DefaultDeadline       = 2 * time.Second
	DefaultMemoryBytes    = 128 << 20
	DefaultInstances      = 4
	DefaultActionsPerCall = 20
	DefaultLogBytes       = 64 << 10
	DefaultRequestBytes   = 64 << 10
	DefaultInitTimeout    = 10 * time.Second
	DefaultModuleBytes    = 50 << 20
	// DefaultCompileTimeout leaves room for large modules on a busy machine.
	// Compiling a Go plugin of 4 MB took 1.6 s, and over 60 s under the race
	// detector while other tests ran.
	DefaultCompileTimeout = 5 * time.Minute
)

func (l Limits) withDefaults() Limits {
	if l.Deadline <= 0 {
		l.Deadline = DefaultDeadline
	}
	if l.MemoryBytes <= 0 {
		l.MemoryBytes = DefaultMemoryBytes
	}
	if l.Instances <= 0 {
		l.Instances = DefaultInstances
	}
	if l.ActionsPerCall <= 0 {
		l.ActionsPerCall = DefaultActionsPerCall
	}
	if l.LogBytes <= 0 {
		l.LogBytes = DefaultLogBytes
	}
	if l.RequestBytes <= 0 {
		l.RequestBytes = DefaultRequestBytes
	}
	if l.InitTimeout <= 0 {
		l.InitTimeout = DefaultInitTimeout
	}
	if l.ModuleBytes <= 0 {
		l.ModuleBytes = DefaultModuleBytes
	}
	if l.CompileTimeout <= 0 {
		l.CompileTimeout = DefaultCompileTimeout
	}
	return l
}

// LoadOptions configure one plugin.
type LoadOptions struct {
	// Source names the module in messages, usually its file path.
	Source string
	// Logger is tagged with the tenant; Load adds the plugin's name.
	Logger *slog.Logger
	// Limits apply to every call of the plugin.
	Limits Limits
	// Settings, when set, is called with the module's manifest and returns
	// the operator's limits and configuration for that plugin, which replace
	// Limits when non-zero.
	Settings func(m abi.Manifest) (Limits, json.RawMessage)
}

// Plugin is a compiled, validated module and its pool of instances.
type Plugin struct {
	manifest abi.Manifest
	hash     string
	source   string
	limits   Limits
	config   []byte
	logger   *slog.Logger
	engine   *Engine
	compiled wazero.CompiledModule

	idle   chan *instance // instances ready for a call
	slots  chan struct{}  // one token per live instance
	mu     sync.Mutex     // guards closed and live
	live   int            // instances not yet closed
	closed bool
}

type instance struct {
	plugin *Plugin
	mod    api.Module
	handle api.Function
	stdout *outputWriter
	stderr *outputWriter
	// state is the call in progress; only the goroutine that holds the
	// instance touches it.
	state *callState
}

// Manifest returns what the module said about itself.
func (p *Plugin) Manifest() abi.Manifest { return p.manifest }

// Hash returns the hex SHA-256 of the module's bytes.
func (p *Plugin) Hash() string { return p.hash }

// Source returns where the module came from.
func (p *Plugin) Source() string { return p.source }

// Limits returns the limits in force for the plugin.
func (p *Plugin) Limits() Limits { return p.limits }

// Handles reports whether the plugin asked for events of type typ.
func (p *Plugin) Handles(typ string) bool {
	for _, t := range p.manifest.Events {
		if t == abi.AllEvents || t == typ {
			return true
		}
	}
	return false
}

var (
	namePattern      = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	eventTypePattern = regexp.MustCompile(`^[A-Z0-9_]{1,64}$`)
)

// Load compiles and validates a module, then instantiates one instance and
// asks it to describe itself. A module that does not meet the ABI is
// rejected with an error that says why.
func (e *Engine) Load(ctx context.Context, wasm []byte, opts LoadOptions) (*Plugin, error) {
	logger := opts.Logger
	if logger == nil {
		logger = e.logger
	}
	limits := opts.Limits.withDefaults()
	if int64(len(wasm)) > limits.ModuleBytes {
		return nil, fmt.Errorf("module is %d bytes, over the limit of %d", len(wasm), limits.ModuleBytes)
	}
	sum := sha256.Sum256(wasm)
	p := &Plugin{
		hash:   hex.EncodeToString(sum[:]),
		source: opts.Source,
		limits: limits,
		config: []byte("{}"),
		logger: logger,
		engine: e,
	}

	compiled, err := e.compile(ctx, p.hash, wasm, limits.CompileTimeout)
	if err != nil {
		return nil, fmt.Errorf("compiling module: %w", err)
	}
	p.compiled = compiled
	if err := checkModule(compiled, p.limits.MemoryBytes); err != nil {
		e.release(ctx, p.hash)
		return nil, err
	}

	// One instance to describe the module; it then joins the pool.
	p.idle = make(chan *instance, p.limits.Instances)
	p.slots = make(chan struct{}, p.limits.Instances)
	p.slots <- struct{}{}
	inst, err := p.newInstance(ctx)
	if err != nil {
		<-p.slots
		e.release(ctx, p.hash)
		return nil, err
	}
	m, err := inst.describe(ctx)
	if err != nil {
		inst.mod.Close(ctx)
		e.release(ctx, p.hash)
		return nil, err
	}
	p.manifest = m
	p.logger = logger.With("plugin", m.Name)

	describedWith := p.limits
	if opts.Settings != nil {
		limits, config := opts.Settings(m)
		p.limits = mergeLimits(p.limits, limits)
		if len(config) > 0 {
			p.config = config
		}
	}
	if p.limits.Instances != describedWith.Instances || p.limits.MemoryBytes != describedWith.MemoryBytes {
		// The operator's settings for this plugin change its pool or its
		// memory: start the pool afresh, without the describing instance.
		inst.mod.Close(ctx)
		p.idle = make(chan *instance, p.limits.Instances)
		p.slots = make(chan struct{}, p.limits.Instances)
		return p, nil
	}
	p.live = 1
	p.idle <- inst
	return p, nil
}

func mergeLimits(base, over Limits) Limits {
	if over.Deadline > 0 {
		base.Deadline = over.Deadline
	}
	if over.MemoryBytes > 0 {
		base.MemoryBytes = over.MemoryBytes
	}
	if over.Instances > 0 {
		base.Instances = over.Instances
	}
	if over.ActionsPerCall > 0 {
		base.ActionsPerCall = over.ActionsPerCall
	}
	if over.LogBytes > 0 {
		base.LogBytes = over.LogBytes
	}
	if over.RequestBytes > 0 {
		base.RequestBytes = over.RequestBytes
	}
	return base
}

// checkModule checks a compiled module's exports and imports against the
// ABI before any of its code runs.
func checkModule(m wazero.CompiledModule, memoryLimit int64) error {
	exports := m.ExportedFunctions()
	if _, ok := exports[abi.VersionMarker]; !ok {
		var others []string
		for name := range exports {
			if strings.HasPrefix(name, "bubble_abi_v") {
				others = append(others, strings.TrimPrefix(name, "bubble_abi_"))
			}
		}
		if len(others) > 0 {
			slices.Sort(others)
			return fmt.Errorf("module is built for ABI %s; this host implements v%d", strings.Join(others, ", "), abi.Version)
		}
		return fmt.Errorf("module does not export %s: it is not a bubblehost plugin, or is built for another ABI version", abi.VersionMarker)
	}
	want := []struct {
		name            string
		params, results int
	}{
		{abi.ExportDescribe, 0, 1},
		{abi.ExportHandle, 1, 1},
	}
	for _, w := range want {
		fn, ok := exports[w.name]
		if !ok {
			return fmt.Errorf("module does not export function %s", w.name)
		}
		if !allI32(fn.ParamTypes(), w.params) || !allI32(fn.ResultTypes(), w.results) {
			return fmt.Errorf("export %s has signature %s, want %s", w.name, signature(fn), wantSignature(w.params, w.results))
		}
	}
	if fn, ok := exports[abi.ExportInitialize]; ok && (len(fn.ParamTypes()) != 0 || len(fn.ResultTypes()) != 0) {
		return fmt.Errorf("export %s has signature %s, want () -> ()", abi.ExportInitialize, signature(fn))
	}

	mems := m.ExportedMemories()
	mem, ok := mems[abi.ExportMemory]
	if !ok {
		return fmt.Errorf("module does not export its memory as %q", abi.ExportMemory)
	}
	if minBytes := int64(mem.Min()) * 65536; minBytes > memoryLimit {
		return fmt.Errorf("module needs at least %d bytes of memory, over the limit of %d", minBytes, memoryLimit)
	}
	if imported := m.ImportedMemories(); len(imported) > 0 {
		mod, name, _ := imported[0].Import()
		return fmt.Errorf("module imports memory %s.%s; a plugin must define its own", mod, name)
	}

	for _, fn := range m.ImportedFunctions() {
		mod, name, _ := fn.Import()
		switch mod {
		case "wasi_snapshot_preview1":
			// wazero provides all of WASI preview 1; instantiation reports a
			// function it lacks.
		case abi.ImportModule:
			sig, ok := hostSignatures[name]
			if !ok {
				return fmt.Errorf("module imports %s.%s, which this host does not provide", mod, name)
			}
			if !allI32(fn.ParamTypes(), sig[0]) || !allI32(fn.ResultTypes(), sig[1]) {
				return fmt.Errorf("import %s.%s has signature %s, want %s", mod, name, signature(fn), wantSignature(sig[0], sig[1]))
			}
		default:
			return fmt.Errorf("module imports %s.%s; a plugin may import only from %q and wasi_snapshot_preview1", mod, name, abi.ImportModule)
		}
	}
	return nil
}

func allI32(types []api.ValueType, n int) bool {
	if len(types) != n {
		return false
	}
	for _, t := range types {
		if t != api.ValueTypeI32 {
			return false
		}
	}
	return true
}

func signature(fn api.FunctionDefinition) string {
	names := func(ts []api.ValueType) string {
		s := make([]string, len(ts))
		for i, t := range ts {
			s[i] = api.ValueTypeName(t)
		}
		return "(" + strings.Join(s, ", ") + ")"
	}
	return names(fn.ParamTypes()) + " -> " + names(fn.ResultTypes())
}

func wantSignature(params, results int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("i32, ", params), ", ") + ") -> (" +
		strings.TrimSuffix(strings.Repeat("i32, ", results), ", ") + ")"
}

// newInstance instantiates the module and runs its initializer under the
// init timeout.
func (p *Plugin) newInstance(ctx context.Context) (*instance, error) {
	inst := &instance{plugin: p}
	inst.stdout = &outputWriter{stream: "stdout", level: slog.LevelInfo, inst: inst}
	inst.stderr = &outputWriter{stream: "stderr", level: slog.LevelWarn, inst: inst}

	ctx, cancel := context.WithTimeout(ctx, p.limits.InitTimeout)
	defer cancel()
	ctx = experimental.WithMemoryAllocator(ctx, limitedAllocator{limit: uint64(p.limits.MemoryBytes)})
	inst.state = &callState{mode: modeInit, logger: p.logger, config: p.config, limits: p.limits}
	defer func() { inst.state = nil }()
	ctx = context.WithValue(ctx, callStateKey{}, inst.state)

	mod, err := p.engine.rt.InstantiateModule(ctx, p.compiled, moduleConfig(inst.stdout, inst.stderr))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("instantiating module: timed out after %v", p.limits.InitTimeout)
		}
		return nil, fmt.Errorf("instantiating module: %w", err)
	}
	inst.mod = mod
	if init := mod.ExportedFunction(abi.ExportInitialize); init != nil {
		if _, err := init.Call(ctx); err != nil {
			mod.Close(context.Background())
			if ctx.Err() != nil {
				return nil, fmt.Errorf("running %s: timed out after %v", abi.ExportInitialize, p.limits.InitTimeout)
			}
			return nil, fmt.Errorf("running %s: %w", abi.ExportInitialize, err)
		}
	}
	inst.handle = mod.ExportedFunction(abi.ExportHandle)
	return inst, nil
}

func (inst *instance) describe(ctx context.Context) (abi.Manifest, error) {
	p := inst.plugin
	ctx, cancel := context.WithTimeout(ctx, p.limits.InitTimeout)
	defer cancel()
	inst.state = &callState{mode: modeDescribe, logger: p.logger, config: p.config, limits: p.limits}
	defer func() { inst.state = nil }()
	ctx = context.WithValue(ctx, callStateKey{}, inst.state)

	res, err := inst.mod.ExportedFunction(abi.ExportDescribe).Call(ctx)
	inst.stdout.flush()
	inst.stderr.flush()
	if err != nil {
		return abi.Manifest{}, fmt.Errorf("calling %s: %w", abi.ExportDescribe, err)
	}
	if status := int32(uint32(res[0])); status != abi.StatusOK {
		return abi.Manifest{}, fmt.Errorf("%s returned status %d", abi.ExportDescribe, status)
	}
	raw := inst.state.manifest
	if raw == nil {
		return abi.Manifest{}, fmt.Errorf("%s returned without calling %s.%s", abi.ExportDescribe, abi.ImportModule, abi.ImportDescribe)
	}
	return parseManifest(raw)
}

func parseManifest(raw []byte) (abi.Manifest, error) {
	var m abi.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("invalid manifest: %w", err)
	}
	if !namePattern.MatchString(m.Name) {
		return m, fmt.Errorf("invalid manifest: name %q must match %s", m.Name, namePattern)
	}
	if m.Version == "" || len(m.Version) > 64 {
		return m, fmt.Errorf("invalid manifest: version %q must be 1 to 64 bytes", m.Version)
	}
	if len(m.Events) == 0 {
		return m, errors.New(`invalid manifest: events is empty; list event types or "*"`)
	}
	for _, t := range m.Events {
		if t != abi.AllEvents && !eventTypePattern.MatchString(t) {
			return m, fmt.Errorf("invalid manifest: event type %q must match %s or be %q", t, eventTypePattern, abi.AllEvents)
		}
	}
	return m, nil
}

func (inst *instance) close(ctx context.Context) {
	if inst.mod != nil {
		inst.mod.Close(ctx)
	}
	p := inst.plugin
	<-p.slots
	p.mu.Lock()
	p.live--
	last := p.closed && p.live == 0
	p.mu.Unlock()
	if last {
		p.engine.release(ctx, p.hash)
	}
}
