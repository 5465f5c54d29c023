package iac

import (
	"encoding/base64"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"

	"github.com/fourc-dev/fourc/internal/limits"
)

// ARM template expressions, evaluated offline.
//
// A JSON string that starts with "[" and ends with "]" is an expression
// ("[[" escapes a literal bracket). What evaluates: parameters() (the
// parameter's defaultValue), variables() (variable copy loops are
// unknown), property access and indexes, and the functions of armCall
// over known values: string (concat, format, toLower, toUpper, trim,
// replace, split, join, substring, padLeft, startsWith, endsWith,
// indexOf, lastIndexOf, base64, base64ToString, string, json), logical
// (if, and, or, not, equals, bool, true, false, coalesce), numeric (int,
// add, sub, mul, div, mod, min, max, less, lessOrEquals, greater,
// greaterOrEquals) and collection (createArray, createObject, union,
// contains, empty, length, first, last, take, skip, range, null).
// Everything that depends on the deployment is unknown: resourceId and its
// kin, reference, list*, resourceGroup, subscription, deployment,
// environment, tenant, uniqueString, guid, copyIndex, utcNow, newGuid,
// user-defined and lambda functions, and any function not listed.
//
// Every value and call costs a step of the guard; strings and
// collections are measured before they are built; variables and
// parameters are evaluated once, a cycle among them is unknown, and their
// references nest at most as deep as the depth budget.

// armTemplate is a template being evaluated.
type armTemplate struct {
	path   string
	g      *guard
	params map[string]*jnode
	vars   map[string]*jnode
	memo   map[string]cty.Value
	busy   map[string]bool
	depth  int
}

func newARMTemplate(g *guard, path string, root *jnode) *armTemplate {
	t := &armTemplate{path: path, g: g, params: map[string]*jnode{}, vars: map[string]*jnode{}, memo: map[string]cty.Value{}, busy: map[string]bool{}}
	if ps := root.get("parameters"); ps != nil && ps.kind == jObj {
		for i, k := range ps.keys {
			t.params[strings.ToLower(k)] = ps.vals[i].get("defaultValue")
		}
	}
	if vs := root.get("variables"); vs != nil && vs.kind == jObj {
		for i, k := range vs.keys {
			if strings.EqualFold(k, "copy") && vs.vals[i].kind == jArr {
				for _, c := range vs.vals[i].vals {
					if name, ok := c.get("name").str(); ok {
						t.vars[strings.ToLower(name)] = nil
					}
				}
				continue
			}
			t.vars[strings.ToLower(k)] = vs.vals[i]
		}
	}
	return t
}

// value evaluates a JSON value, its strings as expressions.
func (t *armTemplate) value(n *jnode) cty.Value {
	if n == nil || t.g.step(1) != nil {
		return cty.DynamicVal
	}
	switch n.kind {
	case jNull:
		return cty.NullVal(cty.DynamicPseudoType)
	case jBool:
		return cty.BoolVal(n.b)
	case jNum:
		v, err := cty.ParseNumberVal(n.text)
		if err != nil {
			return cty.DynamicVal
		}
		return v
	case jStr:
		return t.str(n.text)
	case jArr:
		if len(n.vals) == 0 {
			return cty.EmptyTupleVal
		}
		els := make([]cty.Value, len(n.vals))
		for i, e := range n.vals {
			els[i] = t.value(e)
		}
		return cty.TupleVal(els)
	}
	return t.object(n, nil)
}

// object evaluates a JSON object, leaving out the keys skip names. A
// property copy loop ("copy": [{"name": "x", "count": ..., "input": ...}])
// makes each property it builds unknown.
func (t *armTemplate) object(n *jnode, skip func(string) bool) cty.Value {
	attrs := map[string]cty.Value{}
	for i, k := range n.keys {
		if skip != nil && skip(k) {
			continue
		}
		if strings.EqualFold(k, "copy") && n.vals[i].kind == jArr {
			for _, c := range n.vals[i].vals {
				if name, ok := c.get("name").str(); ok {
					attrs[name] = cty.DynamicVal
				}
			}
			continue
		}
		attrs[k] = t.value(n.vals[i])
	}
	if len(attrs) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(attrs)
}

// str evaluates a JSON string: an expression, an escaped bracket or a
// literal.
func (t *armTemplate) str(s string) cty.Value {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return cty.StringVal(s)
	}
	if s[1] == '[' {
		return cty.StringVal(s[1:])
	}
	p := &axParser{src: s[1 : len(s)-1], limit: t.g.lim.Depth}
	e := p.parse()
	if p.tooDeep {
		t.g.fail(limits.Exceeded("expression depth", t.g.lim.Depth))
	}
	if e == nil || t.g.err != nil {
		return cty.DynamicVal
	}
	return t.eval(e)
}

