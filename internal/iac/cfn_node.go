package iac

import (
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"go.yaml.in/yaml/v3"
)

// cfnNode is a CloudFormation resource's Properties (or a nested mapping
// of them) as a node, for rules. Names resolve case-insensitively and
// ignoring underscores, so Terraform's storage_encrypted finds
// StorageEncrypted. Lists of mappings are blocks; other values are
// attributes, with intrinsic functions resolved as far as parameters'
// defaults allow and unknown beyond.
type cfnNode struct {
	t     *cfnTemplate
	props *yaml.Node
	def   Range
}

func (n *cfnNode) rng() Range { return n.def }

func foldName(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }

func (n *cfnNode) lookup(name string) *yaml.Node {
	if n.props == nil || n.props.Kind != yaml.MappingNode {
		return nil
	}
	if v := mapGet(n.props, name); v != nil {
		return v
	}
	want := foldName(name)
	for i := 0; i+1 < len(n.props.Content); i += 2 {
		if foldName(n.props.Content[i].Value) == want {
			return n.props.Content[i+1]
		}
	}
	return nil
}

// isBlockList reports whether a node is a list of plain mappings.
func isBlockList(v *yaml.Node) bool {
	its := items(v)
	if len(its) == 0 {
		return false
	}
	for _, it := range its {
		if _, _, fn := intrinsic(it); fn || it.Kind != yaml.MappingNode {
			return false
		}
	}
	return true
}

func (n *cfnNode) attr(name string) (cty.Value, Range, bool) {
	v := n.lookup(name)
	if v == nil || isBlockList(v) {
		return cty.NilVal, Range{}, false
	}
	c := n.t.value(v, 0)
	if c.IsNull() {
		return cty.NilVal, Range{}, false
	}
	return c, n.t.rng(v, n.def), true
}

func (n *cfnNode) document(name string) (cty.Value, Range, bool) { return n.attr(name) }

func (n *cfnNode) blocks(name string) []node {
	v := n.lookup(name)
	if !isBlockList(v) {
		return nil
	}
	out := make([]node, len(v.Content))
	for i, it := range v.Content {
		out[i] = &cfnNode{t: n.t, props: it, def: n.t.rng(it, n.def)}
	}
	return out
}

// value converts a template value: scalars by their tag (and "true",
// "false" and plain integers written as strings, as CloudFormation
// accepts them), intrinsic functions as far as they resolve.
func (t *cfnTemplate) value(n *yaml.Node, depth int) cty.Value {
	if n == nil || depth > maxViewDepth {
		return cty.DynamicVal
	}
	if n.Kind == yaml.AliasNode {
		return cty.DynamicVal
	}
	if _, _, fn := intrinsic(n); fn {
		s, known, _ := t.scalar(n, 0)
		if !known {
			return cty.DynamicVal
		}
		return scalarValue(s, "!!str")
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return scalarValue(n.Value, n.ShortTag())
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return cty.EmptyTupleVal
		}
		vs := make([]cty.Value, len(n.Content))
		for i, c := range n.Content {
			vs[i] = t.value(c, depth+1)
		}
		return cty.TupleVal(vs)
	case yaml.MappingNode:
		m := map[string]cty.Value{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = t.value(n.Content[i+1], depth+1)
		}
		return cty.ObjectVal(m)
	}
	return cty.DynamicVal
}

func scalarValue(s, tag string) cty.Value {
	switch tag {
	case "!!null":
		return cty.NullVal(cty.DynamicPseudoType)
	case "!!bool":
		return cty.BoolVal(strings.EqualFold(s, "true"))
	case "!!int", "!!float":
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return cty.NumberFloatVal(f)
		}
	}
	switch {
	case strings.EqualFold(s, "true"):
		return cty.True
	case strings.EqualFold(s, "false"):
		return cty.False
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil && (s == "0" || !strings.HasPrefix(s, "0")) && len(s) < 10 {
		return cty.NumberIntVal(i)
	}
	return cty.StringVal(s)
}
