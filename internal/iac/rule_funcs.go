package iac

import (
	"encoding/json"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	cref "cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/ext"
)

// ruleFunctions are the helpers conditions call for the shapes that recur
// across providers. Every helper is strict about unknowns: when the
// answer depends on a value that cannot be known, it is unknown.
//
//	internet(x)           x (a CIDR, an address prefix, or a list of them) admits
//	                      the whole internet: 0.0.0.0/0, ::/0, "*", "Internet", "Any"
//	covers(spec, port)    a port spec covers a port: an int, "22", "20-30", "*",
//	                      or a list of them; port may be a list (any of them)
//	statements(doc)       an IAM-style policy document (JSON text, an object, or
//	                      the statement blocks of data aws_iam_policy_document) as
//	                      a list of {effect, actions, not_actions, resources,
//	                      not_resources, principals, conditional, condition_keys,
//	                      sid}; actions and condition keys are
//	                      lower case, principals are flattened ("*" for everyone)
//	hasAction(stmt, action) a statement's actions cover the action, whatever its
//	                      effect and conditions
//	allows(doc, action)   some unconditional Allow statement grants the action
//	                      (IAM wildcards: "s3:*", "*", "iam:Pass*"; NotAction)
//	public(doc)           some Allow statement without a condition names the
//	                      principal "*" (anyone, signed in or not)
//	secretKeys(map)       the keys of a map whose names look like credentials
//	                      (password, secret, token, api key, private key) and whose
//	                      values are literal, non-empty strings
//	secretText(s)         s holds a credential: an AWS access key ID, a private key
//	                      block, or a password/secret/token assignment to a literal
//	decode(s)             JSON text as a value (unknown when it is not JSON)
//	secretName, secretPair  see secretLib (rule_funcs_awsid.go)
//
// CEL's string extensions (lowerAscii, split, …) and sets (sets.contains,
// sets.intersects) are available too.
func ruleFunctions() []cel.EnvOption {
	return []cel.EnvOption{
		ext.Strings(),
		ext.Sets(),
		ext.Encoders(), // base64.decode(s) → bytes, string(…) to read it (VM custom_data)
		unary("internet", internet),
		binary("covers", portCovers),
		unary("statements", celStatements),
		binary("allows", allows),
		binary("hasAction", stmtMatches),
		unary("public", public),
		unary("secretKeys", secretKeys),
		unary("secretText", secretText),
		unary("decode", decode),
		unary("certExpired", certExpired), // a PEM certificate past its NotAfter (rule_funcs_gapaws.go)
		cel.Lib(secretLib{}),
	}
}

func unary(name string, f func(cref.Val) cref.Val) cel.EnvOption {
	return cel.Function(name, cel.Overload(name+"_dyn", []*cel.Type{cel.DynType}, cel.DynType, cel.UnaryBinding(f)))
}

func binary(name string, f func(cref.Val, cref.Val) cref.Val) cel.EnvOption {
	return cel.Function(name, cel.Overload(name+"_dyn_dyn", []*cel.Type{cel.DynType, cel.DynType}, cel.DynType, cel.BinaryBinding(f)))
}

// items returns the elements of a list, block list or single value; an
// missing value has none.
func celItems(v cref.Val) []cref.Val {
	switch x := v.(type) {
	case missing:
		return nil
	case *blockList:
		out := make([]cref.Val, len(x.items))
		for i, it := range x.items {
			out[i] = it
		}
		return out
	case traits.Lister:
		var out []cref.Val
		for it := x.Iterator(); it.HasNext() == types.True; {
			out = append(out, it.Next())
		}
		return out
	}
	return []cref.Val{v}
}

// anyOf is true when f is true for some item, unknown when it is not but
// some item (or f on it) is unknown, false otherwise.
func anyOf(vs []cref.Val, f func(cref.Val) cref.Val) cref.Val {
	unknown := false
	for _, v := range vs {
		if types.IsUnknown(v) {
			unknown = true
			continue
		}
		switch r := f(v); {
		case r == types.True:
			return types.True
		case types.IsUnknown(r):
			unknown = true
		}
	}
	if unknown {
		return unknownVal()
	}
	return types.False
}

