package render

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/fourc-dev/fourc/internal/limits"
)

// meter is the budget of one render: the steps of work it may do, the
// bytes it may produce and the moment it must end. Every template function,
// template output write and file-system call of a render charges it; once
// a budget is spent every later charge fails with the same error, so a
// render that cannot be interrupted stops at its next charge. stop is set
// from another goroutine when the context ends.
type meter struct {
	ctx      context.Context
	lim      limits.Limits
	deadline time.Time
	steps    atomic.Int64
	stopped  atomic.Bool
	err      atomic.Pointer[error]
}

// newMeter returns a meter for one render under ctx's limits: its deadline
// is PerInput from now, or ctx's own deadline when that comes first.
func newMeter(ctx context.Context) *meter {
	lim := limits.From(ctx)
	m := &meter{ctx: ctx, lim: lim, deadline: time.Now().Add(lim.PerInput)}
	if d, ok := ctx.Deadline(); ok && d.Before(m.deadline) {
		m.deadline = d
	}
	return m
}

// fail records err as the render's error unless one is recorded already,
// and returns the recorded one.
func (m *meter) fail(err error) error {
	m.err.CompareAndSwap(nil, &err)
	m.stopped.Store(true)
	return *m.err.Load()
}

// Err returns the budget error the render ran into, or nil.
func (m *meter) Err() error {
	if p := m.err.Load(); p != nil {
		return *p
	}
	return nil
}

// check fails when the render was stopped, its context ended or its
// deadline passed.
func (m *meter) check() error {
	if m.stopped.Load() {
		if err := m.Err(); err != nil {
			return err
		}
	}
	if err := m.ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return m.fail(limits.Exceeded("rendering", m.lim.PerInput))
		}
		return m.fail(err)
	}
	if time.Now().After(m.deadline) {
		return m.fail(limits.Exceeded("rendering", m.lim.PerInput))
	}
	return nil
}

// stop ends the render at its deadline or at the end of its context and
// returns why.
func (m *meter) stop() error {
	if err := m.check(); err != nil {
		return err
	}
	return m.fail(limits.Exceeded("rendering", m.lim.PerInput))
}

// charge counts n steps of work and checks the deadline.
func (m *meter) charge(n int64) error {
	if n < 0 || m.steps.Add(n) > m.lim.RenderSteps || m.steps.Load() < 0 {
		return m.fail(limits.Exceeded("rendering steps", m.lim.RenderSteps))
	}
	return m.check()
}

// bytesCost is the steps charged for producing n bytes of strings.
func bytesCost(n int) int64 { return int64(n)/32 + 1 }

// outputCapped returns the error for a string or output over
// RenderedBytes.
func (m *meter) outputCapped() error {
	return m.fail(limits.Exceeded("rendered output", limits.Bytes(m.lim.RenderedBytes)))
}

// writeCost is the steps charged for one write of template output, on
// top of its bytes: each write is the end of one template action.
const writeCost = 4

// writer is a template output that charges its meter and refuses more than
// max bytes.
type writer struct {
	m     *meter
	buf   []byte
	max   int64
	calls int
}

func (w *writer) Write(p []byte) (int, error) {
	w.calls++
	if n := w.m.steps.Add(writeCost + bytesCost(len(p))); n > w.m.lim.RenderSteps || w.m.stopped.Load() || w.calls%256 == 0 {
		if err := w.m.charge(0); err != nil {
			return 0, err
		}
	}
	if int64(len(w.buf))+int64(len(p)) > w.max {
		return 0, w.m.outputCapped()
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

func (w *writer) String() string { return string(w.buf) }
