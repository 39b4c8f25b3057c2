package runtime_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bubblehost/bubblehost/host/runtime"
	"github.com/bubblehost/bubblehost/internal/wasmbuild/wasmtest"
)

// watPlugin is a minimal valid plugin in WAT. Each load case changes one
// part of it, and the zero value of a field keeps the valid default.
type watPlugin struct {
	imports  string // imports besides bubble.describe
	memory   string // the memory definition
	marker   string // the ABI version marker export
	describe string // the body of bubble_describe
	fields   string // further module fields
}

func (w watPlugin) source() string {
	const manifest = `{\"name\":\"hostile\",\"version\":\"1\",\"events\":[\"*\"]}`
	if w.memory == "" {
		w.memory = `(memory (export "memory") 1)`
	}
	if w.marker == "" {
		w.marker = `(func (export "bubble_abi_v1"))`
	}
	if w.describe == "" {
		w.describe = `(call $describe (i32.const 0) (i32.const 47)) (i32.const 0)`
	}
	return `(module
  ` + w.imports + `
  (import "bubble" "describe" (func $describe (param i32 i32)))
  ` + w.memory + `
  (data (i32.const 0) "` + manifest + `")
  ` + w.marker + `
  (func (export "bubble_describe") (result i32) ` + w.describe + `)
  (func (export "bubble_handle") (param i32) (result i32) (i32.const 0))
  ` + w.fields + `)`
}

func (w watPlugin) wasm(t *testing.T) []byte {
	t.Helper()
	return wasmtest.WATSource(t, "plugin", w.source())
}