var internetPrefixes = map[string]bool{"*": true, "internet": true, "any": true, "0.0.0.0": true, "0.0.0.0/0": true, "::/0": true, "::": true}

func internet(v cref.Val) cref.Val {
	return anyOf(celItems(v), func(x cref.Val) cref.Val {
		s, ok := x.(types.String)
		if !ok {
			return types.False
		}
		t := strings.ToLower(strings.TrimSpace(string(s)))
		if internetPrefixes[t] {
			return types.True
		}
		p, err := netip.ParsePrefix(t)
		return types.Bool(err == nil && p.Bits() == 0)
	})
}

func portCovers(spec, port cref.Val) cref.Val {
	return anyOf(celItems(port), func(p cref.Val) cref.Val {
		n, ok := p.(types.Int)
		if !ok {
			return types.False
		}
		return anyOf(celItems(spec), func(s cref.Val) cref.Val { return coversOne(s, int64(n)) })
	})
}

func coversOne(s cref.Val, port int64) cref.Val {
	switch x := s.(type) {
	case types.Int:
		return types.Bool(int64(x) == port)
	case types.String:
		t := strings.TrimSpace(string(x))
		if t == "*" || strings.EqualFold(t, "any") {
			return types.True
		}
		lo, hi, found := strings.Cut(t, "-")
		if !found {
			hi = lo
		}
		a, err1 := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
		b, err2 := strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
		return types.Bool(err1 == nil && err2 == nil && a <= port && port <= b)
	}
	return types.False
}

// pick returns the first of an object's fields that is set (policy JSON
// keys and a document data source's block names differ).
func pick(o cref.Val, names ...string) cref.Val {
	ob, ok := o.(*object)
	if !ok {
		return missing{}
	}
	for _, n := range names {
		if v := ob.get(n); !isMissing(v) {
			return v
		}
	}
	return missing{}
}

func isMissing(v cref.Val) bool { _, ok := v.(missing); return ok }

// strs normalises a string or list of strings; unknown when any is.
func strs(v cref.Val, lower bool) cref.Val {
	var out []cref.Val
	for _, it := range celItems(v) {
		switch x := it.(type) {
		case types.String:
			if lower {
				x = types.String(strings.ToLower(string(x)))
			}
			out = append(out, x)
		default:
			if types.IsUnknown(x) {
				out = append(out, x)
			}
		}
	}
	if types.IsUnknown(v) {
		return v
	}
	return types.NewRefValList(types.DefaultTypeAdapter, out)
}

// principals flattens a JSON Principal ("*", {"AWS": [...]}, …) or the
// principals blocks of a policy document data source.
func principals(v cref.Val) cref.Val {
	if types.IsUnknown(v) {
		return v
	}
	var out []cref.Val
	add := func(x cref.Val) {
		for _, it := range celItems(x) {
			if s, ok := it.(types.String); ok || types.IsUnknown(it) {
				if ok {
					out = append(out, s)
				} else {
					out = append(out, it)
				}
			}
		}
	}
	switch x := v.(type) {
	case types.String:
		add(x)
	case *blockList:
		for _, b := range x.items {
			add(b.get("identifiers"))
		}
	case *object:
		if x.n != nil {
			add(x.get("identifiers"))
			break
		}
		for _, k := range []string{"AWS", "Service", "Federated", "CanonicalUser"} {
			add(x.get(k))
		}
	}
	return types.NewRefValList(types.DefaultTypeAdapter, out)
}

