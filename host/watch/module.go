package watch

import (
	"bytes"
	"errors"
	"fmt"
)

// wasmHeader is the preamble of a core WebAssembly module: the magic number
// "\0asm" followed by binary format version 1 as a little-endian uint32.
var wasmHeader = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

// checkModule returns an error when data is not a whole WebAssembly module.
// Beyond the header it walks the section headers: each section is an id byte
// and an unsigned LEB128 size, and the last section must end exactly at the
// end of data. A custom section (id 0) must also hold its whole name, which
// rejects a tail of zero bytes left by a writer that reserved the file's
// size before filling it.
//
// The walk does not validate section contents; compiling the module does.
//
// NOTE: a file cut exactly at a section boundary passes, because the binary
// format records no total length. The quiet period before a file is read is
// what guards against that case.
func checkModule(data []byte) error {
	if len(data) < len(wasmHeader) {
		return fmt.Errorf("file is %d bytes, shorter than the %d-byte WebAssembly header", len(data), len(wasmHeader))
	}
	if !bytes.Equal(data[:4], wasmHeader[:4]) {
		return fmt.Errorf("missing the WebAssembly magic number: the file starts with % x", data[:4])
	}
	if !bytes.Equal(data[4:8], wasmHeader[4:]) {
		return fmt.Errorf("unsupported WebAssembly binary version % x: want 01 00 00 00 (a core module)", data[4:8])
	}

	offset := len(wasmHeader)
	for offset < len(data) {
		id := data[offset]
		size, n, err := readVarUint32(data[offset+1:])
		if err != nil {
			return fmt.Errorf("section %d at offset %d: size: %w", id, offset, err)
		}
		start := offset + 1 + n
		end := start + int(size)
		if end > len(data) {
			return fmt.Errorf("section %d at offset %d is %d bytes long, but the file ends %d bytes into it",
				id, offset, size, len(data)-start)
		}

		if id == 0 {
			nameLen, m, err := readVarUint32(data[start:end])
			if err != nil {
				return fmt.Errorf("custom section at offset %d: name length: %w", offset, err)
			}
			if uint64(m)+uint64(nameLen) > uint64(size) {
				return fmt.Errorf("custom section at offset %d has a %d-byte name that does not fit in its %d bytes",
					offset, nameLen, size)
			}
		}
		offset = end
	}
	return nil
}

// readVarUint32 decodes an unsigned LEB128 number of at most 32 bits from the
// start of b. It returns the value and the number of bytes it took.
func readVarUint32(b []byte) (uint32, int, error) {
	var value uint32
	for i := range 5 {
		if i == len(b) {
			return 0, 0, errors.New("file ends inside a LEB128 number")
		}
		c := b[i]
		if i == 4 && c > 0x0f {
			return 0, 0, errors.New("LEB128 number does not fit in 32 bits")
		}
		value |= uint32(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return value, i + 1, nil
		}
	}
	// Unreachable: the fifth byte is at most 0x0f, so its high bit is clear.
	return 0, 0, errors.New("LEB128 number does not fit in 32 bits")
}