func TestHostileLoad(t *testing.T) {
	env := newHostileEnv(t)
	ping := env.pingBytes(t)

	const initTimeout = 300 * time.Millisecond
	tests := []struct {
		name   string
		wasm   func(t *testing.T) []byte
		limits runtime.Limits
		want   string // part of the error
		bound  time.Duration
	}{
		// Not a module.
		{
			name: "not wasm",
			wasm: func(*testing.T) []byte { return []byte("#!/bin/sh\nrm -rf /\n") },
			want: "compiling module: invalid magic number",
		},
		{
			name: "truncated",
			wasm: func(*testing.T) []byte { return ping[:len(ping)/2] },
			want: "section code",
		},
		{
			name: "empty",
			wasm: func(*testing.T) []byte { return nil },
			want: "compiling module: invalid magic number",
		},

		// Code that runs at instantiation or in bubble_describe.
		{
			name:   "start function loops",
			wasm:   watPlugin{fields: `(func $spin (loop $l (br $l))) (start $spin)`}.wasm,
			limits: runtime.Limits{InitTimeout: initTimeout},
			want:   "instantiating module: timed out after 300ms",
			bound:  initTimeout + time.Second,
		},
		{
			name:   "_initialize loops",
			wasm:   watPlugin{fields: `(func (export "_initialize") (loop $l (br $l)))`}.wasm,
			limits: runtime.Limits{InitTimeout: initTimeout},
			want:   "running _initialize: timed out after 300ms",
			bound:  initTimeout + time.Second,
		},
		{
			name:   "bubble_describe loops",
			wasm:   watPlugin{describe: `(loop $l (br $l)) (i32.const 0)`}.wasm,
			limits: runtime.Limits{InitTimeout: initTimeout},
			want:   "calling bubble_describe",
			bound:  initTimeout + time.Second,
		},
		{
			name: "bubble_describe traps",
			wasm: watPlugin{describe: `(unreachable)`}.wasm,
			want: "calling bubble_describe: wasm error: unreachable",
		},
		{
			name: "bubble_describe skips describe",
			wasm: watPlugin{describe: `(i32.const 0)`}.wasm,
			want: "bubble_describe returned without calling bubble.describe",
		},
		{
			name: "bubble_describe fails",
			wasm: watPlugin{describe: `(i32.const 7)`}.wasm,
			want: "bubble_describe returned status 7",
		},
		{
			name: "invalid manifest",
			wasm: watPlugin{describe: `(call $describe (i32.const 1) (i32.const 46)) (i32.const 0)`}.wasm,
			want: "invalid manifest",
		},
		{
			name: "describe pointer out of range",
			wasm: watPlugin{describe: `(call $describe (i32.const 65536) (i32.const 1)) (i32.const 0)`}.wasm,
			want: "bubble.describe: manifest_ptr=65536 with length 1 is outside the module's memory of 65536 bytes",
		},
		{
			name: "describe pointer plus length overflows",
			wasm: watPlugin{describe: `(call $describe (i32.const -16) (i32.const 32)) (i32.const 0)`}.wasm,
			want: "bubble.describe: manifest_ptr=4294967280 with length 32 is outside",
		},
		{
			name: "describe length negative",
			wasm: watPlugin{describe: `(call $describe (i32.const 0) (i32.const -1)) (i32.const 0)`}.wasm,
			want: "bubble.describe: manifest_len=4294967295 is over the limit of 65536 bytes",
		},

		// Memory and tables.
		{
			name: "memory minimum over the limit",
			wasm: watPlugin{memory: `(memory (export "memory") 40000)`}.wasm,
			want: "module needs at least 2621440000 bytes of memory, over the limit of 134217728",
		},
		{
			name: "memory imported",
			wasm: watPlugin{
				imports: `(import "bubble" "memory" (memory 1))`,
				memory:  `(export "memory" (memory 0))`,
			}.wasm,
			want: "module imports memory bubble.memory; a plugin must define its own",
		},
		{
			name: "table over the limit",
			wasm: watPlugin{fields: `(table 2000000 funcref)`}.wasm,
			want: "section table: tables declare 2000000 elements, over the limit of 1048576",
		},
		{
			name: "table.grow without a maximum",
			wasm: watPlugin{fields: `(table $t 1 funcref)
  (func (export "grow") (result i32) (table.grow $t (ref.null func) (i32.const 1000000000)))`}.wasm,
			want: "function 4: uses table.grow, so every table must declare a maximum",
		},

		// Imports.
		{
			name: "import from env",
			wasm: watPlugin{imports: `(import "env" "foo" (func))`}.wasm,
			want: `module imports env.foo; a plugin may import only from "bubble" and wasi_snapshot_preview1`,
		},
		{
			name: "import of an unknown host function",
			wasm: watPlugin{imports: `(import "bubble" "nope" (func))`}.wasm,
			want: "module imports bubble.nope, which this host does not provide",
		},
		{
			name: "import of log with the wrong signature",
			wasm: watPlugin{imports: `(import "bubble" "log" (func (param i32)))`}.wasm,
			want: "import bubble.log has signature (i32) -> (), want (i32, i32, i32) -> ()",
		},
		{
			name: "import of an unknown WASI function",
			wasm: watPlugin{imports: `(import "wasi_snapshot_preview1" "nope" (func))`}.wasm,
			want: `"nope" is not exported in module "wasi_snapshot_preview1"`,
		},
		{
			name: "import of a WASI function with the wrong signature",
			wasm: watPlugin{imports: `(import "wasi_snapshot_preview1" "fd_write" (func (param i32)))`}.wasm,
			want: "wasi_snapshot_preview1.fd_write",
		},

		// ABI version.
		{
			name: "ABI v2 only",
			wasm: watPlugin{marker: `(func (export "bubble_abi_v2"))`}.wasm,
			want: "module is built for ABI v2; this host implements v1",
		},
		{
			name: "ABI marker missing",
			wasm: watPlugin{marker: `(func (export "main"))`}.wasm,
			want: "module does not export bubble_abi_v1",
		},

		// Modules that would exhaust the host while compiling.
		{
			name: "four billion locals",
			wasm: func(*testing.T) []byte { return localsBomb(4_000_000_000) },
			want: "section code: function 0: 4000000000 locals, over the limit of 50000",
		},
		{
			name: "import count of four billion",
			wasm: func(*testing.T) []byte {
				return wasmBinary(section(2, uleb(0xffff_ffff)))
			},
			want: "section import: 4294967295 imports, over the limit of 100000",
		},
		{
			name: "name section claiming a million names",
			wasm: func(*testing.T) []byte {
				names := append([]byte{1}, vector(uleb(1_000_000))...) // subsection 1, size, count
				return wasmBinary(section(0, append(vector([]byte("name")), names...)))
			},
			want: "section custom: 1000000 function names claimed with 0 bytes left",
		},
		{
			name: "data segment claiming four gigabytes",
			wasm: func(*testing.T) []byte {
				return wasmBinary(section(11, append(uleb(1), append(uleb(1), uleb(0xffff_fff0)...)...)))
			},
			want: "section data: 4294967280 data bytes claimed with 0 bytes left",
		},
		{
			name: "20,000 nested loops",
			wasm: func(*testing.T) []byte { return nestedLoops(1, 20_000) },
			want: "function 0: more than 10000 blocks and branches",
		},
		{
			name:   "slow compile stopped by the timeout",
			wasm:   func(*testing.T) []byte { return nestedLoops(400, 1_000) },
			limits: runtime.Limits{CompileTimeout: time.Second},
			want:   "compiling module: timed out after 1s",
			bound:  10 * time.Second,
		},
		{
			name: "module over the size limit",
			wasm: func(*testing.T) []byte {
				return append(wasmBinary(), make([]byte, runtime.DefaultModuleBytes-7)...)
			},
			want: "module is 52428801 bytes, over the limit of 52428800",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wasm := tt.wasm(t)
			bound := tt.bound
			if bound == 0 {
				bound = 5 * time.Second
			}

			start := time.Now()
			p, err := env.engine.Load(context.Background(), wasm, runtime.LoadOptions{Limits: tt.limits})
			elapsed := time.Since(start)
			if err == nil {
				p.Close(context.Background())
				t.Fatalf("Load succeeded, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
			if elapsed > bound {
				t.Errorf("Load took %v, want at most %v", elapsed, bound)
			}
			if have := env.engine.CompiledModules(); have != 1 {
				t.Errorf("compiled modules after the rejected load = %d, want 1 (the ping plugin's)", have)
			}
			env.pingStillAnswers(t)
		})
	}
}

// TestHostileLoadBigModule loads a module of 40 MiB, most of it one data
// segment. It is under the size limit, so it loads and runs.
func TestHostileLoadBigModule(t *testing.T) {
	env := newHostileEnv(t)
	wasm := dataModule(40 << 20)

	start := time.Now()
	p, err := env.engine.Load(context.Background(), wasm, runtime.LoadOptions{})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	t.Logf("loading %d bytes took %v", len(wasm), elapsed)
	if elapsed > 30*time.Second {
		t.Errorf("Load took %v, want at most 30s", elapsed)
	}

	if err := p.Handle(context.Background(), runtime.Call{Event: []byte("{}")}); err != nil {
		t.Errorf("Handle: %v", err)
	}
	env.pingStillAnswers(t)
}

// The helpers below write WebAssembly binaries directly, for modules that
// WAT cannot express briefly or that wat2wasm would reject.

// uleb encodes n as unsigned LEB128.
func uleb(n uint64) []byte {
	var b []byte
	for {
		c := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// vector prefixes b with its length.
func vector(b []byte) []byte { return append(uleb(uint64(len(b))), b...) }

// section returns a section with the given id and contents.
func section(id byte, contents []byte) []byte { return append([]byte{id}, vector(contents)...) }

// wasmBinary returns the module header followed by the sections.
func wasmBinary(sections ...[]byte) []byte {
	return append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Join(sections, nil)...)
}

// localsBomb returns a module with one function that declares n i32 locals
// in a single declaration of at most 6 bytes.
func localsBomb(n uint64) []byte {
	body := append(append(uleb(1), uleb(n)...), 0x7f, 0x0b) // one declaration: n × i32; end
	return wasmBinary(
		section(1, []byte{1, 0x60, 0, 0}), // one type: () -> ()
		section(3, []byte{1, 0}),          // one function of type 0
		section(10, append(uleb(1), vector(body)...)),
	)
}

// nestedLoops returns a module with the given number of functions, each a
// nest of depth empty loops.
func nestedLoops(functions, depth int) []byte {
	body := append([]byte{0}, bytes.Repeat([]byte{0x03, 0x40}, depth)...) // no locals; loop × depth
	body = append(body, bytes.Repeat([]byte{0x0b}, depth+1)...)           // end × depth, and the function's end
	funcs := uleb(uint64(functions))
	codes := uleb(uint64(functions))
	for range functions {
		funcs = append(funcs, 0)
		codes = append(codes, vector(body)...)
	}
	return wasmBinary(section(1, []byte{1, 0x60, 0, 0}), section(3, funcs), section(10, codes))
}

// dataModule returns a plugin whose memory is filled at instantiation
// from an active data segment of n bytes. Its bubble_handle returns 0
// without using them.
func dataModule(n int) []byte {
	const manifest = `{"name":"big","version":"1","events":["*"]}`
	pages := uint64(n/65536 + 1)
	i32 := byte(0x7f)
	describeBody := []byte{0, 0x41, 0, 0x41, byte(len(manifest)), 0x10, 0, 0x41, 0, 0x0b} // describe(0, len); 0
	return wasmBinary(
		// Types: (i32 i32) -> (), () -> (), () -> i32, (i32) -> i32.
		section(1, []byte{4, 0x60, 2, i32, i32, 0, 0x60, 0, 0, 0x60, 0, 1, i32, 0x60, 1, i32, 1, i32}),
		section(2, append(append(uleb(1), vector([]byte("bubble"))...), append(vector([]byte("describe")), 0, 0)...)),
		section(3, []byte{3, 1, 2, 3}), // bubble_abi_v1, bubble_describe, bubble_handle
		section(5, append([]byte{1, 0}, uleb(pages)...)),
		section(7, bytes.Join([][]byte{
			uleb(4),
			vector([]byte("memory")), {2, 0},
			vector([]byte("bubble_abi_v1")), {0, 1},
			vector([]byte("bubble_describe")), {0, 2},
			vector([]byte("bubble_handle")), {0, 3},
		}, nil)),
		section(10, bytes.Join([][]byte{
			uleb(3),
			vector([]byte{0, 0x0b}),
			vector(describeBody),
			vector([]byte{0, 0x41, 0, 0x0b}),
		}, nil)),
		section(11, bytes.Join([][]byte{
			uleb(2),
			append([]byte{0, 0x41, 0, 0x0b}, vector([]byte(manifest))...),                       // at 0
			append([]byte{0, 0x41, 0x80, 0x08, 0x0b}, vector(bytes.Repeat([]byte{0xab}, n))...), // at 1024
		}, nil)),
	)
}
