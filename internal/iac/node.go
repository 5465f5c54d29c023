package iac

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// node is a resource body, or a nested block, whatever its source: HCL
// (native or JSON syntax) evaluated in its module's context, or a plan's
// JSON values. Extractors read models from nodes only.
type node interface {
	// attr returns an attribute's value (possibly unknown, possibly marked
	// with resource references) and range; ok is false when the attribute
	// is not set or null.
	attr(name string) (v cty.Value, r Range, ok bool)
	// blocks returns the nested blocks of a type, dynamic blocks expanded.
	blocks(name string) []node
	// document returns a JSON document attribute (an IAM policy) as a
	// value, decoding JSON text and looking inside jsonencode(...).
	document(name string) (v cty.Value, r Range, ok bool)
	// rng is the block's header.
	rng() Range
}

// maxExpansion caps count, for_each and dynamic blocks; beyond it a
// collection is treated as unknown.
const maxExpansion = 1000

type hclNode struct {
	body   hcl.Body
	ctx    *hcl.EvalContext
	def    Range
	budget *budget
	g      *guard
}

func toRange(r hcl.Range) Range {
	return Range{Path: r.Filename, StartLine: r.Start.Line, EndLine: r.End.Line}
}

func (n *hclNode) rng() Range { return n.def }

func (n *hclNode) expr(name string) (hcl.Expression, hcl.Range, bool) {
	if sb, ok := n.body.(*hclsyntax.Body); ok {
		a := sb.Attributes[name]
		if a == nil {
			return nil, hcl.Range{}, false
		}
		return a.Expr, a.SrcRange, true
	}
	c, _, _ := n.body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: name}}})
	if c == nil || c.Attributes[name] == nil {
		return nil, hcl.Range{}, false
	}
	a := c.Attributes[name]
	return a.Expr, a.Range, true
}

func (n *hclNode) attr(name string) (cty.Value, Range, bool) {
	e, r, ok := n.expr(name)
	if !ok {
		return cty.NilVal, Range{}, false
	}
	v := n.g.eval(e, n.ctx)
	if v.IsNull() {
		return cty.NilVal, Range{}, false
	}
	return v, toRange(r), true
}

func (n *hclNode) document(name string) (cty.Value, Range, bool) {
	e, r, ok := n.expr(name)
	if !ok {
		return cty.NilVal, Range{}, false
	}
	if fc, isCall := e.(*hclsyntax.FunctionCallExpr); isCall && fc.Name == "jsonencode" && len(fc.Args) == 1 {
		return n.g.eval(fc.Args[0], n.ctx), toRange(r), true
	}
	return decodeDocument(n.g.eval(e, n.ctx), n.g.lim.Depth), toRange(r), true
}

// decodeDocument turns JSON text into a value; anything else, or JSON
// nested deeper than depth, is unknown.
func decodeDocument(v cty.Value, depth int) cty.Value {
	u, _ := unmark(v)
	s, ok := toString(u)
	if !ok || jsonDepth([]byte(s)) > depth {
		return cty.DynamicVal
	}
	d, err := stdlib.JSONDecode(cty.StringVal(s))
	if err != nil {
		return cty.DynamicVal
	}
	return d
}

func (n *hclNode) blocks(name string) []node {
	var out []node
	sb, ok := n.body.(*hclsyntax.Body)
	if !ok {
		c, _, _ := n.body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: name}}})
		if c == nil {
			return nil
		}
		for _, b := range c.Blocks {
			out = append(out, &hclNode{body: b.Body, ctx: n.ctx, def: toRange(b.DefRange), budget: n.budget, g: n.g})
		}
		return out
	}
	for _, b := range sb.Blocks {
		switch {
		case b.Type == name:
			out = append(out, &hclNode{body: b.Body, ctx: n.ctx, def: toRange(b.DefRange()), budget: n.budget, g: n.g})
		case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == name:
			out = append(out, n.dynamic(b)...)
		}
	}
	return out
}

// dynamic expands a dynamic block into its content blocks, one per element
// of a known for_each, or one with an unknown iterator.
func (n *hclNode) dynamic(b *hclsyntax.Block) []node {
	var content *hclsyntax.Block
	for _, c := range b.Body.Blocks {
		if c.Type == "content" {
			content = c
			break
		}
	}
	if content == nil {
		return nil
	}
	iter := b.Labels[0]
	if a := b.Body.Attributes["iterator"]; a != nil {
		if kw := hcl.ExprAsKeyword(a.Expr); kw != "" {
			iter = kw
		}
	}
	mk := func(key, val cty.Value) node {
		ctx := n.ctx.NewChild()
		ctx.Variables = map[string]cty.Value{iter: cty.ObjectVal(map[string]cty.Value{"key": key, "value": val})}
		return &hclNode{body: content.Body, ctx: ctx, def: toRange(b.DefRange()), budget: n.budget, g: n.g}
	}
	var fe cty.Value = cty.DynamicVal
	if a := b.Body.Attributes["for_each"]; a != nil {
		fe = n.g.eval(a.Expr, n.ctx)
	}
	pairs, ok := iterate(fe)
	if !ok || !n.budget.take(len(pairs)) {
		return []node{mk(cty.DynamicVal, cty.DynamicVal)}
	}
	out := make([]node, 0, len(pairs))
	for _, p := range pairs {
		out = append(out, mk(p.key, p.val))
	}
	return out
}

