package iac

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/fourc-dev/fourc/internal/limits"
)

// Names of the functions that instrument's calls go through. They hold a
// space, so no configuration can name them.
const (
	collGuard = "fourc collection"
	partGuard = "fourc template part"
	valGuard  = "fourc for element"
)

// instrument checks the nesting of a parsed native-syntax body against
// the depth budget, and rewrites the places where an expression can build
// values out of proportion to its source so that they pass through the
// evaluation guard: the collection of every for expression (charged its
// length before the loop runs), every element it produces and every
// interpolated part of a template (charged their size). It walks no deeper than depth, so it is safe on any
// tree the parser built.
func instrument(body *hclsyntax.Body, depth int) error {
	w := &instrumenter{max: depth}
	w.body(body, 0)
	return w.err
}

type instrumenter struct {
	max int
	err error
}

func (w *instrumenter) deep(d int) bool {
	if w.err == nil && d > w.max {
		w.err = limits.Exceeded("expression depth", w.max)
	}
	return w.err != nil
}

func (w *instrumenter) body(b *hclsyntax.Body, d int) {
	if b == nil || w.deep(d) {
		return
	}
	for _, a := range b.Attributes {
		w.expr(a.Expr, d+1)
	}
	for _, blk := range b.Blocks {
		w.body(blk.Body, d+1)
	}
}

// wrap returns e as the argument of a call to the named guard function.
func wrap(name string, e hclsyntax.Expression) hclsyntax.Expression {
	r := e.Range()
	return &hclsyntax.FunctionCallExpr{
		Name:            name,
		Args:            []hclsyntax.Expression{e},
		NameRange:       r,
		OpenParenRange:  hcl.Range{Filename: r.Filename, Start: r.Start, End: r.Start},
		CloseParenRange: hcl.Range{Filename: r.Filename, Start: r.End, End: r.End},
	}
}

func (w *instrumenter) expr(e hclsyntax.Expression, d int) {
	if e == nil || w.deep(d) {
		return
	}
	d++
	switch e := e.(type) {
	case *hclsyntax.ParenthesesExpr:
		w.expr(e.Expression, d)
	case *hclsyntax.RelativeTraversalExpr:
		w.expr(e.Source, d)
	case *hclsyntax.FunctionCallExpr:
		for _, a := range e.Args {
			w.expr(a, d)
		}
	case *hclsyntax.ConditionalExpr:
		w.expr(e.Condition, d)
		w.expr(e.TrueResult, d)
		w.expr(e.FalseResult, d)
	case *hclsyntax.IndexExpr:
		w.expr(e.Collection, d)
		w.expr(e.Key, d)
	case *hclsyntax.TupleConsExpr:
		for _, x := range e.Exprs {
			w.expr(x, d)
		}
	case *hclsyntax.ObjectConsExpr:
		for _, it := range e.Items {
			w.expr(it.KeyExpr, d)
			w.expr(it.ValueExpr, d)
		}
	case *hclsyntax.ObjectConsKeyExpr:
		w.expr(e.Wrapped, d)
	case *hclsyntax.ForExpr:
		w.expr(e.CollExpr, d)
		w.expr(e.KeyExpr, d)
		w.expr(e.ValExpr, d)
		w.expr(e.CondExpr, d)
		e.CollExpr = wrap(collGuard, e.CollExpr)
		e.ValExpr = wrap(valGuard, e.ValExpr)
	case *hclsyntax.SplatExpr:
		w.expr(e.Source, d)
		w.expr(e.Each, d)
	case *hclsyntax.BinaryOpExpr:
		w.expr(e.LHS, d)
		w.expr(e.RHS, d)
	case *hclsyntax.UnaryOpExpr:
		w.expr(e.Val, d)
	case *hclsyntax.TemplateExpr:
		for i, p := range e.Parts {
			w.expr(p, d)
			if _, lit := p.(*hclsyntax.LiteralValueExpr); !lit {
				e.Parts[i] = wrap(partGuard, p)
			}
		}
	case *hclsyntax.TemplateJoinExpr:
		w.expr(e.Tuple, d)
	case *hclsyntax.TemplateWrapExpr:
		w.expr(e.Wrapped, d)
	}
}
