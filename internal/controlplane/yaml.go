package controlplane

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// yamlNode is a decoded YAML (or JSON) document that keeps line numbers.
type yamlNode struct{ n *yaml.Node }

// maxConfigSize bounds the config files components read.
const maxConfigSize = 4 << 20

// decodeYAML decodes the first document of data.
func decodeYAML(data []byte) (*yamlNode, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty document")
		}
		return nil, err
	}
	n := &doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("document is a %s, not a mapping", kindName(n.Kind))
	}
	return &yamlNode{n: n}, nil
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "mapping"
}

// get returns the child of a mapping by key.
func (y *yamlNode) get(key string) *yamlNode {
	if y == nil || y.n == nil || y.n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(y.n.Content); i += 2 {
		if y.n.Content[i].Value == key {
			return &yamlNode{n: resolveAlias(y.n.Content[i+1])}
		}
	}
	return nil
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for depth := 0; n != nil && n.Kind == yaml.AliasNode && depth < 8; depth++ {
		n = n.Alias
	}
	return n
}

// path follows a dotted path of mapping keys.
func (y *yamlNode) path(dotted string) *yamlNode {
	cur := y
	for key := range strings.SplitSeq(dotted, ".") {
		cur = cur.get(key)
		if cur == nil {
			return nil
		}
	}
	return cur
}

// items returns the elements of a sequence.
func (y *yamlNode) items() []*yamlNode {
	if y == nil || y.n == nil || y.n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yamlNode, 0, len(y.n.Content))
	for _, c := range y.n.Content {
		out = append(out, &yamlNode{n: resolveAlias(c)})
	}
	return out
}

// str returns a scalar's value ("" for anything else).
func (y *yamlNode) str() string {
	if y == nil || y.n == nil || y.n.Kind != yaml.ScalarNode {
		return ""
	}
	return y.n.Value
}

// line returns the node's 1-based line.
func (y *yamlNode) line() int {
	if y == nil || y.n == nil {
		return 0
	}
	return y.n.Line
}

// keyLine returns the line of key in a mapping (where "key:" is written).
func (y *yamlNode) keyLine(key string) int {
	if y == nil || y.n == nil || y.n.Kind != yaml.MappingNode {
		return 0
	}
	for i := 0; i+1 < len(y.n.Content); i += 2 {
		if y.n.Content[i].Value == key {
			return y.n.Content[i].Line
		}
	}
	return 0
}

// lookup returns the value at a dotted path rendered as a flag value would
// be: a scalar as is, a list as "a,b", a mapping as "k=v,k=v" (sorted), and
// the line where it is written.
func (y *yamlNode) lookup(dotted string) (string, int, bool) {
	v := y.path(dotted)
	if v == nil || v.n == nil {
		return "", 0, false
	}
	parent, last := y, dotted
	if i := strings.LastIndex(dotted, "."); i >= 0 {
		parent, last = y.path(dotted[:i]), dotted[i+1:]
	}
	line := parent.keyLine(last)
	switch v.n.Kind {
	case yaml.ScalarNode:
		if v.n.Tag == "!!null" {
			return "", line, false
		}
		return v.n.Value, line, true
	case yaml.SequenceNode:
		var parts []string
		for _, it := range v.items() {
			parts = append(parts, it.str())
		}
		return strings.Join(parts, ","), line, true
	case yaml.MappingNode:
		var parts []string
		for i := 0; i+1 < len(v.n.Content); i += 2 {
			parts = append(parts, v.n.Content[i].Value+"="+resolveAlias(v.n.Content[i+1]).Value)
		}
		slices.Sort(parts)
		return strings.Join(parts, ","), line, true
	}
	return "", line, false
}

// boolValue parses a Kubernetes boolean flag value.
func boolValue(s string) (bool, bool) {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	return b, err == nil
}