// named evaluates a parameter's default or a variable once; a cycle is
// unknown.
func (t *armTemplate) named(kind string, decls map[string]*jnode, name cty.Value) cty.Value {
	s, ok := armString(name)
	if !ok {
		return cty.DynamicVal
	}
	key := kind + strings.ToLower(s)
	if v, ok := t.memo[key]; ok {
		return v
	}
	n, ok := decls[strings.ToLower(s)]
	if !ok || n == nil || t.busy[key] {
		return cty.DynamicVal
	}
	if t.depth >= t.g.lim.Depth {
		t.g.fail(limits.Exceeded("expression depth", t.g.lim.Depth))
		return cty.DynamicVal
	}
	t.busy[key] = true
	t.depth++
	v := t.value(n)
	t.depth--
	delete(t.busy, key)
	if t.g.measure(v) != nil {
		return cty.DynamicVal
	}
	t.memo[key] = v
	return v
}

// axKind is the kind of an expression node.
type axKind uint8

const (
	axStr axKind = iota
	axNum
	axCall
	axProp
	axIndex
)

// ax is an expression node: a literal, a call (s is the function, args
// its arguments), a property access (args[0].s) or an index
// (args[0][args[1]]).
type ax struct {
	kind axKind
	s    string
	args []*ax
}

// axParser parses the text between an expression's brackets. Nesting
// (calls, and chains of property accesses and indexes) deeper than limit
// sets tooDeep.
type axParser struct {
	src     string
	i       int
	depth   int
	limit   int
	bad     bool
	tooDeep bool
}

func (p *axParser) parse() *ax {
	e := p.expr()
	p.space()
	if p.bad || p.tooDeep || p.i != len(p.src) {
		return nil
	}
	return e
}

func (p *axParser) space() {
	for p.i < len(p.src) && (p.src[p.i] == ' ' || p.src[p.i] == '\t' || p.src[p.i] == '\n' || p.src[p.i] == '\r') {
		p.i++
	}
}

func (p *axParser) peek() byte {
	p.space()
	if p.i < len(p.src) {
		return p.src[p.i]
	}
	return 0
}

