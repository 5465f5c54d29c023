package iac

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/fourc-dev/fourc/internal/finding"
)

const (
	// maxDepth bounds nested local module calls.
	maxDepth = 8
	// maxModuleEvals bounds how many module instances one load evaluates.
	maxModuleEvals = 256
	// rounds bounds the passes over locals, resources and module calls
	// that let values flow between them in any order.
	rounds = 3
)

// loader loads one root module and the local modules it calls.
type loader struct {
	g       *guard
	fsys    fs.FS
	funcs   map[string]function.Function
	dirs    map[string]*dirConfig
	skipped []finding.Skipped
	evals   int
	budget  *budget
	// manifest maps module keys ("vpc", "vpc.subnets") to the directories
	// where `terraform init` installed them (.terraform/modules).
	manifest map[string]string
}

// budget bounds how many resource instances and dynamic blocks one load
// expands, so that nested count, for_each and dynamic blocks cannot
// multiply into millions; past it, expansions stay unknown.
type budget struct{ left int }

// maxInstances is the expansion budget of one load.
const maxInstances = 20000

// take consumes n from the budget, reporting whether it was there.
func (b *budget) take(n int) bool {
	if b == nil || n > b.left {
		return false
	}
	b.left -= n
	return true
}

// instance is one evaluated resource or data source instance.
type instance struct {
	typ     string
	address string
	node    node
}

// modEval is one instance of a module, evaluated.
type modEval struct {
	l      *loader
	cfg    *dirConfig
	prefix string // "" for the root, "module.a." for a child
	key    string // "" for the root, "a.b" for module.a's module.b
	ctx    *hcl.EvalContext
	locals map[string]cty.Value
	calls  map[string]*callEval
	stack  []string
}

// callEval is one instance of a module call and its evaluated child.
type callEval struct {
	args  map[string]cty.Value
	child *modEval
}

func newLoader(g *guard, fsys fs.FS) *loader {
	return &loader{g: g, fsys: fsys, funcs: functions(g), dirs: map[string]*dirConfig{}, budget: &budget{left: maxInstances}}
}

// dir returns the parsed configuration of a directory, parsing it once.
func (l *loader) dir(dir string, files []string) *dirConfig {
	if c, ok := l.dirs[dir]; ok {
		return c
	}
	if files == nil {
		var err error
		if err = checkInside(l.fsys, dir); err == nil {
			files, err = listDir(l.fsys, dir)
		}
		if err != nil {
			l.skipped = append(l.skipped, finding.Skipped{Path: dir, Scanner: scannerName, Reason: fmt.Sprintf("reading module directory: %v", err)})
		}
	}
	c, sk := parseDir(l.g, l.fsys, dir, files)
	l.skipped = append(l.skipped, sk...)
	l.dirs[dir] = c
	return c
}

// evaluate instantiates a module with the given input values (nil for the
// root module, which takes its tfvars and defaults).
func (l *loader) evaluate(cfg *dirConfig, prefix, key string, inputs map[string]cty.Value, stack []string) *modEval {
	m := &modEval{l: l, cfg: cfg, prefix: prefix, key: key, locals: map[string]cty.Value{}, calls: map[string]*callEval{}, stack: append(slices.Clip(stack), cfg.dir)}
	m.ctx = &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: l.funcs}
	vars := map[string]cty.Value{}
	for _, vb := range cfg.variables {
		name := vb.Labels[0]
		if v, ok := inputs[name]; ok {
			vars[name] = v
			continue
		}
		if inputs == nil {
			if v, ok := cfg.tfvars[name]; ok {
				vars[name] = v
				continue
			}
		}
		vars[name] = cty.DynamicVal
		attrs, _ := vb.Body.JustAttributes()
		if a := attrs["default"]; a != nil {
			vars[name] = m.l.g.eval(a.Expr, nil)
		}
	}
	m.ctx.Variables["var"] = cty.ObjectVal(vars)
	m.ctx.Variables["path"] = cty.ObjectVal(map[string]cty.Value{
		"module": cty.StringVal(cfg.dir), "root": cty.StringVal("."), "cwd": cty.StringVal("."),
	})
	m.ctx.Variables["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")})
	for _, a := range cfg.locals {
		m.locals[a.Name] = cty.DynamicVal
	}
	m.ctx.Variables["local"] = cty.ObjectVal(m.locals)
	mods := map[string]cty.Value{}
	for _, b := range cfg.modules {
		mods[b.Labels[0]] = cty.DynamicVal
	}
	m.ctx.Variables["module"] = cty.ObjectVal(mods)

	for range rounds {
		if l.g.err != nil {
			break
		}
		before := cty.ObjectVal(m.ctx.Variables)
		m.evalLocals()
		m.setResources()
		m.evalCalls()
		if before.RawEquals(cty.ObjectVal(m.ctx.Variables)) {
			break
		}
	}
	return m
}

