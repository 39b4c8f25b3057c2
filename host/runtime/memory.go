package runtime

import "github.com/tetratelabs/wazero/experimental"

// limitedAllocator gives each instance a linear memory that cannot grow past
// limit bytes. A memory.grow past it returns -1 to the guest, which is how
// a guest learns it is out of memory.
type limitedAllocator struct {
	limit uint64
}

func (a limitedAllocator) Allocate(capacity, max uint64) experimental.LinearMemory {
	return &limitedMemory{limit: min(a.limit, max), initialCap: min(capacity, a.limit)}
}

type limitedMemory struct {
	limit      uint64
	initialCap uint64
	buf        []byte
}

// Reallocate grows the memory to size bytes, keeping its contents. It returns
// nil when size is over the limit.
func (m *limitedMemory) Reallocate(size uint64) []byte {
	if size > m.limit {
		return nil
	}
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		return m.buf
	}
	// Grow geometrically, like append, but never past the limit.
	newCap := max(size, uint64(cap(m.buf))*2, m.initialCap)
	newCap = min(newCap, m.limit)
	buf := make([]byte, size, newCap)
	copy(buf, m.buf)
	m.buf = buf
	return buf
}

func (m *limitedMemory) Free() { m.buf = nil }