type pair struct{ key, val cty.Value }

// iterate returns the key/value pairs of a known collection (list, set,
// tuple, map or object), or false when it cannot be known or is too big.
func iterate(v cty.Value) ([]pair, bool) {
	// Only the collection's own marks go: elements keep theirs, so that
	// for_each = aws_s3_bucket.this gives each.value its bucket's identity.
	u, _ := v.Unmark()
	if u.IsNull() || !u.IsKnown() {
		return nil, false
	}
	t := u.Type()
	if !(t.IsListType() || t.IsSetType() || t.IsTupleType() || t.IsMapType() || t.IsObjectType()) {
		return nil, false
	}
	if t.IsSetType() && !u.IsWhollyKnown() {
		return nil, false
	}
	if u.LengthInt() > maxExpansion {
		return nil, false
	}
	var out []pair
	for it := u.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if t.IsSetType() {
			k, _ = e.UnmarkDeep()
		}
		out = append(out, pair{k, e})
	}
	return out, true
}

// absent is a missing nested block: every attribute is unset, and its
// range is the enclosing block's.
type absent struct{ r Range }

func (a absent) attr(string) (cty.Value, Range, bool)     { return cty.NilVal, Range{}, false }
func (a absent) blocks(string) []node                     { return nil }
func (a absent) document(string) (cty.Value, Range, bool) { return cty.NilVal, Range{}, false }
func (a absent) rng() Range                               { return a.r }

// unknownNode is a nested block whose content cannot be known (a plan's
// computed block): every attribute is set but unknown.
type unknownNode struct{ r Range }

func (u unknownNode) attr(string) (cty.Value, Range, bool)     { return cty.DynamicVal, u.r, true }
func (u unknownNode) blocks(string) []node                     { return []node{u} }
func (u unknownNode) document(string) (cty.Value, Range, bool) { return cty.DynamicVal, u.r, true }
func (u unknownNode) rng() Range                               { return u.r }

// first returns the first nested block of a type, or an absent one.
func first(n node, name string) (node, bool) {
	if bs := n.blocks(name); len(bs) > 0 {
		return bs[0], true
	}
	return absent{n.rng()}, false
}

func getString(n node, name string, def ...string) Value[string] {
	v, r, ok := n.attr(name)
	if !ok {
		if len(def) > 0 {
			return Default(def[0], n.rng())
		}
		return Unknown[string](n.rng())
	}
	u, refs := unmark(v)
	s, known := toString(u)
	return Value[string]{Val: s, Known: known, Explicit: true, Range: r, Refs: refs}
}

func getBool(n node, name string, def ...bool) Value[bool] {
	v, r, ok := n.attr(name)
	if !ok {
		if len(def) > 0 {
			return Default(def[0], n.rng())
		}
		return Unknown[bool](n.rng())
	}
	u, refs := unmark(v)
	b, known := toBool(u)
	return Value[bool]{Val: b, Known: known, Explicit: true, Range: r, Refs: refs}
}

func getInt(n node, name string, def ...int) Value[int] {
	v, r, ok := n.attr(name)
	if !ok {
		if len(def) > 0 {
			return Default(def[0], n.rng())
		}
		return Unknown[int](n.rng())
	}
	u, refs := unmark(v)
	i, known := toInt(u)
	return Value[int]{Val: i, Known: known, Explicit: true, Range: r, Refs: refs}
}

// getList reads a list of strings; when it is not set, the list is known
// and holds def.
func getList(n node, name string, def ...string) List {
	v, r, ok := n.attr(name)
	if !ok {
		l := List{Known: true, Range: n.rng()}
		for _, d := range def {
			l.Items = append(l.Items, Default(d, n.rng()))
		}
		return l
	}
	return listOf(v, r)
}

func listOf(v cty.Value, r Range) List {
	u, refs := unmark(v)
	l := List{Explicit: true, Range: r, Refs: refs}
	els, known := elements(u)
	if !known {
		return l
	}
	l.Known = true
	for _, e := range els {
		s, ok := toString(e)
		l.Items = append(l.Items, Value[string]{Val: s, Known: ok, Explicit: true, Range: r})
	}
	return l
}

// getMap reads the known string entries of a map attribute (tags).
func getMap(n node, name string) map[string]string {
	v, _, ok := n.attr(name)
	if !ok {
		return nil
	}
	u, _ := unmark(v)
	if u.IsNull() || !u.IsKnown() || !(u.Type().IsMapType() || u.Type().IsObjectType()) {
		return nil
	}
	out := map[string]string{}
	for it := u.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if s, ok := toString(e); ok && k.Type() == cty.String {
			out[k.AsString()] = s
		}
	}
	return out
}