func armIdentByte(c byte) bool {
	return c == '_' || c == '.' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (p *axParser) expr() *ax {
	if p.bad || p.tooDeep {
		return nil
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > p.limit {
		p.tooDeep = true
		return nil
	}
	e := p.primary()
	chain := 0
	for e != nil {
		switch p.peek() {
		case '.':
			p.i++
			p.space()
			start := p.i
			for p.i < len(p.src) && armIdentByte(p.src[p.i]) && p.src[p.i] != '.' {
				p.i++
			}
			if p.i == start {
				p.bad = true
				return nil
			}
			e = &ax{kind: axProp, s: p.src[start:p.i], args: []*ax{e}}
		case '[':
			p.i++
			idx := p.expr()
			if p.peek() != ']' {
				p.bad = true
				return nil
			}
			p.i++
			e = &ax{kind: axIndex, args: []*ax{e, idx}}
		default:
			return e
		}
		if chain++; p.depth+chain > p.limit {
			p.tooDeep = true
			return nil
		}
	}
	return e
}

func (p *axParser) primary() *ax {
	c := p.peek()
	switch {
	case c == '\'':
		var b strings.Builder
		for p.i++; p.i < len(p.src); p.i++ {
			if p.src[p.i] == '\'' {
				if p.i+1 < len(p.src) && p.src[p.i+1] == '\'' {
					b.WriteByte('\'')
					p.i++
					continue
				}
				p.i++
				return &ax{kind: axStr, s: b.String()}
			}
			b.WriteByte(p.src[p.i])
		}
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		for p.i++; p.i < len(p.src) && (p.src[p.i] >= '0' && p.src[p.i] <= '9' || p.src[p.i] == '.'); p.i++ {
		}
		return &ax{kind: axNum, s: p.src[start:p.i]}
	case armIdentByte(c):
		start := p.i
		for p.i < len(p.src) && armIdentByte(p.src[p.i]) {
			p.i++
		}
		name := p.src[start:p.i]
		if p.peek() != '(' {
			break
		}
		p.i++
		call := &ax{kind: axCall, s: name}
		if p.peek() == ')' {
			p.i++
			return call
		}
		for {
			a := p.expr()
			if a == nil {
				return nil
			}
			call.args = append(call.args, a)
			c := p.peek()
			if c == ')' {
				p.i++
				return call
			}
			if c != ',' {
				break
			}
			p.i++
		}
	}
	p.bad = true
	return nil
}

// eval evaluates an expression node.
func (t *armTemplate) eval(e *ax) cty.Value {
	if t.g.step(1) != nil {
		return cty.DynamicVal
	}
	switch e.kind {
	case axStr:
		return cty.StringVal(e.s)
	case axNum:
		v, err := cty.ParseNumberVal(e.s)
		if err != nil {
			return cty.DynamicVal
		}
		return v
	case axProp:
		v, _ := armAttr(t.eval(e.args[0]), e.s)
		return v
	case axIndex:
		return armIndex(t.eval(e.args[0]), t.eval(e.args[1]))
	}
	return t.call(strings.ToLower(e.s), e.args)
}

// armAttr returns an object's property, its name compared without case
// when no property has it exactly; unknown when it cannot be known.
func armAttr(v cty.Value, name string) (cty.Value, bool) {
	if v.IsNull() || !v.IsKnown() {
		return cty.DynamicVal, false
	}
	t := v.Type()
	if !t.IsObjectType() && !t.IsMapType() {
		return cty.DynamicVal, false
	}
	key, found := "", false
	for it := v.ElementIterator(); it.Next(); {
		k, _ := it.Element()
		ks := k.AsString()
		if ks == name {
			key, found = ks, true
			break
		}
		if strings.EqualFold(ks, name) && (!found || ks < key) {
			key, found = ks, true
		}
	}
	if !found {
		return cty.DynamicVal, false
	}
	if t.IsMapType() {
		return v.Index(cty.StringVal(key)), true
	}
	return v.GetAttr(key), true
}

func armIndex(v, i cty.Value) cty.Value {
	if v.IsNull() || !v.IsKnown() || !i.IsKnown() || i.IsNull() {
		return cty.DynamicVal
	}
	t := v.Type()
	if t.IsObjectType() || t.IsMapType() {
		s, ok := armString(i)
		if !ok {
			return cty.DynamicVal
		}
		r, _ := armAttr(v, s)
		return r
	}
	if !t.IsTupleType() && !t.IsListType() {
		return cty.DynamicVal
	}
	n, ok := armInt(i)
	if !ok || n < 0 || n >= int64(v.LengthInt()) {
		return cty.DynamicVal
	}
	return v.Index(cty.NumberIntVal(n))
}

// armString converts a known primitive to the string ARM would use.
func armString(v cty.Value) (string, bool) {
	if v.IsNull() || !v.IsKnown() {
		return "", false
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), true
	case cty.Number:
		if i, ok := armInt(v); ok {
			return strconv.FormatInt(i, 10), true
		}
		return v.AsBigFloat().Text('f', -1), true
	case cty.Bool:
		if v.True() {
			return "True", true
		}
		return "False", true
	}
	return "", false
}

func armInt(v cty.Value) (int64, bool) {
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.Number {
		return 0, false
	}
	i, acc := v.AsBigFloat().Int64()
	return i, acc == big.Exact
}

func armBool(v cty.Value) (bool, bool) {
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.Bool {
		return false, false
	}
	return v.True(), true
}

// strs converts every argument to a string, or fails.
func armStrings(vs []cty.Value) ([]string, bool) {
	out := make([]string, len(vs))
	for i, v := range vs {
		s, ok := armString(v)
		if !ok {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}

// admit charges a string or collection of n bytes or elements about to
// be built.
func (t *armTemplate) admit(n int) bool { return t.g.admit(int64(n)) == nil }

// built measures a collection just built.
func (t *armTemplate) built(v cty.Value) cty.Value {
	if t.g.measure(v) != nil {
		return cty.DynamicVal
	}
	return v
}

// call evaluates a function call.
func (t *armTemplate) call(name string, args []*ax) cty.Value {
	switch name {
	case "if":
		if len(args) != 3 {
			return cty.DynamicVal
		}
		c, ok := armBool(t.eval(args[0]))
		if !ok {
			return cty.DynamicVal
		}
		if c {
			return t.eval(args[1])
		}
		return t.eval(args[2])
	case "parameters":
		if len(args) != 1 {
			return cty.DynamicVal
		}
		return t.named("p:", t.params, t.eval(args[0]))
	case "variables":
		if len(args) != 1 {
			return cty.DynamicVal
		}
		return t.named("v:", t.vars, t.eval(args[0]))
	}
	vs := make([]cty.Value, len(args))
	for i, a := range args {
		vs[i] = t.eval(a)
		if t.g.err != nil {
			return cty.DynamicVal
		}
	}
	return t.apply(name, vs)
}

// apply applies a function whose arguments are evaluated.
func (t *armTemplate) apply(name string, vs []cty.Value) cty.Value {
	for _, f := range []func(*armTemplate, string, []cty.Value) (cty.Value, bool){
		(*armTemplate).applyArm1, (*armTemplate).applyArm2, (*armTemplate).applyArm3, (*armTemplate).applyArm4, (*armTemplate).applyArm5, (*armTemplate).applyArm6, (*armTemplate).applyArm7, (*armTemplate).applyArm8,
	} {
		if v, ok := f(t, name, vs); ok {
			return v
		}
	}
	return cty.DynamicVal
}

// The applyArm functions each apply a group of template functions; a name
// outside the group is not handled (false).
func (t *armTemplate) applyArm1(name string, vs []cty.Value) (cty.Value, bool) {
	n := len(vs)
	switch name {
	case "true", "false":
		return cty.BoolVal(name == "true"), true
	case "null":
		return cty.NullVal(cty.DynamicPseudoType), true
	case "concat":
		return t.concat(vs), true
	case "format":
		if n < 1 {
			return cty.DynamicVal, true
		}
		ss, ok := armStrings(vs)
		if !ok {
			return cty.DynamicVal, true
		}
		return t.format(ss[0], ss[1:]), true
	case "createarray":
		if n == 0 {
			return cty.EmptyTupleVal, true
		}
		return t.built(cty.TupleVal(vs)), true
	case "createobject":
		if n%2 != 0 {
			return cty.DynamicVal, true
		}
		attrs := map[string]cty.Value{}
		for i := 0; i < n; i += 2 {
			k, ok := armString(vs[i])
			if !ok || vs[i].Type() != cty.String {
				return cty.DynamicVal, true
			}
			attrs[k] = vs[i+1]
		}
		return t.built(cty.ObjectVal(attrs)), true
	case "coalesce":
		for _, v := range vs {
			if !v.IsKnown() {
				return cty.DynamicVal, true
			}
			if !v.IsNull() {
				return v, true
			}
		}
		return cty.NullVal(cty.DynamicPseudoType), true
	default:
		return cty.NilVal, false
	}
}

func (t *armTemplate) applyArm2(name string, vs []cty.Value) (cty.Value, bool) {
	n := len(vs)
	switch name {
	case "and", "or":
		if n == 0 {
			return cty.DynamicVal, true
		}
		stop := name == "or" // the value that decides
		all := true
		for _, v := range vs {
			b, ok := armBool(v)
			if ok && b == stop {
				return cty.BoolVal(stop), true
			}
			all = all && ok
		}
		if !all {
			return cty.DynamicVal, true
		}
		return cty.BoolVal(!stop), true
	case "not":
		if b, ok := armBool(armOne(vs)); ok {
			return cty.BoolVal(!b), true
		}
	case "bool":
		v := armOne(vs)
		if b, ok := armBool(v); ok {
			return cty.BoolVal(b), true
		}
		if s, ok := armString(v); ok {
			switch strings.ToLower(s) {
			case "true", "1":
				return cty.True, true
			case "false", "0":
				return cty.False, true
			}
		}
	case "int":
		v := armOne(vs)
		if i, ok := armInt(v); ok {
			return cty.NumberIntVal(i), true
		}
		if s, ok := armString(v); ok && v.Type() == cty.String {
			if i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
				return cty.NumberIntVal(i), true
			}
		}
	default:
		return cty.NilVal, false
	}
	return cty.DynamicVal, true
}

func (t *armTemplate) applyArm3(name string, vs []cty.Value) (cty.Value, bool) {
	switch name {
	case "string":
		v := armOne(vs)
		if v.IsKnown() && v.IsNull() {
			return cty.StringVal(""), true
		}
		if s, ok := armString(v); ok {
			return cty.StringVal(s), true
		}
	case "json":
		if s, ok := armString(armOne(vs)); ok && armOne(vs).Type() == cty.String {
			if strings.TrimSpace(s) == "null" {
				return cty.NullVal(cty.DynamicPseudoType), true
			}
			return t.built(decodeDocument(cty.StringVal(s), t.g.lim.Depth)), true
		}
	default:
		return cty.NilVal, false
	}
	return cty.DynamicVal, true
}

func (t *armTemplate) applyArm4(name string, vs []cty.Value) (cty.Value, bool) {
	n := len(vs)
	switch name {
	case "tolower", "toupper", "trim", "base64", "base64tostring":
		s, ok := armString(armOne(vs))
		if !ok {
			return cty.DynamicVal, true
		}
		switch name {
		case "tolower":
			return cty.StringVal(strings.ToLower(s)), true
		case "toupper":
			return cty.StringVal(strings.ToUpper(s)), true
		case "trim":
			return cty.StringVal(strings.TrimSpace(s)), true
		case "base64":
			if t.admit(len(s) * 4 / 3) {
				return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(s))), true
			}
		case "base64tostring":
			if b, err := base64.StdEncoding.DecodeString(s); err == nil && utf8.Valid(b) {
				return cty.StringVal(string(b)), true
			}
		}
	case "replace":
		ss, ok := armStrings(vs)
		if !ok || n != 3 || ss[1] == "" {
			return cty.DynamicVal, true
		}
		if grow := strings.Count(ss[0], ss[1]) * (len(ss[2]) - len(ss[1])); t.admit(len(ss[0]) + max(grow, 0)) {
			return cty.StringVal(strings.ReplaceAll(ss[0], ss[1], ss[2])), true
		}
	case "padleft":
		return t.padLeft(vs), true
	default:
		return cty.NilVal, false
	}
	return cty.DynamicVal, true
}

