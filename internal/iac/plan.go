package iac

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/big"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
)

// isPlan reports whether the start of a JSON file looks like the output
// of `terraform show -json` (a plan, or a state).
func isPlan(head []byte) bool {
	return bytes.Contains(head, []byte(`"format_version"`)) &&
		(bytes.Contains(head, []byte(`"terraform_version"`)) || bytes.Contains(head, []byte(`"planned_values"`)))
}

// loadPlan reads a plan (or state) JSON file into a Module. Values are
// exact; values unknown until apply stay unknown, and references recorded
// in the plan's configuration link resources by identity.
//
// encoding/json refuses nesting deeper than 10000 levels, which the
// decoding recursion handles safely; child modules deeper than the depth
// budget are not scanned, and a skipped entry says so.
func loadPlan(ctx context.Context, fsys fs.FS, p string) (*Module, []finding.Skipped) {
	skip := func(reason string) []finding.Skipped {
		return []finding.Skipped{{Path: p, Scanner: scannerName, Reason: reason}}
	}
	depth := limits.From(ctx).Depth
	data, err := readRegular(fsys, p, 0)
	if err != nil {
		return nil, skip(fmt.Sprintf("reading Terraform plan: %v", err))
	}
	var plan tfjson.Plan
	if err := json.Unmarshal(data, &plan); err != nil {
		return nil, skip(fmt.Sprintf("decoding Terraform plan JSON: %s", oneLine(err.Error())))
	}
	values := plan.PlannedValues
	if values == nil {
		// `terraform show -json` of a state has "values" instead.
		var st tfjson.State
		if err := json.Unmarshal(data, &st); err == nil && st.Values != nil {
			values = st.Values
		}
	}
	if values == nil || values.RootModule == nil {
		return nil, nil
	}
	unknown := map[string]any{}
	for _, rc := range plan.ResourceChanges {
		if rc != nil && rc.Change != nil {
			unknown[rc.Address] = rc.Change.AfterUnknown
		}
	}
	refs := map[string]map[string][]string{}
	if plan.Config != nil && plan.Config.RootModule != nil {
		configRefs(plan.Config.RootModule, "", refs, depth)
	}
	m := &Module{Dir: p}
	var insts []instance
	var skipped []finding.Skipped
	truncated := func(addr string) {
		if len(skipped) == 0 {
			skipped = skip(fmt.Sprintf("%v: the child modules of %q are not scanned", limits.Exceeded("child module depth", depth), addr))
		}
	}
	walkState(values.RootModule, depth, truncated, func(r *tfjson.StateResource) {
		modPath := modulePath(r.Address)
		n := &valueNode{
			v:       toCty(r.AttributeValues),
			unknown: unknown[r.Address],
			refs:    refs[stripKeys(modPath)+configAddress(r)],
			prefix:  modPath,
			r:       Range{Path: p, Object: r.Address},
			depth:   depth,
		}
		insts = append(insts, instance{typ: r.Type, address: r.Address, node: n})
	})
	build(m, insts)
	return m, skipped
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// walkState calls f for every resource of m and its child modules down to
// depth levels; below that it calls truncated with the module's address.
func walkState(m *tfjson.StateModule, depth int, truncated func(addr string), f func(*tfjson.StateResource)) {
	if m == nil {
		return
	}
	for _, r := range m.Resources {
		if r != nil {
			f(r)
		}
	}
	if len(m.ChildModules) == 0 {
		return
	}
	if depth <= 0 {
		truncated(m.Address)
		return
	}
	for _, c := range m.ChildModules {
		walkState(c, depth-1, truncated, f)
	}
}

func configAddress(r *tfjson.StateResource) string {
	if r.Mode == tfjson.DataResourceMode {
		return "data." + r.Type + "." + r.Name
	}
	return r.Type + "." + r.Name
}

// modulePath returns the "module.a[0].module.b." prefix of an address.
func modulePath(addr string) string {
	prefix := ""
	for strings.HasPrefix(addr, "module.") {
		j := nextSegment(addr[len("module."):])
		if j < 0 {
			break
		}
		seg := addr[:len("module.")+j]
		prefix += seg
		addr = addr[len(seg):]
	}
	return prefix
}

// stripKeys removes instance keys from a module path.
func stripKeys(p string) string {
	var b strings.Builder
	depth, inQuote := 0, false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case inQuote && c == '\\':
			i++
			continue
		case c == '"' && depth > 0:
			inQuote = !inQuote
			continue
		case c == '[' && !inQuote:
			depth++
			continue
		case c == ']' && !inQuote:
			depth--
			continue
		}
		if depth == 0 {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// configRefs records, per resource (by key-less address), the resources
// each attribute refers to.
func configRefs(m *tfjson.ConfigModule, prefix string, out map[string]map[string][]string, depth int) {
	if m == nil || depth < 0 {
		return
	}
	for _, r := range m.Resources {
		if r == nil {
			continue
		}
		attrs := map[string][]string{}
		for name, e := range r.Expressions {
			if e != nil && e.ExpressionData != nil && len(e.References) > 0 {
				attrs[name] = e.References
			}
		}
		out[prefix+r.Address] = attrs
	}
	for name, c := range m.ModuleCalls {
		if c != nil {
			configRefs(c.Module, prefix+"module."+name+".", out, depth-1)
		}
	}
}

// valueNode is a resource (or nested block) of a plan: exact values, an
// after_unknown tree, and the references its configuration makes.
type valueNode struct {
	v       cty.Value
	unknown any
	refs    map[string][]string
	prefix  string
	r       Range
	depth   int
}

func (n *valueNode) rng() Range { return n.r }

func (n *valueNode) sub(name string) any {
	if m, ok := n.unknown.(map[string]any); ok {
		return m[name]
	}
	return nil
}

func (n *valueNode) attr(name string) (cty.Value, Range, bool) {
	if b, ok := n.sub(name).(bool); ok && b {
		v := cty.DynamicVal
		for _, r := range n.refs[name] {
			v = v.Mark(refMark(n.prefix + r))
		}
		return v, n.r, true
	}
	if n.v.IsNull() || !n.v.Type().IsObjectType() || !n.v.Type().HasAttribute(name) {
		return cty.NilVal, Range{}, false
	}
	v := n.v.GetAttr(name)
	if v.IsNull() {
		return cty.NilVal, Range{}, false
	}
	return v, n.r, true
}

func (n *valueNode) blocks(name string) []node {
	v, _, ok := n.attr(name)
	if !ok {
		return nil
	}
	if !v.IsWhollyKnown() && !v.IsKnown() {
		return []node{unknownNode{n.r}}
	}
	v, _ = v.Unmark()
	els, _ := elements(v)
	unk, _ := n.sub(name).([]any)
	var out []node
	for i, e := range els {
		if e.IsNull() || !e.Type().IsObjectType() {
			continue
		}
		var u any
		if i < len(unk) {
			u = unk[i]
		}
		out = append(out, &valueNode{v: e, unknown: u, prefix: n.prefix, r: n.r, depth: n.depth})
	}
	return out
}

func (n *valueNode) document(name string) (cty.Value, Range, bool) {
	v, r, ok := n.attr(name)
	if !ok {
		return cty.NilVal, Range{}, false
	}
	return decodeDocument(v, n.depth), r, true
}

// toCty converts decoded JSON into a cty value.
func toCty(x any) cty.Value {
	switch v := x.(type) {
	case nil:
		return cty.NullVal(cty.DynamicPseudoType)
	case bool:
		return cty.BoolVal(v)
	case string:
		return cty.StringVal(v)
	case float64:
		return cty.NumberFloatVal(v)
	case json.Number:
		f, _, err := big.ParseFloat(string(v), 10, 512, big.ToNearestEven)
		if err != nil {
			return cty.DynamicVal
		}
		return cty.NumberVal(f)
	case []any:
		if len(v) == 0 {
			return cty.EmptyTupleVal
		}
		els := make([]cty.Value, len(v))
		for i, e := range v {
			els[i] = toCty(e)
		}
		return cty.TupleVal(els)
	case map[string]any:
		if len(v) == 0 {
			return cty.EmptyObjectVal
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		obj := make(map[string]cty.Value, len(v))
		for _, k := range keys {
			obj[k] = toCty(v[k])
		}
		return cty.ObjectVal(obj)
	}
	return cty.DynamicVal
}
