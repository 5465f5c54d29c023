package iac

import (
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strings"

	"cel.dev/cel-go/common/types"
	cref "cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"github.com/zclconf/go-cty/cty"
)

// The values a rule's condition sees. A resource is an [object] whose
// fields are read lazily from its node: an attribute evaluates only when a
// rule reads it, once per resource. Every field resolves, so a condition
// never stops on a missing key:
//
//   - a set attribute is its value (string, bool, int or double, list,
//     object); JSON text and jsonencode(...) documents are decoded;
//   - nested blocks are a [blockList]: iterate it (`r.ingress.exists(i, …)`)
//     or read a field straight through it, which reads the first block
//     (`r.versioning.enabled`); a list of objects reads the same way, and
//     an empty list is missing (plan JSON writes absent blocks as []);
//   - anything not set is [missing]: not equal to any value, empty when
//     iterated, missing again when selected; `has(r.x)` is false;
//   - a value that cannot be known offline is CEL's unknown, which no
//     operator turns into true except `||` with a true side and `&&` with a
//     false side, so a rule never fires on it.
var (
	objectType    = types.NewObjectType("fourc.iac.object", traits.IndexerType|traits.FieldTesterType|traits.IterableType|traits.SizerType|traits.ContainerType)
	blockListType = types.NewObjectType("fourc.iac.blocks", traits.IndexerType|traits.FieldTesterType|traits.IterableType|traits.SizerType|traits.ContainerType)
	absentType    = types.NewObjectType("fourc.iac.missing", traits.IndexerType|traits.FieldTesterType|traits.IterableType|traits.SizerType|traits.ContainerType)
)

// reads records the ranges of the fields a condition read, so that a
// finding points at the attribute that decided it.
type reads struct {
	last Range
}

func (t *reads) saw(r Range) {
	if t != nil && (r.StartLine > 0 || r.Object != "") {
		t.last = r
	}
}

// object is a resource, a nested block, or a map value.
type object struct {
	// n is set for a resource or a block; fields then resolve lazily.
	n     node
	cache map[string]resolved
	track *reads
	// fields is set for a map or object value.
	fields map[string]cref.Val
}

// resolved is one resolved field of a node: its value and its range.
type resolved struct {
	v cref.Val
	r Range
}

func newResourceView(n node, track *reads) *object {
	return &object{n: n, cache: map[string]resolved{}, track: track}
}

func (o *object) resolve(name string) resolved {
	if f, ok := o.cache[name]; ok {
		o.track.saw(f.r)
		return f
	}
	var f resolved
	if v, r, ok := o.objectAttr(name); ok {
		f = resolved{v: toCEL(v, 0), r: r}
	} else if bs := o.n.blocks(name); len(bs) > 0 {
		items := make([]*object, len(bs))
		for i, b := range bs {
			items[i] = &object{n: b, cache: map[string]resolved{}, track: o.track}
		}
		f = resolved{v: &blockList{items: items}, r: bs[0].rng()}
	} else if v, r, ok := o.n.attr(name); ok {
		if u, _ := unmark(v); !u.IsKnown() || looksJSON(u) {
			if d, dr, ok := o.n.document(name); ok && d != cty.DynamicVal {
				v, r = d, dr
			}
		}
		f = resolved{v: toCEL(v, 0), r: r}
	} else {
		f = resolved{v: missing{}}
	}
	o.cache[name] = f
	o.track.saw(f.r)
	return f
}

// objectAttr returns an attribute whose value is a map or an object. Plan
// JSON cannot tell such an attribute (tags, environment variables) from a
// nested block, and its nodes offer both; the map wins. (ARM nodes read nested
// objects as blocks on purpose: their names are case-insensitive.)
func (o *object) objectAttr(name string) (cty.Value, Range, bool) {
	if _, plan := o.n.(*valueNode); !plan {
		return cty.NilVal, Range{}, false
	}
	v, r, ok := o.n.attr(name)
	if !ok {
		return v, r, false
	}
	u, _ := unmark(v)
	if !u.IsKnown() || u.IsNull() || !(u.Type().IsObjectType() || u.Type().IsMapType()) {
		return cty.NilVal, Range{}, false
	}
	return v, r, true
}