func (m *modEval) evalLocals() {
	for range len(m.cfg.locals) + 1 {
		if m.l.g.err != nil {
			return
		}
		changed := false
		for _, a := range m.cfg.locals {
			v := m.l.g.eval(a.Expr, m.ctx)
			if !v.RawEquals(m.locals[a.Name]) {
				m.locals[a.Name] = v
				changed = true
			}
		}
		m.ctx.Variables["local"] = cty.ObjectVal(m.locals)
		if !changed {
			return
		}
	}
}

// instKey is one instance of a block with count or for_each.
type instKey struct {
	suffix string // "", "[0]" or `["a"]`
	vars   map[string]cty.Value
}

// expand returns the instances of a block: one per count index or for_each
// element when the collection is known, none for count = 0, and a single
// instance with unknown count.index/each when it is not known.
func (m *modEval) expand(body hcl.Body) (keys []instKey, known bool) {
	attrs := metaAttrs(body)
	if a := attrs["count"]; a != nil {
		u, _ := unmark(m.l.g.eval(a.Expr, m.ctx))
		n, ok := toInt(u)
		if !ok || n < 0 || n > maxExpansion {
			return unknownKeys(body), false
		}
		for i := range n {
			keys = append(keys, instKey{
				suffix: "[" + strconv.Itoa(i) + "]",
				vars:   map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(int64(i))})},
			})
		}
		return keys, true
	}
	if a := attrs["for_each"]; a != nil {
		pairs, ok := iterate(m.l.g.eval(a.Expr, m.ctx))
		if ok {
			for _, p := range pairs {
				k, kok := toString(p.key)
				if !kok {
					ok = false
					break
				}
				keys = append(keys, instKey{
					suffix: "[" + strconv.Quote(k) + "]",
					vars:   map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(k), "value": p.val})},
				})
			}
		}
		if !ok {
			return unknownKeys(body), false
		}
		return keys, true
	}
	return []instKey{{}}, true
}

// unknownKeys is the single instance of a block whose count or for_each
// is not expanded.
func unknownKeys(body hcl.Body) []instKey {
	attrs := metaAttrs(body)
	switch {
	case attrs["count"] != nil:
		return []instKey{{vars: map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.UnknownVal(cty.Number)})}}}
	case attrs["for_each"] != nil:
		return []instKey{{vars: map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.UnknownVal(cty.String), "value": cty.DynamicVal})}}}
	}
	return []instKey{{}}
}

// metaAttrs returns the count and for_each attributes of a block body.
func metaAttrs(body hcl.Body) map[string]*hcl.Attribute {
	out := map[string]*hcl.Attribute{}
	if sb, ok := body.(*hclsyntax.Body); ok {
		for _, n := range []string{"count", "for_each"} {
			if a := sb.Attributes[n]; a != nil {
				out[n] = a.AsHCLAttribute()
			}
		}
		return out
	}
	c, _, _ := body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "count"}, {Name: "for_each"}}})
	if c != nil {
		for n, a := range c.Attributes {
			out[n] = a
		}
	}
	return out
}

// instanceValue is what a reference to a resource evaluates to: unknown,
// marked with the instance's address so that identity survives.
func instanceValue(keys []instKey, known bool, base string, forEach bool) cty.Value {
	if !known {
		return cty.DynamicVal.Mark(refMark(base))
	}
	if len(keys) == 1 && keys[0].suffix == "" {
		return cty.DynamicVal.Mark(refMark(base))
	}
	if forEach {
		if len(keys) == 0 {
			return cty.EmptyObjectVal
		}
		obj := map[string]cty.Value{}
		for _, k := range keys {
			obj[k.vars["each"].GetAttr("key").AsString()] = cty.DynamicVal.Mark(refMark(base + k.suffix))
		}
		return cty.ObjectVal(obj)
	}
	if len(keys) == 0 {
		return cty.EmptyTupleVal
	}
	els := make([]cty.Value, len(keys))
	for i, k := range keys {
		els[i] = cty.DynamicVal.Mark(refMark(base + k.suffix))
	}
	return cty.TupleVal(els)
}

