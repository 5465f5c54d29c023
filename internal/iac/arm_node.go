package iac

import (
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// armNode is an ARM resource, or an object inside one: the JSON as
// written (its lines, and its property names, which are compared without
// case as ARM does) and its evaluated value. Properties are values of
// their JSON types, expressions evaluated as far as they are known and
// unknown (cty.DynamicVal) beyond. A resource's "resources" (its nested
// children, which are Resources of their own) is not among its
// properties; a nested child's "type" and "name" are its full type and
// name ("Microsoft.Sql/servers/firewallRules", "sql1/AllowAll").
type armNode struct {
	// j is the object as written; nil when an expression built it.
	j     *jnode
	v     cty.Value
	path  string
	r     Range
	depth int
}

func (n *armNode) rng() Range { return n.r }

// lookup finds a property: its value, its JSON when written literally,
// and its range (the key's line to the value's last).
func (n *armNode) lookup(name string) (cty.Value, *jnode, Range, bool) {
	if !n.v.IsKnown() {
		return cty.DynamicVal, nil, n.r, true
	}
	if i := n.j.index(name); i >= 0 {
		if v, ok := armAttr(n.v, n.j.keys[i]); ok {
			r := Range{Path: n.path, StartLine: n.j.keyLines[i], EndLine: n.j.vals[i].end}
			return v, n.j.vals[i], r, true
		}
	}
	if v, ok := armAttr(n.v, name); ok {
		return v, nil, n.r, true
	}
	return cty.NilVal, nil, Range{}, false
}

func (n *armNode) attr(name string) (cty.Value, Range, bool) {
	v, _, r, ok := n.lookup(name)
	if !ok || v.IsNull() {
		return cty.NilVal, Range{}, false
	}
	return v, r, true
}

// document is attr, with JSON text decoded.
func (n *armNode) document(name string) (cty.Value, Range, bool) {
	v, r, ok := n.attr(name)
	if !ok {
		return v, r, ok
	}
	if v.IsKnown() && v.Type() == cty.String {
		if s := strings.TrimSpace(v.AsString()); strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
			return decodeDocument(v, n.depth), r, true
		}
	}
	return v, r, true
}

// blocks returns a property holding an object as one node, or one holding
// an array as a node per object in it.
func (n *armNode) blocks(name string) []node {
	v, j, r, ok := n.lookup(name)
	if !ok || v.IsNull() {
		return nil
	}
	if !v.IsKnown() {
		return []node{unknownNode{r}}
	}
	sub := func(e cty.Value, ej *jnode, er Range) node {
		if ej != nil && ej.kind != jObj {
			ej = nil // built by an expression
		}
		if ej != nil {
			er = Range{Path: n.path, StartLine: ej.line, EndLine: ej.end}
		}
		return &armNode{j: ej, v: e, path: n.path, r: er, depth: n.depth}
	}
	ty := v.Type()
	switch {
	case ty.IsObjectType() || ty.IsMapType():
		if j != nil && j.kind != jObj {
			j = nil
		}
		return []node{&armNode{j: j, v: v, path: n.path, r: r, depth: n.depth}}
	case ty.IsTupleType() || ty.IsListType():
		literal := j != nil && j.kind == jArr && len(j.vals) == v.LengthInt()
		var out []node
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			switch {
			case e.IsNull():
			case !e.IsKnown():
				out = append(out, unknownNode{r})
			case e.Type().IsObjectType() || e.Type().IsMapType():
				var ej *jnode
				if literal {
					ej = j.vals[i]
				}
				out = append(out, sub(e, ej, r))
			}
		}
		return out
	}
	return nil
}