func (t *armTemplate) applyArm5(name string, vs []cty.Value) (cty.Value, bool) {
	n := len(vs)
	switch name {
	case "startswith", "endswith", "indexof", "lastindexof":
		ss, ok := armStrings(vs)
		if !ok || n != 2 || !armASCII(ss[0]) || !armASCII(ss[1]) {
			return cty.DynamicVal, true
		}
		a, b := strings.ToLower(ss[0]), strings.ToLower(ss[1])
		switch name {
		case "startswith":
			return cty.BoolVal(strings.HasPrefix(a, b)), true
		case "endswith":
			return cty.BoolVal(strings.HasSuffix(a, b)), true
		case "indexof":
			return cty.NumberIntVal(int64(strings.Index(a, b))), true
		default:
			return cty.NumberIntVal(int64(strings.LastIndex(a, b))), true
		}
	case "substring":
		return armSubstring(vs), true
	case "split":
		return t.split(vs), true
	case "join":
		return t.join(vs), true
	default:
		return cty.NilVal, false
	}
}

func (t *armTemplate) applyArm6(name string, vs []cty.Value) (cty.Value, bool) {
	n := len(vs)
	switch name {
	case "equals":
		if n != 2 || !vs[0].IsWhollyKnown() || !vs[1].IsWhollyKnown() {
			return cty.DynamicVal, true
		}
		if a, ok := armString(vs[0]); ok && vs[0].Type() == cty.String && vs[1].Type() == cty.String {
			b := vs[1].AsString()
			if a != b && strings.EqualFold(a, b) {
				return cty.DynamicVal, true // whether ARM compares these with case is not known here
			}
			return cty.BoolVal(a == b), true
		}
		return cty.BoolVal(armEqual(vs[0], vs[1])), true
	case "contains":
		return armContains(vs), true
	case "empty":
		v := armOne(vs)
		if !v.IsKnown() {
			return cty.DynamicVal, true
		}
		if v.IsNull() {
			return cty.True, true
		}
		if l, ok := armLength(v); ok {
			return cty.BoolVal(l == 0), true
		}
	case "length":
		if l, ok := armLength(armOne(vs)); ok {
			return cty.NumberIntVal(int64(l)), true
		}
	default:
		return cty.NilVal, false
	}
	return cty.DynamicVal, true
}

