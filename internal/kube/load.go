package kube

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	k8sjson "sigs.k8s.io/json"

	"github.com/fourc-dev/fourc/internal/finding"
)

// scannerName names this package's scanner in findings and skipped entries.
const scannerName = "kube"

// nodeBudget bounds how many YAML nodes one document of a file of size n
// may expand to, aliases included: a document without aliases has fewer
// nodes than bytes, so the budget only stops alias bombs, early.
func nodeBudget(n int) int { return 2*n + 10000 }

// maxListDepth bounds Lists nested in Lists.
const maxListDepth = 4

// Load decodes the Kubernetes objects of one manifest file: YAML (one or
// more documents) or JSON, with List documents (kind List or any *List
// kind) expanded into their items. Documents without apiVersion and kind
// are not Kubernetes and are ignored; so are kinds fourc does not inspect.
// A document that claims to be Kubernetes but does not decode is returned
// as a Skipped entry naming the document, and the other documents still
// load. name is the file's path, used in Sources and Skipped entries.
func Load(name string, data []byte) ([]*Object, []finding.Skipped) {
	var (
		objs    []*Object
		skipped []finding.Skipped
	)
	skip := func(doc int, format string, args ...any) {
		skipped = append(skipped, finding.Skipped{
			Path:    name,
			Scanner: scannerName,
			Reason:  fmt.Sprintf("document %d: ", doc) + oneLine(fmt.Sprintf(format, args...)),
		})
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for doc := 1; ; doc++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// The YAML stream cannot be resynchronised after a syntax error.
			skip(doc, "parsing YAML: %v", err)
			break
		}
		if n.Kind != yaml.DocumentNode || len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
			continue
		}
		root := n.Content[0]
		apiVersion, kind, claims, err := typeOf(root)
		if !claims {
			continue
		}
		if err != nil {
			skip(doc, "%v", err)
			continue
		}
		if !isList(kind) && newTyped(apiVersion, kind) == nil {
			continue // a kind fourc does not inspect (ConfigMap, custom resources, …)
		}
		c := converter{lines: map[string]int{}, budget: nodeBudget(len(data))}
		v, err := c.value(root, "", true, 0)
		if err != nil {
			skip(doc, "%s %s: %v", apiVersion, kind, err)
			continue
		}
		d := document{name: name, doc: doc, lines: c.lines}
		got, errs := d.objects(v.(map[string]any), apiVersion, kind, "", root.Line, -1, 0)
		objs = append(objs, got...)
		for _, e := range errs {
			skip(doc, "%v", e)
		}
	}
	return objs, skipped
}

// typeOf reads apiVersion and kind from a document's root mapping without
// converting the rest. claims is false when either key is missing: the
// document is not a Kubernetes object.
func typeOf(root *yaml.Node) (apiVersion, kind string, claims bool, err error) {
	var av, k *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch root.Content[i].Value {
		case "apiVersion":
			av = root.Content[i+1]
		case "kind":
			k = root.Content[i+1]
		}
	}
	if av == nil || k == nil {
		return "", "", false, nil
	}
	if av.Kind != yaml.ScalarNode || k.Kind != yaml.ScalarNode || av.ShortTag() != "!!str" || k.ShortTag() != "!!str" || av.Value == "" || k.Value == "" {
		return "", "", true, fmt.Errorf("line %d: apiVersion and kind must be non-empty strings", root.Line)
	}
	return av.Value, k.Value, true, nil
}

// document turns the generic value of one YAML document into Objects.
type document struct {
	name  string
	doc   int
	lines map[string]int
}

