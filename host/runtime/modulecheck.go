package runtime

import (
	"fmt"
	"io"
	"math"
)

// checkBinary walks a module's sections and checks their structure against
// limits before wazero decodes it. wazero v1.12.0 sizes allocations from
// the counts a binary claims before it reads the items, so a module of a
// few bytes that claims four billion locals or imports makes the host
// process die of "fatal error: out of memory" while compiling it. wazero
// also allocates a table's elements at instantiation and on table.grow with
// no limit of its own. Its compiler's time grows faster than linearly with
// the blocks of one function: one function of 10,000 nested loops took
// 4.5 s to compile, and one of 20,000 took 23 s (measured with wazero
// v1.12.0 on a 2-core Intel Xeon, without the race detector).
//
// The walk is strict: a section must parse exactly as the WebAssembly 2.0
// binary format says, so that wazero, reading the same bytes the same way,
// meets no count that was not checked here. Forms that wazero accepts from
// later proposals (typed references, rec groups, tags) are rejected.
// Counts follow the limits of the WebAssembly JS API, which the browsers
// share. The table and branch limits are this host's own.
//
// A module that does not start with the WebAssembly magic number and
// version 1 is left to wazero, which rejects it before reading any count.
func checkBinary(wasm []byte) error {
	if len(wasm) < 8 || string(wasm[:8]) != "\x00asm\x01\x00\x00\x00" {
		return nil
	}

	r := &binaryReader{buf: wasm, pos: 8}
	var shape moduleShape
	for r.remaining() > 0 {
		id := r.byte()
		size := r.u32()
		if r.err != nil {
			return fmt.Errorf("reading a section header at byte %d: %w", r.pos, r.err)
		}
		if int64(size) > int64(r.remaining()) {
			return fmt.Errorf("section %s of %d bytes runs past the end of the module", sectionName(id), size)
		}
		section := r.sub(int(size))
		shape.checkSection(id, section)
		if section.err == nil && section.remaining() > 0 {
			section.fail("%d bytes left over at the end", section.remaining())
		}
		if section.err != nil {
			return fmt.Errorf("section %s: %w", sectionName(id), section.err)
		}
	}
	return nil
}

// Limits on a module's structure. The first group is the WebAssembly JS
// API's ("Limits" in https://webassembly.github.io/spec/js-api/), except
// imports and exports, which the JS API has since raised to 1,000,000.
const (
	maxTypes             = 1_000_000
	maxFunctions         = 1_000_000
	maxImports           = 100_000
	maxExports           = 100_000
	maxGlobals           = 1_000_000
	maxDataSegments      = 100_000
	maxParams            = 1_000
	maxResults           = 1_000
	maxFunctionBodyBytes = 7_654_321
	maxLocals            = 50_000
	maxNameBytes         = 100_000
	maxTables            = 100_000

	// maxTableElements bounds the elements of all tables together, which
	// wazero keeps outside the memory limit at 8 bytes each: 8 MiB per
	// instance. Go modules declare one table of a few thousand elements.
	maxTableElements = 1 << 20
	// maxElementSegments bounds element segments, whose entries are
	// bounded by maxTableElements each. Go modules have one.
	maxElementSegments = 100_000
	// maxBranches bounds the block, loop, if and br_if instructions and
	// br_table targets of one function, which drive wazero's compile time.
	// The largest function in the Go example plugins (Go 1.26) has about
	// 1,900.
	maxBranches = 10_000
)

// moduleShape is the state that the walk carries from one section to the
// next.
type moduleShape struct {
	importedFunctions uint32
	// Sums over all tables, imported or defined.
	tableMinimum    uint64
	tableMaximum    uint64
	tablesUnbounded bool // some table declares no maximum
}

func (m *moduleShape) checkSection(id byte, r *binaryReader) {
	switch id {
	case 0:
		checkCustomSection(r)
	case 1:
		for range r.count("types", maxTypes) {
			if form := r.byte(); form != 0x60 && r.err == nil {
				r.fail("type form 0x%02x is not supported; only function types (0x60) are", form)
			}
			for range r.count("parameters", maxParams) {
				r.valueType()
			}
			for range r.count("results", maxResults) {
				r.valueType()
			}
		}
	case 2:
		m.checkImports(r)
	case 3:
		for range r.count("functions", maxFunctions) {
			r.u32()
		}
	case 4:
		for range r.count("tables", maxTables) {
			m.tableType(r)
		}
	case 5:
		for range r.count("memories", math.MaxUint32) {
			r.limits()
		}
	case 6:
		for range r.count("globals", maxGlobals) {
			r.valueType()
			r.byte() // mutability
			r.constExpr()
		}
	case 7:
		for range r.count("exports", maxExports) {
			r.name()
			r.byte() // kind
			r.u32()  // index
		}
	case 8, 12: // start function index, data count
		r.u32()
	case 9:
		checkElements(r)
	case 10:
		m.checkCode(r)
	case 11:
		for range r.count("data segments", maxDataSegments) {
			switch flags := r.u32(); flags {
			case 0:
				r.constExpr()
			case 1:
			case 2:
				r.u32() // memory index
				r.constExpr()
			default:
				r.fail("data segment flags %d are not supported", flags)
			}
			r.skip(r.count("data bytes", math.MaxUint32))
		}
	default:
		r.fail("section id %d is not supported", id)
	}
}