func (t *armTemplate) applyArm7(name string, vs []cty.Value) (cty.Value, bool) {
	n := len(vs)
	switch name {
	case "first", "last", "take", "skip":
		return t.slice(name, vs), true
	case "union":
		return t.union(vs), true
	case "range":
		if n != 2 {
			return cty.DynamicVal, true
		}
		start, ok1 := armInt(vs[0])
		count, ok2 := armInt(vs[1])
		if !ok1 || !ok2 || count < 0 || count > 10000 || !t.admit(int(count)) {
			return cty.DynamicVal, true
		}
		if count == 0 {
			return cty.EmptyTupleVal, true
		}
		els := make([]cty.Value, count)
		for i := range els {
			els[i] = cty.NumberIntVal(start + int64(i))
		}
		return cty.TupleVal(els), true
	case "add", "sub", "mul", "div", "mod":
		return armArith(name, vs), true
	default:
		return cty.NilVal, false
	}
}

func (t *armTemplate) applyArm8(name string, vs []cty.Value) (cty.Value, bool) {
	switch name {
	case "min", "max":
		return armMinMax(name, vs), true
	case "less", "lessorequals", "greater", "greaterorequals":
		return armCompare(name, vs), true
	default:
		return cty.NilVal, false
	}
}

// one returns the only argument, or unknown.
func armOne(vs []cty.Value) cty.Value {
	if len(vs) != 1 {
		return cty.DynamicVal
	}
	return vs[0]
}

func armASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (t *armTemplate) concat(vs []cty.Value) cty.Value {
	if len(vs) == 0 {
		return cty.DynamicVal
	}
	for _, v := range vs {
		if !v.IsKnown() {
			return cty.DynamicVal
		}
	}
	if ty := vs[0].Type(); !vs[0].IsNull() && (ty.IsTupleType() || ty.IsListType()) {
		var els []cty.Value
		for _, v := range vs {
			if v.IsNull() {
				continue
			}
			if ty := v.Type(); !ty.IsTupleType() && !ty.IsListType() {
				return cty.DynamicVal
			}
			if !t.admit(len(els) + v.LengthInt()) {
				return cty.DynamicVal
			}
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				els = append(els, e)
			}
		}
		if len(els) == 0 {
			return cty.EmptyTupleVal
		}
		return t.built(cty.TupleVal(els))
	}
	ss, ok := armStrings(vs)
	if !ok {
		return cty.DynamicVal
	}
	size := 0
	for _, s := range ss {
		size += len(s)
	}
	if !t.admit(size) {
		return cty.DynamicVal
	}
	return cty.StringVal(strings.Join(ss, ""))
}

// format applies a .NET composite format whose items are plain indexes
// ("{0}"); alignments and format strings are unknown.
func (t *armTemplate) format(f string, args []string) cty.Value {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '{' && i+1 < len(f) && f[i+1] == '{', c == '}' && i+1 < len(f) && f[i+1] == '}':
			b.WriteByte(c)
			i++
		case c == '{':
			j := strings.IndexByte(f[i:], '}')
			if j < 0 {
				return cty.DynamicVal
			}
			k, err := strconv.Atoi(strings.TrimSpace(f[i+1 : i+j]))
			if err != nil || k < 0 || k >= len(args) {
				return cty.DynamicVal
			}
			if int64(b.Len()+len(args[k])) > t.g.lim.CollectionElements || !t.admit(len(args[k])) {
				t.g.fail(limits.Exceeded("collection size", t.g.lim.CollectionElements))
				return cty.DynamicVal
			}
			b.WriteString(args[k])
			i += j
		case c == '}':
			return cty.DynamicVal
		default:
			b.WriteByte(c)
		}
	}
	return cty.StringVal(b.String())
}

func (t *armTemplate) padLeft(vs []cty.Value) cty.Value {
	if len(vs) < 2 || len(vs) > 3 {
		return cty.DynamicVal
	}
	s, ok1 := armString(vs[0])
	total, ok2 := armInt(vs[1])
	pad := " "
	if len(vs) == 3 {
		var ok bool
		if pad, ok = armString(vs[2]); !ok || utf8.RuneCountInString(pad) != 1 {
			return cty.DynamicVal
		}
	}
	if !ok1 || !ok2 || total < 0 || !t.admit(int(min(total, t.g.lim.CollectionElements+1))*len(pad)) {
		return cty.DynamicVal
	}
	if l := utf8.RuneCountInString(s); int64(l) < total {
		s = strings.Repeat(pad, int(total)-l) + s
	}
	return cty.StringVal(s)
}

func armSubstring(vs []cty.Value) cty.Value {
	if len(vs) < 2 || len(vs) > 3 {
		return cty.DynamicVal
	}
	s, ok := armString(vs[0])
	start, ok2 := armInt(vs[1])
	if !ok || !ok2 || !armASCII(s) || start < 0 || start > int64(len(s)) {
		return cty.DynamicVal
	}
	end := int64(len(s))
	if len(vs) == 3 {
		l, ok := armInt(vs[2])
		if !ok || l < 0 || start+l > end {
			return cty.DynamicVal
		}
		end = start + l
	}
	return cty.StringVal(s[start:end])
}

func (t *armTemplate) split(vs []cty.Value) cty.Value {
	if len(vs) != 2 {
		return cty.DynamicVal
	}
	s, ok := armString(vs[0])
	if !ok {
		return cty.DynamicVal
	}
	var delims []string
	if d := vs[1]; d.IsKnown() && !d.IsNull() && (d.Type().IsTupleType() || d.Type().IsListType()) {
		for it := d.ElementIterator(); it.Next(); {
			_, e := it.Element()
			ds, ok := armString(e)
			if !ok {
				return cty.DynamicVal
			}
			delims = append(delims, ds)
		}
	} else if ds, ok := armString(d); ok {
		delims = []string{ds}
	} else {
		return cty.DynamicVal
	}
	parts := []string{s}
	for _, d := range delims {
		if d == "" {
			continue
		}
		var next []string
		for _, p := range parts {
			next = append(next, strings.Split(p, d)...)
		}
		if !t.admit(len(next)) {
			return cty.DynamicVal
		}
		parts = next
	}
	els := make([]cty.Value, len(parts))
	for i, p := range parts {
		els[i] = cty.StringVal(p)
	}
	return cty.TupleVal(els)
}