func (m *modEval) setResources() {
	types := map[string]map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	add := func(into map[string]map[string]cty.Value, b *hcl.Block, base string) {
		keys, known := m.expand(b.Body)
		_, forEach := metaAttrs(b.Body)["for_each"]
		if into[b.Labels[0]] == nil {
			into[b.Labels[0]] = map[string]cty.Value{}
		}
		into[b.Labels[0]][b.Labels[1]] = instanceValue(keys, known, base, forEach)
	}
	for _, b := range m.cfg.resources {
		add(types, b, m.prefix+b.Labels[0]+"."+b.Labels[1])
	}
	for _, b := range m.cfg.data {
		add(data, b, m.prefix+"data."+b.Labels[0]+"."+b.Labels[1])
	}
	for t, names := range types {
		switch t {
		case "var", "local", "module", "data", "path", "terraform", "count", "each", "self":
			continue
		}
		m.ctx.Variables[t] = cty.ObjectVal(names)
	}
	dv := map[string]cty.Value{}
	for t, names := range data {
		dv[t] = cty.ObjectVal(names)
	}
	m.ctx.Variables["data"] = cty.ObjectVal(dv)
}

func (m *modEval) childKey(name string) string {
	if m.key == "" {
		return name
	}
	return m.key + "." + name
}

// resolve returns the directory a module call loads from: a local source,
// or a remote one that `terraform init` installed (per the manifest).
func (m *modEval) resolve(b *hcl.Block) (string, bool) {
	src, _ := moduleSource(b)
	if dir, ok := localSource(m.cfg.dir, src); ok {
		return dir, true
	}
	dir, ok := m.l.manifest[m.childKey(b.Labels[0])]
	return dir, ok
}

// readManifest reads .terraform/modules/modules.json of a root module.
func readManifest(fsys fs.FS, root string) map[string]string {
	data, err := readRegular(fsys, path.Join(root, ".terraform", "modules", "modules.json"), 1<<20)
	if err != nil {
		return nil
	}
	var mf struct {
		Modules []struct{ Key, Dir string }
	}
	if json.Unmarshal(data, &mf) != nil {
		return nil
	}
	out := map[string]string{}
	for _, md := range mf.Modules {
		if md.Key == "" || md.Dir == "" || path.IsAbs(md.Dir) {
			continue
		}
		dir := path.Clean(path.Join(root, md.Dir))
		if dir == ".." || strings.HasPrefix(dir, "../") {
			continue
		}
		out[md.Key] = dir
	}
	return out
}

// localSource resolves a local module source against the calling
// directory; ok is false for remote sources and paths leaving the root.
func localSource(dir, src string) (string, bool) {
	if !strings.HasPrefix(src, "./") && !strings.HasPrefix(src, "../") {
		return "", false
	}
	p := path.Clean(path.Join(dir, src))
	if p == ".." || strings.HasPrefix(p, "../") || path.IsAbs(p) {
		return "", false
	}
	return p, true
}

func moduleSource(b *hcl.Block) (string, hcl.Range) {
	attrs, _ := b.Body.JustAttributes()
	a := attrs["source"]
	if a == nil {
		return "", b.DefRange
	}
	s, _ := literalString(a.Expr)
	return s, a.Range
}

