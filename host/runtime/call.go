package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/tetratelabs/wazero/experimental"

	"github.com/bubblehost/bubblehost/abi"
	"github.com/bubblehost/bubblehost/host/sched"
)

// Outcome classifies how a call ended, for logs and metrics.
type Outcome string

const (
	OutcomeOK       Outcome = "ok"
	OutcomeFailed   Outcome = "failed"   // the plugin returned StatusFailed
	OutcomeTimeout  Outcome = "timeout"  // the deadline passed
	OutcomeTrap     Outcome = "trap"     // the guest trapped, exited or broke the ABI
	OutcomeRejected Outcome = "rejected" // no instance could be had, or the plugin is closed
	OutcomeAborted  Outcome = "aborted"  // the caller cancelled the call, as a stopping host does
)

// ErrClosed is returned by Handle after Close.
var ErrClosed = errors.New("plugin closed")

// CallError is a failed call. Outcome is the way it failed.
type CallError struct {
	Outcome Outcome
	Err     error
}

func (e *CallError) Error() string { return e.Err.Error() }
func (e *CallError) Unwrap() error { return e.Err }

// OutcomeOf returns the outcome of a call that returned err.
func OutcomeOf(err error) Outcome {
	if err == nil {
		return OutcomeOK
	}
	var ce *CallError
	if errors.As(err, &ce) {
		return ce.Outcome
	}
	return OutcomeTrap
}

// Call is one event for a plugin to handle.
type Call struct {
	// Event is the webhook body the guest reads with event_read.
	Event []byte
	// Actions carries out the actions the guest requests. Nil makes every
	// action fail with abi.ErrUnavailable.
	Actions ActionFunc
	// Logger receives the guest's log lines and output; it should carry the
	// tenant and event type. Nil means the plugin's own logger.
	Logger *slog.Logger
	// LimitHit, when set, is called the first time the call runs into each
	// of the limits that do not end it: LimitLogBytes, LimitActions. Limits
	// that end the call show in its outcome instead.
	LimitHit func(limit string)
}

// Limits a call can run into without failing, as LimitHit names them.
const (
	LimitLogBytes = "log_bytes"         // output past it is dropped
	LimitActions  = "actions_per_event" // actions past it get abi.ErrLimit
)

// Handle runs the plugin for one event under the plugin's deadline. A call
// that traps or overruns its deadline loses its instance, never the plugin:
// the next call gets a fresh one.
func (p *Plugin) Handle(parent context.Context, c Call) error {
	// The wait for an instance is bounded by the deadline, and the call
	// then gets its whole deadline, so a call stuck behind the plugin's
	// other calls does not time out for time it never ran.
	waitCtx, cancelWait := context.WithTimeout(parent, p.limits.Deadline)
	inst, err := p.acquire(waitCtx)
	cancelWait()
	if err != nil {
		if errors.Is(parent.Err(), context.Canceled) {
			// The caller gave up, as a stopping host does, so the plugin
			// is not at fault.
			return &CallError{Outcome: OutcomeAborted, Err: fmt.Errorf("plugin %s: call aborted before it started: %w",
				p.manifest.Name, context.Cause(parent))}
		}
		return err
	}

	ctx, cancel := context.WithTimeout(parent, p.limits.Deadline)
	defer cancel()
	logger := c.Logger
	if logger == nil {
		logger = p.logger
	} else {
		logger = logger.With("plugin", p.manifest.Name)
	}
	inst.state = &callState{
		mode:     modeHandle,
		logger:   logger,
		event:    c.Event,
		config:   p.config,
		actions:  c.Actions,
		limits:   p.limits,
		limitHit: c.LimitHit,
	}
	callCtx := context.WithValue(ctx, callStateKey{}, inst.state)
	callCtx = experimental.WithMemoryAllocator(callCtx, limitedAllocator{limit: uint64(p.limits.MemoryBytes)})

	var res []uint64
	sched.RunGuest(p.engine.lowerAfter, func() {
		res, err = inst.handle.Call(callCtx, uint64(len(c.Event)))
	})
	inst.stdout.flush()
	inst.stderr.flush()
	inst.state = nil

	if err != nil {
		// The instance's state is unknown after a trap or an interruption.
		inst.close(context.Background())
		if errors.Is(parent.Err(), context.Canceled) {
			return &CallError{Outcome: OutcomeAborted, Err: fmt.Errorf("plugin %s: call aborted: %w", p.manifest.Name, context.Cause(parent))}
		}
		if ctx.Err() != nil {
			return &CallError{Outcome: OutcomeTimeout, Err: fmt.Errorf("plugin %s: call exceeded its deadline of %v", p.manifest.Name, p.limits.Deadline)}
		}
		return &CallError{Outcome: OutcomeTrap, Err: fmt.Errorf("plugin %s: %w", p.manifest.Name, err)}
	}
	p.release(inst)

	if status := int32(uint32(res[0])); status != abi.StatusOK {
		return &CallError{Outcome: OutcomeFailed, Err: fmt.Errorf("plugin %s: %s returned status %d", p.manifest.Name, abi.ExportHandle, status)}
	}
	return nil
}

// acquire returns an idle instance, creates one if the pool has room, or
// waits for one until ctx is done.
func (p *Plugin) acquire(ctx context.Context) (*instance, error) {
	for {
		select {
		case inst := <-p.idle:
			return inst, nil
		default:
		}

		select {
		case inst := <-p.idle:
			return inst, nil
		case p.slots <- struct{}{}:
			p.mu.Lock()
			if p.closed {
				p.mu.Unlock()
				<-p.slots
				return nil, &CallError{Outcome: OutcomeRejected, Err: fmt.Errorf("plugin %s: %w", p.manifest.Name, ErrClosed)}
			}
			p.live++
			p.mu.Unlock()

			var inst *instance
			var err error
			// Start code is guest code too, and may run as long as a call.
			sched.RunGuest(p.engine.lowerAfter, func() { inst, err = p.newInstance(ctx) })
			if err != nil {
				p.mu.Lock()
				p.live--
				p.mu.Unlock()
				<-p.slots
				if ctx.Err() != nil {
					return nil, &CallError{Outcome: OutcomeTimeout, Err: fmt.Errorf("plugin %s: starting an instance: %w", p.manifest.Name, ctx.Err())}
				}
				return nil, &CallError{Outcome: OutcomeTrap, Err: fmt.Errorf("plugin %s: %w", p.manifest.Name, err)}
			}
			return inst, nil
		case <-ctx.Done():
			// Not a timeout of this call's guest: every instance was busy.
			return nil, &CallError{Outcome: OutcomeRejected, Err: fmt.Errorf("plugin %s: no free instance before the deadline of %v", p.manifest.Name, p.limits.Deadline)}
		}
	}
}

// release returns a healthy instance to the pool, or closes it when the
// plugin has been closed meanwhile.
func (p *Plugin) release(inst *instance) {
	p.mu.Lock()
	if !p.closed {
		// idle has room for every instance, so this send never blocks. Doing
		// it under the lock keeps Close from missing the instance.
		p.idle <- inst
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	inst.close(context.Background())
}

// Close stops new calls. Calls in flight finish on their instances, which are
// closed as they return; the compiled module goes with the last of them.
func (p *Plugin) Close(ctx context.Context) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	noneLive := p.live == 0
	p.mu.Unlock()

	if noneLive {
		p.engine.release(ctx, p.hash)
		return
	}
	for {
		select {
		case inst := <-p.idle:
			inst.close(ctx)
		default:
			return
		}
	}
}