func (t *armTemplate) join(vs []cty.Value) cty.Value {
	if len(vs) != 2 || !vs[0].IsKnown() || vs[0].IsNull() || !(vs[0].Type().IsTupleType() || vs[0].Type().IsListType()) {
		return cty.DynamicVal
	}
	d, ok := armString(vs[1])
	if !ok {
		return cty.DynamicVal
	}
	var parts []string
	size := 0
	for it := vs[0].ElementIterator(); it.Next(); {
		_, e := it.Element()
		s, ok := armString(e)
		if !ok {
			return cty.DynamicVal
		}
		size += len(s) + len(d)
		parts = append(parts, s)
	}
	if !t.admit(size) {
		return cty.DynamicVal
	}
	return cty.StringVal(strings.Join(parts, d))
}

func armLength(v cty.Value) (int, bool) {
	if v.IsNull() || !v.IsKnown() {
		return 0, false
	}
	switch ty := v.Type(); {
	case ty == cty.String:
		return utf8.RuneCountInString(v.AsString()), true
	case ty.IsTupleType(), ty.IsListType(), ty.IsObjectType(), ty.IsMapType():
		return v.LengthInt(), true
	}
	return 0, false
}

// armEqual compares two wholly known values.
func armEqual(a, b cty.Value) bool {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	if !a.Type().Equals(b.Type()) {
		return false
	}
	return a.Equals(b).True()
}

func armContains(vs []cty.Value) cty.Value {
	if len(vs) != 2 || !vs[0].IsKnown() || vs[0].IsNull() || !vs[1].IsWhollyKnown() {
		return cty.DynamicVal
	}
	c, item := vs[0], vs[1]
	switch ty := c.Type(); {
	case ty == cty.String:
		s, ok := armString(item)
		if !ok {
			return cty.DynamicVal
		}
		return cty.BoolVal(strings.Contains(c.AsString(), s))
	case ty.IsObjectType() || ty.IsMapType():
		s, ok := armString(item)
		if !ok {
			return cty.DynamicVal
		}
		_, found := armAttr(c, s)
		return cty.BoolVal(found)
	case ty.IsTupleType() || ty.IsListType():
		unknown := false
		for it := c.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !e.IsWhollyKnown() {
				unknown = true
				continue
			}
			if armEqual(e, item) {
				return cty.True
			}
		}
		if unknown {
			return cty.DynamicVal
		}
		return cty.False
	}
	return cty.DynamicVal
}

func (t *armTemplate) slice(name string, vs []cty.Value) cty.Value {
	v := cty.DynamicVal
	if len(vs) > 0 {
		v = vs[0]
	}
	if v.IsNull() || !v.IsKnown() {
		return cty.DynamicVal
	}
	count := int64(1)
	if name == "take" || name == "skip" {
		c, ok := armInt(armOne(vs[1:]))
		if !ok {
			return cty.DynamicVal
		}
		count = max(c, 0)
	} else if len(vs) != 1 {
		return cty.DynamicVal
	}
	var els []cty.Value
	switch ty := v.Type(); {
	case ty == cty.String && armASCII(v.AsString()):
		s := v.AsString()
		l := int64(len(s))
		switch name {
		case "first", "last":
			if l == 0 {
				return cty.StringVal("")
			}
			if name == "first" {
				return cty.StringVal(s[:1])
			}
			return cty.StringVal(s[l-1:])
		case "take":
			return cty.StringVal(s[:min(count, l)])
		default:
			return cty.StringVal(s[min(count, l):])
		}
	case ty.IsTupleType() || ty.IsListType():
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			els = append(els, e)
		}
	default:
		return cty.DynamicVal
	}
	l := int64(len(els))
	switch name {
	case "first", "last":
		if l == 0 {
			return cty.NullVal(cty.DynamicPseudoType)
		}
		if name == "first" {
			return els[0]
		}
		return els[l-1]
	case "take":
		els = els[:min(count, l)]
	default:
		els = els[min(count, l):]
	}
	if len(els) == 0 {
		return cty.EmptyTupleVal
	}
	return cty.TupleVal(els)
}