// celStatements normalises a policy document; see ruleFunctions.
func celStatements(doc cref.Val) cref.Val {
	if s, ok := doc.(types.String); ok {
		doc = decode(s)
	}
	if types.IsUnknown(doc) {
		return doc
	}
	var raw []cref.Val
	switch d := doc.(type) {
	case *blockList: // data aws_iam_policy_document's statement blocks
		raw = celItems(d)
	case *object:
		if d.n != nil && !isMissing(d.get("statement")) {
			raw = celItems(d.get("statement"))
			break
		}
		st := pick(d, "Statement", "statement")
		if types.IsUnknown(st) {
			return st
		}
		raw = celItems(st)
	default:
		raw = celItems(d)
	}
	out := make([]cref.Val, 0, len(raw))
	for _, s := range raw {
		if types.IsUnknown(s) {
			out = append(out, s)
			continue
		}
		o, ok := s.(*object)
		if !ok {
			continue
		}
		effect := pick(o, "Effect", "effect")
		if isMissing(effect) {
			effect = types.String("Allow")
		}
		cond := pick(o, "Condition", "condition")
		out = append(out, &object{fields: map[string]cref.Val{
			"effect":         effect,
			"actions":        strs(pick(o, "Action", "actions"), true),
			"not_actions":    strs(pick(o, "NotAction", "not_actions"), true),
			"resources":      strs(pick(o, "Resource", "resources"), false),
			"not_resources":  strs(pick(o, "NotResource", "not_resources"), false),
			"principals":     principals(pick(o, "Principal", "principals")),
			"conditional":    types.Bool(!isMissing(cond) && !isEmpty(cond)),
			"condition_keys": conditionKeys(cond),
			"sid":            pick(o, "Sid", "sid"),
		}})
	}
	return types.NewRefValList(types.DefaultTypeAdapter, out)
}

// conditionKeys lists a statement's condition keys, lower case: the keys
// under each operator of a JSON Condition, or the variables of a policy
// document data source's condition blocks.
func conditionKeys(cond cref.Val) cref.Val {
	if types.IsUnknown(cond) {
		return cond
	}
	var out []cref.Val
	add := func(k string) { out = append(out, types.String(strings.ToLower(k))) }
	switch c := cond.(type) {
	case *blockList:
		for _, b := range c.items {
			if v, ok := b.get("variable").(types.String); ok {
				add(string(v))
			}
		}
	case *object:
		if c.n != nil {
			if v, ok := c.get("variable").(types.String); ok {
				add(string(v))
			}
			break
		}
		for _, op := range c.fields {
			if inner, ok := op.(*object); ok && inner.n == nil {
				for k := range inner.fields {
					add(k)
				}
			}
		}
	}
	return types.NewRefValList(types.DefaultTypeAdapter, out)
}

// stmtMatches reports whether a normalised statement's actions (or
// NotAction) cover an action, whatever its effect and conditions.
func stmtMatches(st, action cref.Val) cref.Val {
	a, ok := action.(types.String)
	if !ok {
		return types.NewErr("matches: the action must be a string")
	}
	o, ok := st.(*object)
	if !ok {
		return types.False
	}
	if na := celItems(o.get("not_actions")); len(na) > 0 {
		r := anyOf(na, func(p cref.Val) cref.Val {
			s, ok := p.(types.String)
			return types.Bool(ok && globMatch(string(s), string(a)))
		})
		if types.IsUnknown(r) {
			return r
		}
		return types.Bool(r == types.False)
	}
	return anyOf(celItems(o.get("actions")), func(p cref.Val) cref.Val {
		s, ok := p.(types.String)
		return types.Bool(ok && globMatch(string(s), string(a)))
	})
}

func isEmpty(v cref.Val) bool {
	if o, ok := v.(*object); ok && o.n == nil {
		return len(o.fields) == 0
	}
	if l, ok := v.(*blockList); ok {
		return len(l.items) == 0
	}
	return false
}

// grants reports whether one normalised statement allows an action,
// unconditionally.
func grants(st cref.Val, action string) cref.Val {
	o, ok := st.(*object)
	if !ok {
		return types.False
	}
	e := o.get("effect")
	if types.IsUnknown(e) {
		return e
	}
	if s, ok := e.(types.String); !ok || !strings.EqualFold(string(s), "allow") || o.get("conditional") == types.True {
		return types.False
	}
	if na := celItems(o.get("not_actions")); len(na) > 0 {
		r := anyOf(na, func(p cref.Val) cref.Val { return types.Bool(globMatch(string(p.(types.String)), action)) })
		if types.IsUnknown(r) {
			return r
		}
		return types.Bool(r == types.False)
	}
	return anyOf(celItems(o.get("actions")), func(p cref.Val) cref.Val {
		s, ok := p.(types.String)
		return types.Bool(ok && globMatch(string(s), action))
	})
}

