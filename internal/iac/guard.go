package iac

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/fourc-dev/fourc/internal/limits"
)

// guard enforces the budgets of one module tree's evaluation: steps,
// the size and depth of the values it builds, the per-input deadline and
// the caller's cancellation. The first budget exceeded is kept in err;
// from then on every evaluation returns an unknown value at once, and the
// loader reports the module as skipped.
type guard struct {
	ctx      context.Context
	lim      limits.Limits
	deadline time.Time
	steps    int64
	// check is the step count at which the clock and ctx are next read.
	check int64
	// built counts the elements and bytes built so far by the expression
	// being evaluated (function results, for expression elements, template
	// parts), so that its intermediate values are bounded as well as its
	// result.
	built int64
	err   error
}

// checkEvery is how many steps pass between reads of the clock and ctx.
const checkEvery = 256

func newGuard(ctx context.Context) *guard {
	lim := limits.From(ctx)
	return &guard{ctx: ctx, lim: lim, deadline: time.Now().Add(lim.PerInput)}
}

// fail records the first budget error.
func (g *guard) fail(err error) error {
	if g.err == nil {
		g.err = err
	}
	return g.err
}

// step charges n units of work, failing once the steps, the deadline or
// the context run out.
func (g *guard) step(n int64) error {
	if g.err != nil {
		return g.err
	}
	g.steps += n
	if g.steps > g.lim.EvalSteps {
		return g.fail(limits.Exceeded("evaluation steps", g.lim.EvalSteps))
	}
	if g.steps < g.check {
		return nil
	}
	g.check = g.steps + checkEvery
	if err := g.ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return g.fail(limits.Exceeded("evaluation time", g.lim.PerInput))
		}
		return g.fail(fmt.Errorf("evaluation stopped: %w", err))
	}
	if time.Now().After(g.deadline) {
		return g.fail(limits.Exceeded("evaluation time", g.lim.PerInput))
	}
	return nil
}

// admit charges n elements or bytes about to be built, refusing more than
// one value may hold.
func (g *guard) admit(n int64) error {
	if n > g.lim.CollectionElements || n < 0 {
		return g.fail(limits.Exceeded("collection size", g.lim.CollectionElements))
	}
	return g.step(n)
}

// measure checks a value: its size in elements and bytes (sharing counted
// as often as it is reachable) and its nesting depth.
func (g *guard) measure(v cty.Value) error {
	_, err := g.measured(v)
	return err
}

func (g *guard) measured(v cty.Value) (int64, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.size(v, g.lim.CollectionElements)
	if err != nil {
		return 0, err
	}
	return n, g.admit(n)
}

// build measures a value the current expression built, and adds it to what
// the expression has built so far.
func (g *guard) build(v cty.Value) error {
	n, err := g.measured(v)
	if err != nil {
		return err
	}
	g.built += n
	if g.built > g.lim.CollectionElements {
		return g.fail(limits.Exceeded("collection size", g.lim.CollectionElements))
	}
	return nil
}

// size returns the size of v in elements and string bytes, stopping as
// soon as it passes limit. Nesting deeper than the depth budget fails.
func (g *guard) size(v cty.Value, limit int64) (int64, error) {
	var n int64
	var walk func(v cty.Value, depth int) error
	walk = func(v cty.Value, depth int) error {
		if depth > g.lim.Depth {
			return g.fail(limits.Exceeded("value depth", g.lim.Depth))
		}
		if n > limit {
			return nil
		}
		n++
		v, _ = v.Unmark()
		if v.IsNull() || !v.IsKnown() {
			return nil
		}
		t := v.Type()
		switch {
		case t == cty.String:
			n += int64(len(v.AsString()))
		case t.IsListType(), t.IsSetType(), t.IsTupleType(), t.IsMapType(), t.IsObjectType():
			for it := v.ElementIterator(); it.Next(); {
				k, e := it.Element()
				if t.IsMapType() || t.IsObjectType() {
					n += int64(len(k.AsString()))
				}
				if err := walk(e, depth+1); err != nil {
					return err
				}
				if n > limit {
					return nil
				}
			}
		}
		return nil
	}
	err := walk(v, 0)
	return n, err
}

// eval evaluates an expression within the budget; an error, or a budget
// already exceeded, leaves the value unknown.
func (g *guard) eval(e hcl.Expression, ctx *hcl.EvalContext) cty.Value {
	if g.step(1) != nil {
		return cty.DynamicVal
	}
	if ctx == nil {
		ctx = &hcl.EvalContext{Functions: g.guardFuncs()}
	}
	g.built = 0
	v, diags := e.Value(ctx)
	if g.err != nil || diags.HasErrors() {
		return cty.DynamicVal
	}
	if g.measure(v) != nil {
		return cty.DynamicVal
	}
	return v
}
