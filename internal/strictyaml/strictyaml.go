// Package strictyaml decodes a YAML node into a Go value and refuses keys
// the value has no field for, naming the line of the key in the file the
// node came from. yaml.v3's own strict mode works on whole documents only;
// a config file keeps parts of itself as nodes to decode later, and a
// typo there must not silently do nothing, nor be reported at a line of
// some re-encoded copy.
package strictyaml

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Decode checks every mapping key in n against the yaml field names of v's
// type (recursively, through structs, slices and maps) and then decodes n
// into v. Types with their own UnmarshalYAML, and yaml.Node fields, are
// left to decode themselves.
func Decode(n *yaml.Node, v any) error {
	if err := Check(n, reflect.TypeOf(v)); err != nil {
		return err
	}
	return n.Decode(v)
}

var (
	nodeType        = reflect.TypeFor[yaml.Node]()
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
)

// Check reports the first key in n that type t has no field for, as
// "line N: unknown key "k" (did you mean "key"?)". An aliased node is
// checked once per type, however often it is referenced, so that nested
// aliases cannot make the walk exponential.
func Check(n *yaml.Node, t reflect.Type) error {
	return (&checker{seen: map[visit]bool{}}).check(n, t)
}

type visit struct {
	n *yaml.Node
	t reflect.Type
}

type checker struct{ seen map[visit]bool }

func (c *checker) check(n *yaml.Node, t reflect.Type) error {
	if n == nil || t == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return c.check(n.Content[0], t)
	}
	if n.Kind == yaml.AliasNode {
		v := visit{n.Alias, t}
		if c.seen[v] {
			return nil
		}
		c.seen[v] = true
		return c.check(n.Alias, t)
	}
	for t.Kind() == reflect.Pointer {
		if t.Implements(unmarshalerType) {
			return nil
		}
		t = t.Elem()
	}
	if t == nodeType || t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		return c.checkStruct(n, t)
	case reflect.Slice, reflect.Array:
		if n.Kind == yaml.SequenceNode {
			for _, it := range n.Content {
				if err := c.check(it, t.Elem()); err != nil {
					return err
				}
			}
		}
	case reflect.Map:
		if n.Kind == yaml.MappingNode {
			for i := 1; i < len(n.Content); i += 2 {
				if err := c.check(n.Content[i], t.Elem()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (c *checker) checkStruct(n *yaml.Node, t reflect.Type) error {
	if n.Kind != yaml.MappingNode {
		return nil // the decoder reports the type mismatch, with its line
	}
	fields := Fields(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ft, ok := fields[k.Value]
		if !ok {
			return fmt.Errorf("line %d: unknown key %q%s", k.Line, k.Value, Hint(k.Value, keys(fields)))
		}
		if err := c.check(n.Content[i+1], ft); err != nil {
			return err
		}
	}
	return nil
}

// Fields maps the yaml names of a struct type's fields to their types,
// inlined fields included.
func Fields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if slices.Contains(strings.Split(opts, ","), "inline") {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range Fields(ft) {
					out[k] = v
				}
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func keys(m map[string]reflect.Type) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Hint suggests the known key closest to a mistyped one: ` (did you mean
// "entropy"?)`, or lists the known keys when none is close.
func Hint(key string, known []string) string {
	best, dist := "", 3
	for _, k := range known {
		if d := distance(strings.ToLower(key), k); d < dist {
			best, dist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	if len(known) > 0 && len(known) <= 20 {
		return " (known keys: " + strings.Join(known, ", ") + ")"
	}
	return ""
}

// distance is the Levenshtein distance between two short strings.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