func allows(doc, action cref.Val) cref.Val {
	a, ok := action.(types.String)
	if !ok {
		return types.NewErr("allows: the action must be a string")
	}
	sts := celStatements(doc)
	if types.IsUnknown(sts) {
		return sts
	}
	return anyOf(celItems(sts), func(st cref.Val) cref.Val { return grants(st, string(a)) })
}

func public(doc cref.Val) cref.Val {
	sts := celStatements(doc)
	if types.IsUnknown(sts) {
		return sts
	}
	return anyOf(celItems(sts), func(st cref.Val) cref.Val {
		o := st.(*object)
		e, ok := o.get("effect").(types.String)
		if !ok {
			if types.IsUnknown(o.get("effect")) {
				return o.get("effect")
			}
			return types.False
		}
		if !strings.EqualFold(string(e), "allow") || o.get("conditional") == types.True {
			return types.False
		}
		return anyOf(celItems(o.get("principals")), func(p cref.Val) cref.Val { return types.Bool(p == types.String("*")) })
	})
}

var secretName = regexp.MustCompile(`(?i)(passw(or)?d|passwd|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|credential|auth[_-]?key)`)

func secretKeys(m cref.Val) cref.Val {
	o, ok := m.(*object)
	if !ok || o.n != nil {
		if types.IsUnknown(m) {
			return m
		}
		return types.NewRefValList(types.DefaultTypeAdapter, nil)
	}
	var out []cref.Val
	for it := o.Iterator(); it.HasNext() == types.True; {
		k := it.Next().(types.String)
		v, isStr := o.fields[string(k)].(types.String)
		if isStr && secretName.MatchString(string(k)) && strings.TrimSpace(string(v)) != "" && !placeholder(string(v)) {
			out = append(out, k)
		}
	}
	return types.NewRefValList(types.DefaultTypeAdapter, out)
}

// placeholder reports values that name a secret rather than hold one:
// ARNs, secret manager references and obvious placeholders.
func placeholder(v string) bool {
	l := strings.ToLower(v)
	return strings.HasPrefix(l, "arn:") || strings.HasPrefix(l, "{{resolve:") || strings.HasPrefix(l, "ssm:")
}

var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`),
	regexp.MustCompile(`-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`),
	regexp.MustCompile(`(?i)(passw(or)?d|secret|token|api[_-]?key)\s*[:=]\s*["']?[^\s"'$]{6,}`),
}

func secretText(v cref.Val) cref.Val {
	s, ok := v.(types.String)
	if !ok || placeholder(strings.TrimSpace(string(s))) {
		return types.False
	}
	for _, re := range secretPatterns {
		if re.MatchString(string(s)) {
			return types.True
		}
	}
	return types.False
}

// maxDecode bounds the JSON text decode accepts.
const maxDecode = 1 << 20

func decode(v cref.Val) cref.Val {
	s, ok := v.(types.String)
	if !ok {
		return v
	}
	if len(s) > maxDecode || jsonDepth([]byte(s)) > maxViewDepth {
		return unknownVal()
	}
	var x any
	if err := json.Unmarshal([]byte(s), &x); err != nil {
		return unknownVal()
	}
	return fromJSON(x)
}

func fromJSON(x any) cref.Val {
	switch t := x.(type) {
	case nil:
		return missing{}
	case string:
		return types.String(t)
	case bool:
		return types.Bool(t)
	case float64:
		if t == float64(int64(t)) {
			return types.Int(int64(t))
		}
		return types.Double(t)
	case []any:
		out := make([]cref.Val, len(t))
		for i, e := range t {
			out[i] = fromJSON(e)
		}
		return types.NewRefValList(types.DefaultTypeAdapter, out)
	case map[string]any:
		f := make(map[string]cref.Val, len(t))
		for k, e := range t {
			f[k] = fromJSON(e)
		}
		return &object{fields: f}
	}
	return unknownVal()
}
