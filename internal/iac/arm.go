package iac

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
)

// Azure Resource Manager (ARM) JSON templates. Bicep files are not read:
// compile them with `az bicep build` and scan the JSON.
//
// A template's resources (top-level, and the child resources nested in a
// parent's "resources", whose type and name extend the parent's) become
// Resources of FormatARM whose node reads the resource object as written,
// property names compared without case as ARM does. Template expressions
// are evaluated offline as far as they are known (see arm_eval.go); the
// rest is unknown, and no check fires on it.

// isARM reports whether the start of a JSON file looks like an ARM
// template: a deployment template schema (resource group, subscription,
// management group or tenant), or a contentVersion. The loader then
// requires a top-level "resources" (parameter files have none).
func isARM(head []byte) bool {
	return bytes.Contains(bytes.ToLower(head), []byte("deploymenttemplate.json")) ||
		bytes.Contains(head, []byte(`"contentVersion"`))
}

// jkind is the kind of a JSON value.
type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNum
	jStr
	jArr
	jObj
)

// jnode is a JSON value with the lines it spans.
type jnode struct {
	kind jkind
	// text is a string's value or a number's text.
	text string
	b    bool
	// keys and keyLines are an object's keys and their lines, in order;
	// vals are the object's values or the array's elements.
	keys     []string
	keyLines []int
	vals     []*jnode
	line     int
	end      int
}

// index returns the position of an object's key, the last one written
// when it repeats, compared exactly and then without case; -1 when absent.
func (n *jnode) index(key string) int {
	if n == nil || n.kind != jObj {
		return -1
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == key {
			return i
		}
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if strings.EqualFold(n.keys[i], key) {
			return i
		}
	}
	return -1
}

// get returns the value of an object's key (see index), or nil.
func (n *jnode) get(key string) *jnode {
	if i := n.index(key); i >= 0 {
		return n.vals[i]
	}
	return nil
}

// str returns a string node's value.
func (n *jnode) str() (string, bool) {
	if n == nil || n.kind != jStr {
		return "", false
	}
	return n.text, true
}

// stripJSONComments blanks the // and /* */ comments ARM accepts in
// templates, keeping every newline so that lines stay right.
func stripJSONComments(b []byte) {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '/':
			if i+1 >= len(b) {
				return
			}
			switch b[i+1] {
			case '/':
				for ; i < len(b) && b[i] != '\n'; i++ {
					b[i] = ' '
				}
			case '*':
				b[i], b[i+1] = ' ', ' '
				for i += 2; i < len(b); i++ {
					if b[i] == '*' && i+1 < len(b) && b[i+1] == '/' {
						b[i], b[i+1] = ' ', ' '
						i++
						break
					}
					if b[i] != '\n' {
						b[i] = ' '
					}
				}
			}
		}
	}
}

// parseLinedJSON decodes one JSON document into a jnode tree, iteratively (the
// caller bounds its depth first). Every value costs a step of g, and a
// document may hold as many values as one collection may.
func parseLinedJSON(g *guard, data []byte) (*jnode, error) {
	// lineOf returns the line of the byte before offset off, the last of
	// the token just read, counting newlines from the previous offset.
	counted, line := 0, 1
	lineOf := func(off int64) int {
		p := min(max(int(off)-1, 0), len(data))
		if p < counted {
			counted, line = 0, 1
		}
		line += bytes.Count(data[counted:p], []byte{'\n'})
		counted = p
		return line
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		n       *jnode
		key     string
		keyLine int
		hasKey  bool
	}
	var stack []*frame
	var root *jnode
	attach := func(n *jnode) {
		if len(stack) == 0 {
			root = n
			return
		}
		top := stack[len(stack)-1]
		if top.n.kind == jObj {
			top.n.keys = append(top.n.keys, top.key)
			top.n.keyLines = append(top.n.keyLines, top.keyLine)
			top.hasKey = false
		}
		top.n.vals = append(top.n.vals, n)
	}
	for count := int64(1); ; count++ {
		if count > g.lim.CollectionElements {
			return nil, g.fail(limits.Exceeded("JSON values in a template", g.lim.CollectionElements))
		}
		if err := g.step(1); err != nil {
			return nil, err
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, linedJSONError(err, lineOf)
		}
		ln := lineOf(dec.InputOffset())
		var n *jnode
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				n = &jnode{kind: jArr, line: ln}
				if v == '{' {
					n.kind = jObj
				}
				attach(n)
				stack = append(stack, &frame{n: n})
				continue
			default:
				stack[len(stack)-1].n.end = ln
				stack = stack[:len(stack)-1]
			}
		case string:
			if top := len(stack) - 1; top >= 0 && stack[top].n.kind == jObj && !stack[top].hasKey {
				stack[top].key, stack[top].keyLine, stack[top].hasKey = v, ln, true
				continue
			}
			n = &jnode{kind: jStr, text: v}
		case json.Number:
			n = &jnode{kind: jNum, text: string(v)}
		case bool:
			n = &jnode{kind: jBool, b: v}
		case nil:
			n = &jnode{kind: jNull}
		}
		if n != nil {
			n.line, n.end = ln, ln
			attach(n)
		}
		if len(stack) == 0 {
			break
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("line %d: data after the template's closing brace", lineOf(dec.InputOffset()+1))
	}
	return root, nil
}