// objects decodes the object at path (the document root, or an item of a
// List) and, for Lists, its items.
func (d document) objects(m map[string]any, apiVersion, kind, path string, line, item, depth int) ([]*Object, []error) {
	if isList(kind) {
		if depth >= maxListDepth {
			return nil, []error{fmt.Errorf("%s nested deeper than %d Lists", kind, maxListDepth)}
		}
		items, ok := m["items"].([]any)
		if !ok {
			if m["items"] == nil {
				return nil, nil
			}
			return nil, []error{fmt.Errorf("%s %s: items must be a list", apiVersion, kind)}
		}
		var (
			objs []*Object
			errs []error
		)
		for i, it := range items {
			ip := fieldIndex(joinField(path, "items"), i)
			im, ok := it.(map[string]any)
			if !ok {
				errs = append(errs, fmt.Errorf("%s item %d is not an object", kind, i))
				continue
			}
			iav, _ := im["apiVersion"].(string)
			ik, _ := im["kind"].(string)
			if ik == "" && kind != "List" {
				// Typed lists (DeploymentList) may leave the items' type out.
				ik, iav = strings.TrimSuffix(kind, "List"), apiVersion
			}
			if iav == "" || ik == "" {
				continue
			}
			got, e := d.objects(im, iav, ik, ip, d.lines[ip], i, depth+1)
			objs = append(objs, got...)
			errs = append(errs, e...)
		}
		return objs, errs
	}
	typed := newTyped(apiVersion, kind)
	if typed == nil {
		return nil, nil
	}
	where := kind
	if meta, ok := m["metadata"].(map[string]any); ok {
		if n, ok := meta["name"].(string); ok {
			where = fmt.Sprintf("%s %q", kind, n)
		}
	}
	if item >= 0 {
		where = fmt.Sprintf("item %d (%s)", item, where)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, []error{fmt.Errorf("%s: encoding as JSON: %w", where, err)}
	}
	if err := k8sjson.UnmarshalCaseSensitivePreserveInts(raw, typed); err != nil {
		return nil, []error{fmt.Errorf("%s: decoding %s %s: %w", where, apiVersion, kind, err)}
	}
	obj, err := NewObject(typed, Source{File: d.name, Doc: d.doc, Item: item})
	if err != nil {
		return nil, []error{fmt.Errorf("%s: %w", where, err)}
	}
	obj.APIVersion = apiVersion
	obj.Lines = Lines{index: d.lines, prefix: path, first: line}
	return []*Object{obj}, nil
}

// isList reports whether kind is a List of objects.
func isList(kind string) bool {
	return kind == "List" || (strings.HasSuffix(kind, "List") && len(kind) > len("List"))
}

// converter turns a YAML node tree into the generic values encoding/json
// produces (map[string]any, []any, string, float64/int, bool, nil) and
// records the line of every field path on the way.
type converter struct {
	lines  map[string]int
	budget int
}

var errTooLarge = errors.New("document expands to too many nodes (alias bomb?)")

// value converts n. record is false inside alias expansions, whose lines
// belong to the anchor, not to this path.
func (c *converter) value(n *yaml.Node, path string, record bool, depth int) (any, error) {
	c.budget--
	if c.budget < 0 || depth > 10000 {
		return nil, errTooLarge
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, fmt.Errorf("line %d: unknown alias", n.Line)
		}
		return c.value(n.Alias, path, false, depth+1)
	case yaml.MappingNode:
		return c.mapping(n, path, record, depth)
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, item := range n.Content {
			ip := fieldIndex(path, i)
			if record {
				c.lines[ip] = item.Line
			}
			v, err := c.value(item, ip, record, depth+1)
			if err != nil {
				return nil, err
			}
			s[i] = v
		}
		return s, nil
	case yaml.ScalarNode:
		return scalar(n)
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

func (c *converter) mapping(n *yaml.Node, path string, record bool, depth int) (any, error) {
	m := make(map[string]any, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: mapping keys must be scalars", k.Line)
		}
		if _, dup := m[k.Value]; dup {
			return nil, fmt.Errorf("line %d: mapping key %q already defined", k.Line, k.Value)
		}
		kp := fieldKey(path, k.Value)
		if record {
			c.lines[kp] = k.Line
		}
		val, err := c.value(v, kp, record, depth+1)
		if err != nil {
			return nil, err
		}
		m[k.Value] = val
	}
	// Merge keys (<<: *base) fill in keys the mapping does not set; with a
	// list of bases, earlier bases win.
	for _, mv := range merges {
		bases := []*yaml.Node{mv}
		if mv.Kind == yaml.SequenceNode {
			bases = mv.Content
		}
		for _, b := range bases {
			bv, err := c.value(b, path, false, depth+1)
			if err != nil {
				return nil, err
			}
			bm, ok := bv.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("line %d: merge value must be a mapping", b.Line)
			}
			for k, v := range bm {
				if _, set := m[k]; !set {
					m[k] = v
				}
			}
		}
	}
	return m, nil
}

// scalar resolves a scalar by its YAML 1.2 tag. Timestamps stay strings, as
// they do in Kubernetes' own YAML decoding of string fields.
func scalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return b, nil
	case "!!int":
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		switch v.(type) {
		case int, int64, uint64:
			return v, nil
		}
		return n.Value, nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("line %d: number %q is not finite", n.Line, n.Value)
		}
		return f, nil
	}
	return n.Value, nil
}

// oneLine keeps a reason on one line.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 300
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