// looksJSON reports whether a known string holds a JSON object or array.
func looksJSON(v cty.Value) bool {
	if v.IsNull() || v.Type() != cty.String {
		return false
	}
	s := strings.TrimSpace(v.AsString())
	return strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")
}

func (o *object) get(key string) cref.Val {
	if o.n != nil {
		return o.resolve(key).v
	}
	if v, ok := o.fields[key]; ok {
		return v
	}
	return missing{}
}

// Get implements traits.Indexer.
func (o *object) Get(index cref.Val) cref.Val {
	k, ok := index.(types.String)
	if !ok {
		return types.NewErr("object field %v: want a string", index)
	}
	return o.get(string(k))
}

// IsSet implements traits.FieldTester.
func (o *object) IsSet(f cref.Val) cref.Val {
	v := o.Get(f)
	if types.IsError(v) {
		return v
	}
	_, missing := v.(missing)
	return types.Bool(!missing)
}

// Contains implements traits.Container: `"k" in obj`.
func (o *object) Contains(k cref.Val) cref.Val { return o.IsSet(k) }

// Iterator implements traits.Iterable over a map's keys, sorted. A
// resource or block cannot list its fields.
func (o *object) Iterator() traits.Iterator {
	if o.n != nil {
		return &iterator{}
	}
	keys := make([]string, 0, len(o.fields))
	for k := range o.fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	items := make([]cref.Val, len(keys))
	for i, k := range keys {
		items[i] = types.String(k)
	}
	return &iterator{items: items}
}

// Size implements traits.Sizer.
func (o *object) Size() cref.Val { return types.Int(len(o.fields)) }

func (o *object) ConvertToNative(t reflect.Type) (any, error) {
	return nil, fmt.Errorf("an IaC object does not convert to %v", t)
}

func (o *object) ConvertToType(t cref.Type) cref.Val {
	if t == types.TypeType {
		return objectType
	}
	return types.NewErr("an IaC object does not convert to %s", t.TypeName())
}

func (o *object) Equal(other cref.Val) cref.Val { return types.Bool(o == other) }
func (o *object) Type() cref.Type               { return objectType }
func (o *object) Value() any                    { return o }

// blockList is the nested blocks of one type, in source order.
type blockList struct {
	items []*object
}

// Get implements traits.Indexer: an integer picks a block, a string reads
// that field of the first block (missing when there is none).
func (l *blockList) Get(index cref.Val) cref.Val {
	switch k := index.(type) {
	case types.Int:
		if k < 0 || int(k) >= len(l.items) {
			return types.NewErr("block index %d out of range", k)
		}
		return l.items[k]
	case types.String:
		if len(l.items) == 0 {
			return missing{}
		}
		return l.items[0].Get(k)
	}
	return types.NewErr("block index %v: want an int or a field name", index)
}

// IsSet implements traits.FieldTester on the first block.
func (l *blockList) IsSet(f cref.Val) cref.Val {
	if len(l.items) == 0 {
		return types.False
	}
	return l.items[0].IsSet(f)
}

// Contains implements traits.Container: whether the first block sets a field.
func (l *blockList) Contains(k cref.Val) cref.Val { return l.IsSet(k) }

// Iterator implements traits.Iterable over the blocks.
func (l *blockList) Iterator() traits.Iterator {
	items := make([]cref.Val, len(l.items))
	for i, it := range l.items {
		items[i] = it
	}
	return &iterator{items: items}
}

// Size implements traits.Sizer.
func (l *blockList) Size() cref.Val { return types.Int(len(l.items)) }

func (l *blockList) ConvertToNative(t reflect.Type) (any, error) {
	return nil, fmt.Errorf("IaC blocks do not convert to %v", t)
}