func linedJSONError(err error, lineOf func(int64) int) error {
	if errors.Is(err, io.EOF) {
		return errors.New("unexpected end of file")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("line %d: %s", lineOf(se.Offset), se.Error())
	}
	return err
}

// armResource is one resource of a template, children flattened in.
type armResource struct {
	typ     string
	address string
	rng     Range
	node    *armNode
}

// loadARM reads an ARM template into a Module. A JSON file without a
// top-level "resources" yields no module.
//
// The file is refused when it is larger than the file budget or nests
// deeper than the depth budget; evaluation is bounded by the guard's
// steps, value sizes, deadline and ctx. A template that exceeds a budget
// yields one skipped entry naming the file, and no findings.
func loadARM(ctx context.Context, fsys fs.FS, p string) (*Module, []finding.Skipped) {
	skip := func(format string, args ...any) []finding.Skipped {
		return []finding.Skipped{{Path: p, Scanner: scannerName, Reason: oneLine(fmt.Sprintf(format, args...))}}
	}
	lim := limits.From(ctx)
	data, err := readRegular(fsys, p, lim.FileBytes)
	if err != nil {
		return nil, skip("reading ARM template: %v", err)
	}
	stripJSONComments(data)
	if jsonDepth(data) > lim.Depth {
		return nil, skip("parsing ARM template: %v", limits.Exceeded("nesting depth", lim.Depth))
	}
	g := newGuard(ctx)
	root, err := parseLinedJSON(g, data)
	if err != nil {
		return nil, skip("parsing ARM template: %v", err)
	}
	res := root.get("resources")
	if root.kind != jObj || res == nil || (res.kind != jArr && res.kind != jObj) {
		return nil, nil
	}
	t := newARMTemplate(g, p, root)
	var list []armResource
	t.collect(res, nil, &list)
	if t.g.err != nil {
		return nil, skip("ARM template not evaluated: %v", t.g.err)
	}
	m := &Module{Dir: p}
	b := &builder{m: m}
	ex := armExtractors()
	for _, r := range list {
		blk := Block{Type: r.typ, Address: r.address, Range: r.rng}
		if f := ex[strings.ToLower(r.typ)]; f != nil {
			f(b, blk, r.node)
		}
		m.Resources = append(m.Resources, Resource{Block: blk, Format: FormatARM, node: r.node})
	}
	b.link()
	return m, nil
}

// armParent is what a child resource inherits: the parent's type and name.
type armParent struct {
	typ   string
	name  string
	known bool
}

