package iac

import (
	"math/big"
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Range is where a block or a value comes from. Sources without lines
// (plan JSON) set Object to the resource address instead.
type Range struct {
	// Path is the file, slash-separated and relative to the scan root.
	Path string
	// StartLine and EndLine are 1-based; zero when unknown.
	StartLine int
	EndLine   int
	// Object is the resource address when the source has no lines.
	Object string
}

// Value is one attribute of a resource as far as it can be known offline.
type Value[T comparable] struct {
	// Val is the value; meaningful only when Known.
	Val T
	// Known is false when the value depends on something that cannot be
	// known before apply (an unset variable, another resource's ID).
	Known bool
	// Explicit is true when the source sets the attribute; false means the
	// provider's default applies (and Range is the block's).
	Explicit bool
	// Range is the attribute's range, or the block's when it is not set.
	Range Range
	// Refs are the addresses of the resources the value refers to, e.g.
	// "aws_s3_bucket.logs" for `bucket = aws_s3_bucket.logs.id`.
	Refs []string
}

// Is reports whether the value is known and equal to x.
func (v Value[T]) Is(x T) bool { return v.Known && v.Val == x }

// Default returns a known, implicit value: the provider default for an
// attribute that is not set, located at the block.
func Default[T comparable](x T, r Range) Value[T] {
	return Value[T]{Val: x, Known: true, Range: r}
}

// Unknown returns an implicit value that cannot be known.
func Unknown[T comparable](r Range) Value[T] { return Value[T]{Range: r} }

// List is a list of strings (CIDR blocks, actions, log types). The list
// itself may be unknown, or known with some unknown items.
type List struct {
	Items    []Value[string]
	Known    bool
	Explicit bool
	Range    Range
	Refs     []string
}

// Has reports whether a known item equals one of xs.
func (l List) Has(xs ...string) bool {
	for _, it := range l.Items {
		if it.Known && slices.Contains(xs, it.Val) {
			return true
		}
	}
	return false
}

// HasFold is Has ignoring case.
func (l List) HasFold(xs ...string) bool {
	for _, it := range l.Items {
		if !it.Known {
			continue
		}
		for _, x := range xs {
			if strings.EqualFold(it.Val, x) {
				return true
			}
		}
	}
	return false
}

// WhollyKnown reports whether the list and all its items are known.
func (l List) WhollyKnown() bool {
	if !l.Known {
		return false
	}
	for _, it := range l.Items {
		if !it.Known {
			return false
		}
	}
	return true
}

// Strings returns the known items.
func (l List) Strings() []string {
	var out []string
	for _, it := range l.Items {
		if it.Known {
			out = append(out, it.Val)
		}
	}
	return out
}

// refMark marks a value that refers to a resource: its address. Marks
// survive templates, functions and locals, which is how a reference is
// resolved by identity rather than by name.
type refMark string

// unmark strips v of all marks and returns the resource references found.
func unmark(v cty.Value) (cty.Value, []string) {
	u, marks := v.UnmarkDeep()
	var refs []string
	for m := range marks {
		if r, ok := m.(refMark); ok {
			refs = append(refs, string(r))
		}
	}
	slices.Sort(refs)
	return u, refs
}

func toString(v cty.Value) (string, bool) {
	v, _ = v.UnmarkDeep()
	if v.IsNull() || !v.IsKnown() {
		return "", false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil || s.IsNull() || !s.IsKnown() {
		return "", false
	}
	return s.AsString(), true
}

func toBool(v cty.Value) (bool, bool) {
	v, _ = v.UnmarkDeep()
	if v.IsNull() || !v.IsKnown() {
		return false, false
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil || b.IsNull() || !b.IsKnown() {
		return false, false
	}
	return b.True(), true
}

func toInt(v cty.Value) (int, bool) {
	v, _ = v.UnmarkDeep()
	if v.IsNull() || !v.IsKnown() {
		return 0, false
	}
	n, err := convert.Convert(v, cty.Number)
	if err != nil || n.IsNull() || !n.IsKnown() {
		return 0, false
	}
	i, acc := n.AsBigFloat().Int64()
	if acc != big.Exact || i > 1<<31 || i < -(1<<31) {
		return 0, false
	}
	return int(i), true
}

// elements returns the items of a known list, set or tuple, or of a single
// value treated as a one-item list.
func elements(v cty.Value) ([]cty.Value, bool) {
	if v.IsNull() {
		return nil, true
	}
	if !v.IsKnown() {
		return nil, false
	}
	t := v.Type()
	if t.IsListType() || t.IsSetType() || t.IsTupleType() {
		var out []cty.Value
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = append(out, e)
		}
		return out, true
	}
	return []cty.Value{v}, true
}