func (l *blockList) ConvertToType(t cref.Type) cref.Val {
	if t == types.TypeType {
		return blockListType
	}
	return types.NewErr("IaC blocks do not convert to %s", t.TypeName())
}

func (l *blockList) Equal(other cref.Val) cref.Val { return types.Bool(l == other) }
func (l *blockList) Type() cref.Type               { return blockListType }
func (l *blockList) Value() any                    { return l }

// missing is a field that is not set.
type missing struct{}

func (missing) Get(cref.Val) cref.Val      { return missing{} }
func (missing) IsSet(cref.Val) cref.Val    { return types.False }
func (missing) Contains(cref.Val) cref.Val { return types.False }
func (missing) Iterator() traits.Iterator  { return &iterator{} }
func (missing) Size() cref.Val             { return types.Int(0) }
func (missing) Equal(o cref.Val) cref.Val  { _, ok := o.(missing); return types.Bool(ok) }
func (missing) Type() cref.Type            { return absentType }
func (missing) Value() any                 { return nil }
func (missing) ConvertToType(t cref.Type) cref.Val {
	if t == types.TypeType {
		return absentType
	}
	return types.NewErr("an missing field does not convert to %s", t.TypeName())
}

func (missing) ConvertToNative(reflect.Type) (any, error) { return nil, nil }

type iterator struct {
	items []cref.Val
	i     int
}

func (it *iterator) HasNext() cref.Val { return types.Bool(it.i < len(it.items)) }

func (it *iterator) Next() cref.Val {
	if it.i >= len(it.items) {
		return nil
	}
	it.i++
	return it.items[it.i-1]
}

func (it *iterator) ConvertToNative(reflect.Type) (any, error) {
	return nil, fmt.Errorf("an iterator does not convert")
}
func (it *iterator) ConvertToType(cref.Type) cref.Val {
	return types.NewErr("an iterator does not convert")
}
func (it *iterator) Equal(o cref.Val) cref.Val { return types.Bool(it == o) }
func (it *iterator) Type() cref.Type           { return types.IteratorType }
func (it *iterator) Value() any                { return it }

// maxViewDepth bounds the conversion of nested values; deeper parts are
// unknown. Inputs are already bounded by the loader's depth budget.
const maxViewDepth = 64

// unknownVal is the unknown a rule sees for a value that cannot be known.
func unknownVal() cref.Val { return types.NewUnknown(0, nil) }

// toCEL converts an evaluated value: unknown stays unknown, null is missing.
func toCEL(v cty.Value, depth int) cref.Val {
	v, _ = v.UnmarkDeep()
	switch {
	case v == cty.NilVal || v.IsNull():
		return missing{}
	case !v.IsKnown() || depth > maxViewDepth:
		return unknownVal()
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return types.String(v.AsString())
	case t == cty.Bool:
		return types.Bool(v.True())
	case t == cty.Number:
		f := v.AsBigFloat()
		if f.IsInt() {
			if i, acc := f.Int64(); acc == big.Exact {
				return types.Int(i)
			}
		}
		d, _ := f.Float64()
		return types.Double(d)
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		// An empty list is how plan JSON writes a block that is not
		// there; a list of objects is how it writes blocks, and how HCL's
		// attribute syntax does: both read like blocks.
		var items []cref.Val
		var objs []*object
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			c := toCEL(e, depth+1)
			items = append(items, c)
			if o, ok := c.(*object); ok {
				objs = append(objs, o)
			}
		}
		switch {
		case len(items) == 0:
			return missing{}
		case len(objs) == len(items):
			return &blockList{items: objs}
		}
		return types.NewRefValList(types.DefaultTypeAdapter, items)
	case t.IsMapType() || t.IsObjectType():
		fields := map[string]cref.Val{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			fields[k.AsString()] = toCEL(e, depth+1)
		}
		return &object{fields: fields}
	}
	return unknownVal()
}