// collect appends the resources of a "resources" array (or, in
// languageVersion 2.0, object of symbolic names) and their children.
func (t *armTemplate) collect(list *jnode, parent *armParent, out *[]armResource) {
	for i, r := range list.vals {
		if t.g.err != nil {
			return
		}
		if r.kind != jObj {
			continue
		}
		symbol := ""
		line := r.line
		if list.kind == jObj {
			symbol, line = list.keys[i], list.keyLines[i]
			if e := r.get("existing"); e != nil && e.kind == jBool && e.b {
				continue // declared to be referred to, not deployed
			}
		}
		typ, ok := r.get("type").str()
		if !ok || typ == "" {
			continue
		}
		if c := r.get("condition"); c != nil {
			if b, known := toBool(t.value(c)); known && !b {
				continue // not deployed, nor are its children
			}
		}
		name, known := t.resourceName(r)
		composed := false
		if parent != nil && !armQualifiedType(typ) {
			typ = parent.typ + "/" + typ
			name = parent.name + "/" + name
			known = known && parent.known
			composed = true
		}
		v := t.object(r, func(k string) bool { return strings.EqualFold(k, "resources") })
		if composed {
			v = withComposedName(r, v, typ, name, known)
		}
		if t.g.measure(v) != nil {
			return
		}
		addr := name
		if symbol != "" {
			addr = symbol
		}
		rng := Range{Path: t.path, StartLine: line, EndLine: r.end}
		*out = append(*out, armResource{typ: typ, address: addr, rng: rng, node: &armNode{j: r, v: v, path: t.path, r: rng, depth: t.g.lim.Depth}})
		if kids := r.get("resources"); kids != nil && (kids.kind == jArr || kids.kind == jObj) {
			t.collect(kids, &armParent{typ: typ, name: name, known: known}, out)
		}
		if strings.EqualFold(typ, "Microsoft.Resources/deployments") {
			t.nested(r.get("properties"), out)
		}
	}
}

// resourceName is a resource's name as far as it evaluates, else as
// written.
func (t *armTemplate) resourceName(r *jnode) (string, bool) {
	nameNode := r.get("name")
	written, _ := nameNode.str()
	name, known := "", false
	if nameNode != nil {
		name, known = toString(t.value(nameNode))
	}
	if !known {
		name = written
	}
	return name, known
}

// withComposedName gives a child resource's value the full type and name
// composed from its parent's.
func withComposedName(r *jnode, v cty.Value, typ, name string, known bool) cty.Value {
	if !v.Type().IsObjectType() {
		return v
	}
	attrs := v.AsValueMap()
	if attrs == nil {
		attrs = map[string]cty.Value{}
	}
	set := func(key string, val cty.Value) {
		if i := r.index(key); i >= 0 {
			attrs[r.keys[i]] = val
		}
	}
	set("type", cty.StringVal(typ))
	if known {
		set("name", cty.StringVal(name))
	} else {
		set("name", cty.DynamicVal)
	}
	return cty.ObjectVal(attrs)
}

// nested collects the resources of a nested deployment's inline
// template. In the default "outer" scope its expressions read the
// enclosing template's parameters and variables; in the "inner" scope its
// own, with the parameter values the deployment passes (evaluated in the
// enclosing template) in place of their defaults. Linked templates
// (templateLink) are not fetched.
func (t *armTemplate) nested(props *jnode, out *[]armResource) {
	inner := props.get("template")
	res := inner.get("resources")
	if res == nil || (res.kind != jArr && res.kind != jObj) {
		return
	}
	scope, _ := props.get("expressionEvaluationOptions").get("scope").str()
	if !strings.EqualFold(scope, "inner") {
		t.collect(res, nil, out)
		return
	}
	nt := newARMTemplate(t.g, t.path, inner)
	nt.depth = t.depth
	if ps := props.get("parameters"); ps != nil && ps.kind == jObj {
		for i, k := range ps.keys {
			v := cty.DynamicVal
			if val := ps.vals[i].get("value"); val != nil {
				v = t.value(val)
			}
			nt.memo["p:"+strings.ToLower(k)] = v
		}
	}
	nt.collect(res, nil, out)
}

// armQualifiedType reports whether a resource type starts with its provider
// namespace ("Microsoft.Sql/servers/firewallRules"), as a child resource
// declared outside its parent's type does, rather than being one segment
// ("firewallRules") to append to the parent's.
func armQualifiedType(typ string) bool {
	ns, _, found := strings.Cut(typ, "/")
	return found && strings.Contains(ns, ".")
}