// union merges objects (nested objects merged too, later values winning)
// or joins arrays without duplicates.
func (t *armTemplate) union(vs []cty.Value) cty.Value {
	if len(vs) == 0 {
		return cty.DynamicVal
	}
	for _, v := range vs {
		if !v.IsKnown() || v.IsNull() {
			return cty.DynamicVal
		}
	}
	if ty := vs[0].Type(); ty.IsObjectType() || ty.IsMapType() {
		out := cty.EmptyObjectVal
		for _, v := range vs {
			if ty := v.Type(); !ty.IsObjectType() && !ty.IsMapType() {
				return cty.DynamicVal
			}
			out = t.merge(out, v, 0)
			if t.g.err != nil {
				return cty.DynamicVal
			}
		}
		return t.built(out)
	}
	var els []cty.Value
	for _, v := range vs {
		if ty := v.Type(); !ty.IsTupleType() && !ty.IsListType() {
			return cty.DynamicVal
		}
		if !t.admit(len(els) + v.LengthInt()) {
			return cty.DynamicVal
		}
	next:
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !e.IsWhollyKnown() {
				return cty.DynamicVal
			}
			for _, x := range els {
				if t.g.step(1) != nil {
					return cty.DynamicVal
				}
				if armEqual(x, e) {
					continue next
				}
			}
			els = append(els, e)
		}
	}
	if len(els) == 0 {
		return cty.EmptyTupleVal
	}
	return t.built(cty.TupleVal(els))
}

func (t *armTemplate) merge(a, b cty.Value, depth int) cty.Value {
	if depth > t.g.lim.Depth {
		t.g.fail(limits.Exceeded("value depth", t.g.lim.Depth))
		return cty.DynamicVal
	}
	attrs := map[string]cty.Value{}
	for it := a.ElementIterator(); it.Next(); {
		k, v := it.Element()
		attrs[k.AsString()] = v
	}
	for it := b.ElementIterator(); it.Next(); {
		if t.g.step(1) != nil {
			return cty.DynamicVal
		}
		k, v := it.Element()
		ks := k.AsString()
		if old, ok := attrs[ks]; ok && armIsObject(old) && armIsObject(v) {
			v = t.merge(old, v, depth+1)
		}
		attrs[ks] = v
	}
	if len(attrs) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(attrs)
}

func armIsObject(v cty.Value) bool {
	return v.IsKnown() && !v.IsNull() && (v.Type().IsObjectType() || v.Type().IsMapType())
}

func armInts(vs []cty.Value) ([]int64, bool) {
	if len(vs) == 1 && vs[0].IsKnown() && !vs[0].IsNull() && (vs[0].Type().IsTupleType() || vs[0].Type().IsListType()) {
		var out []int64
		for it := vs[0].ElementIterator(); it.Next(); {
			_, e := it.Element()
			i, ok := armInt(e)
			if !ok {
				return nil, false
			}
			out = append(out, i)
		}
		return out, len(out) > 0
	}
	out := make([]int64, len(vs))
	for i, v := range vs {
		n, ok := armInt(v)
		if !ok {
			return nil, false
		}
		out[i] = n
	}
	return out, len(out) > 0
}

func armArith(name string, vs []cty.Value) cty.Value {
	is, ok := armInts(vs)
	if !ok || len(vs) != 2 {
		return cty.DynamicVal
	}
	a, b := new(big.Int).SetInt64(is[0]), new(big.Int).SetInt64(is[1])
	r := new(big.Int)
	switch name {
	case "add":
		r.Add(a, b)
	case "sub":
		r.Sub(a, b)
	case "mul":
		r.Mul(a, b)
	case "div", "mod":
		if b.Sign() == 0 {
			return cty.DynamicVal
		}
		if name == "div" {
			r.Quo(a, b)
		} else {
			r.Rem(a, b)
		}
	}
	if !r.IsInt64() {
		return cty.DynamicVal
	}
	return cty.NumberIntVal(r.Int64())
}

func armMinMax(name string, vs []cty.Value) cty.Value {
	is, ok := armInts(vs)
	if !ok {
		return cty.DynamicVal
	}
	r := is[0]
	for _, i := range is[1:] {
		if name == "min" {
			r = min(r, i)
		} else {
			r = max(r, i)
		}
	}
	return cty.NumberIntVal(r)
}

func armCompare(name string, vs []cty.Value) cty.Value {
	if len(vs) != 2 {
		return cty.DynamicVal
	}
	var c int
	if a, ok := armInt(vs[0]); ok {
		b, ok := armInt(vs[1])
		if !ok {
			return cty.DynamicVal
		}
		c = big.NewInt(a).Cmp(big.NewInt(b))
	} else if vs[0].IsKnown() && !vs[0].IsNull() && vs[0].Type() == cty.String && vs[1].IsKnown() && !vs[1].IsNull() && vs[1].Type() == cty.String {
		c = strings.Compare(vs[0].AsString(), vs[1].AsString())
	} else {
		return cty.DynamicVal
	}
	switch name {
	case "less":
		return cty.BoolVal(c < 0)
	case "lessorequals":
		return cty.BoolVal(c <= 0)
	case "greater":
		return cty.BoolVal(c > 0)
	}
	return cty.BoolVal(c >= 0)
}