func checkCustomSection(r *binaryReader) {
	name := r.name()
	if name != "name" {
		r.skip(uint32(r.remaining()))
		return
	}

	// wazero decodes the name section. Each known subsection must use up
	// exactly its declared size, because wazero reads the next subsection
	// from where the last one's content ended, not from its declared end.
	for r.remaining() > 0 && r.err == nil {
		id := r.byte()
		size := r.u32()
		if r.err == nil && int64(size) > int64(r.remaining()) {
			r.fail("name subsection %d of %d bytes runs past the end", id, size)
			return
		}
		sub := r.sub(int(size))
		switch id {
		case 0:
			sub.name()
		case 1:
			for range sub.count("function names", maxFunctions) {
				sub.u32()
				sub.name()
			}
		case 2:
			for range sub.count("functions with local names", maxFunctions) {
				sub.u32()
				for range sub.count("local names", maxLocals) {
					sub.u32()
					sub.name()
				}
			}
		default:
			sub.skip(uint32(sub.remaining()))
		}
		if sub.err == nil && sub.remaining() > 0 {
			sub.fail("name subsection %d has %d bytes left over", id, sub.remaining())
		}
		if sub.err != nil {
			r.err = sub.err
		}
	}
}

func (m *moduleShape) checkImports(r *binaryReader) {
	for range r.count("imports", maxImports) {
		r.name()
		r.name()
		switch kind := r.byte(); kind {
		case 0:
			r.u32()
			m.importedFunctions++
		case 1:
			m.tableType(r)
		case 2:
			r.limits()
		case 3:
			r.valueType()
			r.byte() // mutability
		default:
			r.fail("import kind 0x%02x is not supported", kind)
		}
	}
}

// tableType reads a table's element type and limits and adds them to the
// module's totals.
func (m *moduleShape) tableType(r *binaryReader) {
	r.refType()
	flags := r.byte()
	if flags > 1 {
		r.fail("table limits flags 0x%02x are not supported", flags)
		return
	}
	m.tableMinimum += uint64(r.u32())
	if flags == 1 {
		m.tableMaximum += uint64(r.u32())
	} else {
		m.tablesUnbounded = true
	}
	if r.err == nil && m.tableMinimum > maxTableElements {
		r.fail("tables declare %d elements, over the limit of %d", m.tableMinimum, maxTableElements)
	}
}

func checkElements(r *binaryReader) {
	funcIndices := func() {
		for range r.count("element entries", maxTableElements) {
			r.u32()
		}
	}
	constExprs := func() {
		for range r.count("element entries", maxTableElements) {
			r.constExpr()
		}
	}
	elemKind := func() {
		if kind := r.byte(); kind != 0 && r.err == nil {
			r.fail("element kind 0x%02x is not supported", kind)
		}
	}

	for range r.count("element segments", maxElementSegments) {
		switch flags := r.u32(); flags {
		case 0:
			r.constExpr()
			funcIndices()
		case 1, 3:
			elemKind()
			funcIndices()
		case 2:
			r.u32() // table index
			r.constExpr()
			elemKind()
			funcIndices()
		case 4:
			r.constExpr()
			constExprs()
		case 5, 7:
			r.refType()
			constExprs()
		case 6:
			r.u32() // table index
			r.constExpr()
			r.refType()
			constExprs()
		default:
			r.fail("element segment flags %d are not supported", flags)
		}
	}
}

func (m *moduleShape) checkCode(r *binaryReader) {
	n := r.count("function bodies", maxFunctions)
	for i := range n {
		size := r.u32()
		if r.err != nil {
			return
		}
		index := uint64(m.importedFunctions) + uint64(i)
		if size > maxFunctionBodyBytes {
			r.fail("function %d has a body of %d bytes, over the limit of %d", index, size, maxFunctionBodyBytes)
			return
		}
		if int64(size) > int64(r.remaining()) {
			r.fail("function %d has a body of %d bytes, past the end of the section", index, size)
			return
		}
		body := r.sub(int(size))
		m.checkBody(body)
		if body.err != nil {
			r.fail("function %d: %w", index, body.err)
			return
		}
	}
}