// literalString returns the value of a string literal: a module source
// must be one, and nothing else is evaluated without a context.
func literalString(e hcl.Expression) (string, bool) {
	if se, ok := e.(hclsyntax.Expression); ok {
		t, ok := se.(*hclsyntax.TemplateExpr)
		if !ok {
			return "", false
		}
		var b strings.Builder
		for _, p := range t.Parts {
			lit, ok := p.(*hclsyntax.LiteralValueExpr)
			if !ok {
				return "", false
			}
			s, ok := toString(lit.Val)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
		return b.String(), true
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() {
		return "", false
	}
	return toString(v)
}

var callMeta = map[string]bool{"source": true, "version": true, "count": true, "for_each": true, "providers": true, "depends_on": true}

func (m *modEval) evalCalls() {
	mods := map[string]cty.Value{}
	for _, b := range m.cfg.modules {
		if m.l.g.err != nil {
			return
		}
		name := b.Labels[0]
		dir, local := m.resolve(b)
		if local && (len(m.stack) >= maxDepth || slices.Contains(m.stack, dir)) {
			local = false
		}
		keys, known := m.expand(b.Body)
		_, forEach := metaAttrs(b.Body)["for_each"]
		outs := make([]cty.Value, 0, len(keys))
		for _, k := range keys {
			addr := m.prefix + "module." + name + k.suffix
			if !local {
				outs = append(outs, cty.DynamicVal)
				continue
			}
			ctx := m.ctx
			if k.vars != nil {
				ctx = m.ctx.NewChild()
				ctx.Variables = k.vars
			}
			attrs, _ := b.Body.JustAttributes()
			args := map[string]cty.Value{}
			for n, a := range attrs {
				if !callMeta[n] {
					args[n] = m.l.g.eval(a.Expr, ctx)
				}
			}
			ce := m.calls[addr]
			if ce == nil || !sameArgs(ce.args, args) {
				if m.l.evals >= maxModuleEvals {
					outs = append(outs, cty.DynamicVal)
					continue
				}
				cfg := m.l.dir(dir, nil)
				m.l.evals++
				ce = &callEval{args: args, child: m.l.evaluate(cfg, addr+".", m.childKey(name), args, m.stack)}
				m.calls[addr] = ce
			}
			outs = append(outs, ce.child.outputs())
		}
		switch {
		case !known:
			mods[name] = cty.DynamicVal
		case len(keys) == 1 && keys[0].suffix == "":
			mods[name] = outs[0]
		case forEach:
			obj := map[string]cty.Value{}
			for i, k := range keys {
				obj[k.vars["each"].GetAttr("key").AsString()] = outs[i]
			}
			mods[name] = cty.ObjectVal(obj)
		default:
			mods[name] = cty.TupleVal(outs)
			if len(outs) == 0 {
				mods[name] = cty.EmptyTupleVal
			}
		}
	}
	m.ctx.Variables["module"] = cty.ObjectVal(mods)
}

func sameArgs(a, b map[string]cty.Value) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !v.RawEquals(w) {
			return false
		}
	}
	return true
}

// outputs evaluates the module's output values.
func (m *modEval) outputs() cty.Value {
	out := map[string]cty.Value{}
	for _, b := range m.cfg.outputs {
		attrs, _ := b.Body.JustAttributes()
		out[b.Labels[0]] = cty.DynamicVal
		if a := attrs["value"]; a != nil {
			out[b.Labels[0]] = m.l.g.eval(a.Expr, m.ctx)
		}
	}
	return cty.ObjectVal(out)
}

// instances returns every resource and data source instance of the module
// and of its evaluated children, in source order.
func (m *modEval) instances() []instance {
	var out []instance
	add := func(b *hcl.Block, base string) {
		keys, _ := m.expand(b.Body)
		if !m.l.budget.take(len(keys)) {
			keys = unknownKeys(b.Body)
		}
		for _, k := range keys {
			ctx := m.ctx
			if k.vars != nil {
				ctx = m.ctx.NewChild()
				ctx.Variables = k.vars
			}
			out = append(out, instance{typ: b.Labels[0], address: base + k.suffix, node: &hclNode{body: b.Body, ctx: ctx, def: toRange(b.DefRange), budget: m.l.budget, g: m.l.g}})
		}
	}
	for _, b := range m.cfg.resources {
		add(b, m.prefix+b.Labels[0]+"."+b.Labels[1])
	}
	for _, b := range m.cfg.data {
		add(b, m.prefix+"data."+b.Labels[0]+"."+b.Labels[1])
	}
	for _, b := range m.cfg.modules {
		name := b.Labels[0]
		keys, _ := m.expand(b.Body)
		for _, k := range keys {
			if ce := m.calls[m.prefix+"module."+name+k.suffix]; ce != nil {
				out = append(out, ce.child.instances()...)
			}
		}
	}
	return out
}

// moduleCalls lists the module calls of the module and its children.
func (m *modEval) moduleCalls() []ModuleCall {
	var out []ModuleCall
	for _, b := range m.cfg.modules {
		src, _ := moduleSource(b)
		_, local := localSource(m.cfg.dir, src)
		dir, _ := m.resolve(b)
		out = append(out, ModuleCall{
			Block:  Block{Type: "module", Address: m.prefix + "module." + b.Labels[0], Range: toRange(b.DefRange)},
			Source: src,
			Local:  local,
			Dir:    dir,
		})
	}
	for _, ce := range sortedCalls(m.calls) {
		out = append(out, ce.child.moduleCalls()...)
	}
	return out
}

func sortedCalls(calls map[string]*callEval) []*callEval {
	keys := make([]string, 0, len(calls))
	for k := range calls {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]*callEval, len(keys))
	for i, k := range keys {
		out[i] = calls[k]
	}
	return out
}
