package runtime

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
)

// outputWriter turns a guest's stdout or stderr into log lines, one per line
// of output, tagged with the call's tenant, plugin and event. Output counts
// against the call's log budget.
type outputWriter struct {
	stream string
	level  slog.Level
	inst   *instance

	mu      sync.Mutex
	partial []byte
}

func (w *outputWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()

	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			// Keep an unfinished line, but not without bound.
			room := maxLogLineBytes - len(w.partial)
			w.partial = append(w.partial, p[:min(len(p), max(room, 0))]...)
			if len(w.partial) >= maxLogLineBytes {
				w.emit(w.partial)
				w.partial = w.partial[:0]
			}
			break
		}
		line := p[:i]
		if len(w.partial) > 0 {
			line = append(w.partial, line...)
		}
		w.emit(line)
		w.partial = w.partial[:0]
		p = p[i+1:]
	}
	return n, nil
}

// flush logs an unfinished last line. The instance calls it after each call.
func (w *outputWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.partial) > 0 {
		w.emit(w.partial)
		w.partial = w.partial[:0]
	}
}

func (w *outputWriter) emit(line []byte) {
	s := w.inst.state
	if s == nil {
		w.inst.plugin.logger.Log(context.Background(), w.level, string(line), "stream", w.stream)
		return
	}
	if len(line) > maxLogLineBytes {
		line = line[:maxLogLineBytes]
	}
	if !s.chargeLog(len(line)) {
		return
	}
	s.logger.Log(context.Background(), w.level, string(line), "stream", w.stream)
}