// checkBody counts a function's locals and branches. Instructions are read
// as wazero v1.12.0 reads them, so that both find the same instructions.
// In particular wazero reads the opcode after the 0xfd (SIMD) prefix as a
// single byte, where the specification has a LEB128 number.
func (m *moduleShape) checkBody(r *binaryReader) {
	var locals uint64
	for range r.count("local declarations", maxLocals) {
		locals += uint64(r.u32())
		r.valueType()
		if r.err == nil && locals > maxLocals {
			r.fail("%d locals, over the limit of %d", locals, maxLocals)
		}
	}

	branches := uint64(0)
	for r.remaining() > 0 && r.err == nil {
		start := r.pos
		op := r.byte()
		switch {
		case op == 0x02 || op == 0x03 || op == 0x04: // block, loop, if
			branches++
			r.blockType()
		case op == 0x0d: // br_if
			branches++
			r.u32()
		case op == 0x0e: // br_table
			targets := r.count("br_table targets", maxBranches)
			branches += uint64(targets) + 1
			for range targets + 1 {
				r.u32()
			}
		case op == 0x0c || op == 0x10 || (op >= 0x20 && op <= 0x26) || op == 0x3f || op == 0x40 || op == 0xd2:
			// br, call, local.*, global.*, table.get/set, memory.size/grow, ref.func
			r.u32()
		case op == 0x11: // call_indirect
			r.u32()
			r.u32()
		case op == 0x1c: // select with types
			for range r.count("select types", maxResults) {
				r.valueType()
			}
		case op >= 0x28 && op <= 0x3e: // loads and stores
			r.memarg()
		case op == 0x41: // i32.const
			r.skipLEB(5)
		case op == 0x42: // i64.const
			r.skipLEB(10)
		case op == 0x43: // f32.const
			r.skip(4)
		case op == 0x44: // f64.const
			r.skip(8)
		case op == 0xd0: // ref.null
			r.refType()
		case op == 0xfc:
			m.miscInstruction(r)
		case op == 0xfd:
			simdInstruction(r)
		case op <= 0x01 || op == 0x05 || op == 0x0b || op == 0x0f || op == 0x1a || op == 0x1b ||
			(op >= 0x45 && op <= 0xc4) || op == 0xd1:
			// No immediates: unreachable, nop, else, end, return, drop,
			// select, numeric instructions, ref.is_null.
		default:
			r.fail("opcode 0x%02x at byte %d is not supported", op, start)
		}
		if r.err == nil && branches > maxBranches {
			r.fail("more than %d blocks and branches, which would make compiling it too slow", maxBranches)
		}
	}
}

// miscInstruction reads an instruction after the 0xfc prefix.
func (m *moduleShape) miscInstruction(r *binaryReader) {
	switch sub := r.u32(); {
	case sub <= 7: // saturating truncations
	case sub == 9 || sub == 11 || sub == 13 || sub == 16 || sub == 17:
		// data.drop, memory.fill, elem.drop, table.size, table.fill
		r.u32()
	case sub == 8 || sub == 10 || sub == 12 || sub == 14:
		// memory.init, memory.copy, table.init, table.copy
		r.u32()
		r.u32()
	case sub == 15: // table.grow
		r.u32()
		if r.err == nil && (m.tablesUnbounded || m.tableMaximum > maxTableElements) {
			r.fail("uses table.grow, so every table must declare a maximum, and the maxima must add up to at most %d elements", maxTableElements)
		}
	default:
		r.fail("instruction 0xfc %d is not supported", sub)
	}
}

// simdInstruction reads an instruction after the 0xfd prefix.
func simdInstruction(r *binaryReader) {
	switch sub := r.byte(); {
	case sub <= 11 || sub == 92 || sub == 93: // loads and stores
		r.memarg()
	case sub == 12 || sub == 13: // v128.const, i8x16.shuffle
		r.skip(16)
	case sub >= 21 && sub <= 34: // extract and replace lane
		r.skip(1)
	case sub >= 84 && sub <= 91: // load and store lane
		r.memarg()
		r.skip(1)
	}
}

// binaryReader reads a module's binary encoding. After the first error,
// later reads return zero values and keep that error, so a caller checks
// err once after a run of reads.
type binaryReader struct {
	buf []byte
	pos int
	err error
}

func (r *binaryReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

func (r *binaryReader) remaining() int { return len(r.buf) - r.pos }

// sub returns a reader of the next n bytes, which the caller has checked
// are there, and skips them.
func (r *binaryReader) sub(n int) *binaryReader {
	s := &binaryReader{buf: r.buf[r.pos : r.pos+n]}
	r.pos += n
	return s
}

func (r *binaryReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.pos >= len(r.buf) {
		r.err = io.ErrUnexpectedEOF
		return 0
	}
	b := r.buf[r.pos]
	r.pos++
	return b
}

func (r *binaryReader) skip(n uint32) {
	if r.err != nil {
		return
	}
	if int64(n) > int64(r.remaining()) {
		r.err = io.ErrUnexpectedEOF
		return
	}
	r.pos += int(n)
}

// u32 reads an unsigned LEB128 number of at most 32 bits.
func (r *binaryReader) u32() uint32 {
	var v uint32
	for i := range 5 {
		b := r.byte()
		if r.err != nil {
			return 0
		}
		if i == 4 && b > 0x0f {
			r.fail("number at byte %d overflows 32 bits", r.pos-1)
			return 0
		}
		v |= uint32(b&0x7f) << (7 * i)
		if b < 0x80 {
			return v
		}
	}
	return v // not reached: the fifth byte is below 0x80
}

// skipLEB skips a signed LEB128 number of at most maxLen bytes.
func (r *binaryReader) skipLEB(maxLen int) {
	for range maxLen {
		if b := r.byte(); b < 0x80 || r.err != nil {
			return
		}
	}
	r.fail("number at byte %d is longer than %d bytes", r.pos, maxLen)
}

// count reads the length of a vector and checks it against limit and
// against the bytes left, since every item takes at least one byte.
func (r *binaryReader) count(what string, limit uint32) uint32 {
	n := r.u32()
	if r.err != nil {
		return 0
	}
	if n > limit {
		r.fail("%d %s, over the limit of %d", n, what, limit)
		return 0
	}
	if int64(n) > int64(r.remaining()) {
		r.fail("%d %s claimed with %d bytes left", n, what, r.remaining())
		return 0
	}
	return n
}

func (r *binaryReader) name() string {
	n := r.count("bytes of name", maxNameBytes)
	start := r.pos
	r.skip(n)
	if r.err != nil {
		return ""
	}
	return string(r.buf[start:r.pos])
}

func (r *binaryReader) valueType() {
	switch t := r.byte(); t {
	case 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f: // i32 i64 f32 f64 v128 funcref externref
	default:
		r.fail("value type 0x%02x is not supported", t)
	}
}

func (r *binaryReader) refType() {
	if t := r.byte(); t != 0x70 && t != 0x6f && r.err == nil {
		r.fail("reference type 0x%02x is not supported", t)
	}
}

func (r *binaryReader) limits() {
	flags := r.byte()
	if flags > 3 {
		r.fail("limits flags 0x%02x are not supported", flags)
		return
	}
	r.u32()
	if flags&1 != 0 {
		r.u32()
	}
}

// blockType reads a block type, a signed LEB128 number that is negative for
// 0x40 (no result) or a value type and else a type index. Typed reference
// block types, after which wazero reads a further heap type, are rejected
// in any encoding, so that both readers stay aligned.
func (r *binaryReader) blockType() {
	var v int64
	var shift uint
	for {
		b := r.byte()
		if r.err != nil {
			return
		}
		v |= int64(b&0x7f) << shift
		shift += 7
		if b < 0x80 {
			if b&0x40 != 0 {
				v -= 1 << shift // sign-extend
			}
			break
		}
		if shift >= 35 {
			r.fail("block type at byte %d is longer than 5 bytes", r.pos)
			return
		}
	}
	switch {
	case v >= 0: // a type index
	case v == -64 || (v >= -5 && v <= -1) || v == -16 || v == -17:
		// empty, i32, i64, f32, f64, v128, funcref, externref
	default:
		r.fail("block type %d is not supported", v)
	}
}

func (r *binaryReader) memarg() {
	r.u32() // alignment
	r.u32() // offset
}

// constExpr reads a constant expression up to and including its end.
func (r *binaryReader) constExpr() {
	for r.err == nil {
		switch op := r.byte(); op {
		case 0x0b: // end
			return
		case 0x41:
			r.skipLEB(5)
		case 0x42:
			r.skipLEB(10)
		case 0x43:
			r.skip(4)
		case 0x44:
			r.skip(8)
		case 0x23, 0xd2: // global.get, ref.func
			r.u32()
		case 0xd0: // ref.null
			r.refType()
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended constant arithmetic
		case 0xfd:
			if sub := r.byte(); sub != 12 && r.err == nil {
				r.fail("instruction 0xfd %d is not allowed in a constant expression", sub)
			}
			r.skip(16)
		default:
			if r.err == nil {
				r.fail("opcode 0x%02x is not allowed in a constant expression", op)
			}
		}
	}
}

func sectionName(id byte) string {
	names := [...]string{"custom", "type", "import", "function", "table", "memory", "global",
		"export", "start", "element", "code", "data", "data count"}
	if int(id) < len(names) {
		return names[id]
	}
	return fmt.Sprintf("%d", id)
}
