package yara

import (
	"strings"
)

// parseExpr parses a condition expression.
func (p *parser) parseExpr() node {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		p.failAt(p.peek(), "condition nested deeper than %d", maxDepth)
	}
	return p.parseOr()
}

func (p *parser) parseOr() node {
	n := p.parseAnd()
	for p.accept("or") {
		n = orNode{n, p.parseAnd()}
	}
	return n
}

func (p *parser) parseAnd() node {
	n := p.parseNot()
	for p.accept("and") {
		n = andNode{n, p.parseNot()}
	}
	return n
}

func (p *parser) parseNot() node {
	if p.accept("not") {
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			p.failAt(p.peek(), "condition nested deeper than %d", maxDepth)
		}
		return notNode{p.parseNot()}
	}
	if p.is("defined") {
		p.unsupported(p.next(), "\"defined\" is not supported")
		return notNode{p.parseNot()}
	}
	return p.parseEq()
}

var strOps = map[string]bool{"contains": true, "icontains": true, "startswith": true, "istartswith": true,
	"endswith": true, "iendswith": true, "iequals": true}

func (p *parser) parseEq() node {
	n := p.parseRel()
	for {
		t := p.peek()
		switch {
		case p.is("==") || p.is("!="):
			p.next()
			n = cmpNode{t.val, n, p.parseRel()}
		case t.kind == tIdent && strOps[t.val]:
			p.next()
			n = strOpNode{t.val, n, p.parseRel()}
		case p.is("matches"):
			p.next()
			n = p.parseMatches(n, t)
		default:
			return n
		}
	}
}

// parseMatches parses the regex after `matches`.
func (p *parser) parseMatches(x node, t token) node {
	if len(p.la) != 0 {
		p.failAt(t, "internal: lookahead before a regex")
	}
	p.lx.skipSpace()
	if p.lx.at(0) != '/' {
		p.failAt(t, "expected a regular expression after matches")
	}
	body, flags := p.lx.rawRegex()
	tr, err := translateRegex(body, flags, false)
	if err != nil {
		p.unsupported(t, "regex /%s/: %v", body, err)
		return litNode{undef}
	}
	re, err := compileLatin1(tr, false)
	if err != nil {
		p.unsupported(t, "regex /%s/: %v", body, err)
		return litNode{undef}
	}
	return matchesNode{x, re}
}

func (p *parser) parseRel() node {
	n := p.parseBinary(0)
	for p.is("<") || p.is("<=") || p.is(">") || p.is(">=") {
		op := p.next().val
		n = cmpNode{op, n, p.parseBinary(0)}
	}
	return n
}

// binaryLevels lists the integer operators from the loosest to the
// tightest binding.
var binaryLevels = [][]string{{"|"}, {"^"}, {"&"}, {"<<", ">>"}, {"+", "-"}, {"*", "\\", "%"}}

func (p *parser) parseBinary(level int) node {
	if level == len(binaryLevels) {
		return p.parseUnary()
	}
	n := p.parseBinary(level + 1)
	for {
		op := ""
		for _, o := range binaryLevels[level] {
			if p.peek().kind == tPunct && p.peek().val == o {
				op = o
			}
		}
		if op == "" {
			return n
		}
		if op == "%" && p.peek2().kind == tIdent && p.peek2().val == "of" {
			p.unsupported(p.next(), "percentages in \"of\" are not supported")
			p.next()
			p.parseStringSet()
			return litNode{undef}
		}
		p.next()
		n = arithNode{op, n, p.parseBinary(level + 1)}
	}
}

func (p *parser) parseUnary() node {
	if p.is("-") || p.is("~") {
		op := p.next().val
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			p.failAt(p.peek(), "condition nested deeper than %d", maxDepth)
		}
		return negNode{op, p.parseUnary()}
	}
	n := p.parsePrimary()
	if p.is("of") {
		p.next()
		return p.parseOf(quant{kind: "n", n: n})
	}
	return n
}

// parsePrimary parses literals, string references, functions, rule and
// module references, parenthesised expressions and loops.
func (p *parser) parsePrimary() node {
	t := p.peek()
	switch t.kind {
	case tInt:
		p.next()
		return litNode{intVal(t.num)}
	case tString:
		p.next()
		b, err := unescapeText(t.val)
		if err != nil {
			p.failAt(t, "%v", err)
		}
		return litNode{strVal(string(b))}
	case tStrID, tCount, tOffset, tLength:
		return p.parseStringRef()
	case tIdent:
		return p.parseIdent()
	}
	if p.accept("(") {
		n := p.parseExpr()
		p.expect(")")
		return n
	}
	p.failAt(t, "unexpected %s in condition", t)
	return nil
}

// strRef resolves a string reference ("" for the anonymous one).
func (p *parser) strRef(t token) int {
	if t.val == "" {
		if !p.inForOf() {
			p.failAt(t, "anonymous string reference outside a \"for ... of\" loop")
		}
		return anon
	}
	i, ok := p.strIdx[t.val]
	if !ok {
		p.failAt(t, "undefined string identifier %q", t.val)
	}
	return i
}

// inForOf reports whether the parser is in the body of a for..of loop;
// those push the pseudo-variable "$".
func (p *parser) inForOf() bool {
	for _, v := range p.vars {
		if v == "$" {
			return true
		}
	}
	return false
}

func (p *parser) parseStringRef() node {
	t := p.next()
	if strings.HasSuffix(t.val, "*") {
		p.failAt(t, "a wildcard string reference is only allowed in a string set")
	}
	s := p.strRef(t)
	switch t.kind {
	case tCount:
		if p.accept("in") {
			lo, hi := p.parseRange()
			return strInNode{s: s, lo: lo, hi: hi, count: true}
		}
		return strCountNode{s}
	case tOffset, tLength:
		var idx node = litNode{intVal(1)}
		if p.accept("[") {
			idx = p.parseExpr()
			p.expect("]")
		}
		return strOffNode{s: s, idx: idx, length: t.kind == tLength}
	}
	switch {
	case p.accept("at"):
		return strAtNode{s, p.parseUnary()}
	case p.accept("in"):
		lo, hi := p.parseRange()
		return strInNode{s: s, lo: lo, hi: hi}
	}
	return strNode{s}
}

// parseRange parses `(lo..hi)`.
func (p *parser) parseRange() (node, node) {
	p.expect("(")
	lo := p.parseExpr()
	p.expect("..")
	hi := p.parseExpr()
	p.expect(")")
	return lo, hi
}

// parseStringSet parses `them` or `($a, $b*, ...)` into global string
// indexes.
func (p *parser) parseStringSet() []int {
	if p.accept("them") {
		return p.allStrings(p.peek())
	}
	p.expect("(")
	var out []int
	seen := map[int]bool{}
	for {
		t := p.next()
		if t.kind != tStrID {
			if t.kind == tIdent {
				p.unsupported(t, "rule sets in \"of\" are not supported")
				for !p.accept(")") && p.peek().kind != tEOF {
					p.next()
				}
				return nil
			}
			p.failAt(t, "expected a string identifier, found %s", t)
		}
		for _, i := range p.matchIDs(t) {
			if !seen[i] {
				seen[i] = true
				out = append(out, i)
			}
		}
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	if len(out) > maxStringSetFanout {
		p.failAt(p.peek(), "string set too large")
	}
	return out
}

func (p *parser) allStrings(t token) []int {
	if len(p.strIDs) == 0 {
		p.failAt(t, "\"them\" in a rule without strings")
	}
	out := make([]int, len(p.strIDs))
	for i, id := range p.strIDs {
		out[i] = p.strIdx[id]
	}
	return out
}

// matchIDs resolves `$a` or `$a*` in a string set.
func (p *parser) matchIDs(t token) []int {
	if !strings.HasSuffix(t.val, "*") {
		return []int{p.strRef(t)}
	}
	prefix := strings.TrimSuffix(t.val, "*")
	var out []int
	for _, id := range p.strIDs {
		if strings.HasPrefix(id, prefix) {
			out = append(out, p.strIdx[id])
		}
	}
	if len(out) == 0 {
		p.failAt(t, "no string matches $%s", t.val)
	}
	return out
}

// parseOf parses the string set after `N of`, and an optional `in` range
// or `at` offset (refused).
func (p *parser) parseOf(q quant) node {
	strs := p.parseStringSet()
	switch {
	case p.is("in"):
		p.unsupported(p.next(), "\"of\" with \"in\" or \"at\" is not supported")
		p.parseRange()
	case p.is("at"):
		p.unsupported(p.next(), "\"of\" with \"in\" or \"at\" is not supported")
		p.parseUnary()
	}
	return ofNode{q: q, strs: strs}
}

// parseQuant parses the quantifier of `of` and `for`.
func (p *parser) parseQuant() quant {
	for _, k := range []string{"any", "all", "none"} {
		if p.accept(k) {
			return quant{kind: k}
		}
	}
	return quant{kind: "n", n: p.parsePrimary()}
}

// parseIdent parses what starts with an identifier.
func (p *parser) parseIdent() node {
	t := p.peek()
	switch t.val {
	case "true", "false":
		p.next()
		return litNode{boolVal(t.val == "true")}
	case "filesize":
		p.next()
		return filesizeNode{}
	case "entrypoint":
		p.next()
		return entrypointNode{}
	case "any", "all", "none":
		q := p.parseQuant()
		p.expect("of")
		return p.parseOf(q)
	case "for":
		return p.parseFor()
	}
	if n := p.parseIntRead(t); n != nil {
		return n
	}
	p.next()
	for i := len(p.vars) - 1; i >= 0; i-- {
		if p.vars[i] == t.val {
			return varNode{i}
		}
	}
	if p.imports[t.val] || modules[t.val] != nil {
		return p.parseModule(t)
	}
	if idx, ok := p.c.ruleIndex(p.ns, t.val); ok {
		return ruleRefNode{idx}
	}
	if p.c.dropped[p.ns+":"+t.val] {
		p.unsupported(t, "references rule %s, which was left out", t.val)
		return litNode{undef}
	}
	p.failAt(t, "undefined identifier %q", t.val)
	return nil
}

var intReads = map[string]intReadNode{
	"uint8": {size: 1}, "uint16": {size: 2}, "uint32": {size: 4},
	"uint8be": {size: 1, big: true}, "uint16be": {size: 2, big: true}, "uint32be": {size: 4, big: true},
	"int8": {size: 1, signed: true}, "int16": {size: 2, signed: true}, "int32": {size: 4, signed: true},
	"int8be": {size: 1, signed: true, big: true}, "int16be": {size: 2, signed: true, big: true},
	"int32be": {size: 4, signed: true, big: true},
}

func (p *parser) parseIntRead(t token) node {
	n, ok := intReads[t.val]
	if !ok {
		return nil
	}
	p.next()
	p.expect("(")
	n.off = p.parseExpr()
	p.expect(")")
	return n
}

// parseFor parses `for Q of SET : (body)` and `for Q i in ITER : (body)`.
func (p *parser) parseFor() node {
	p.expect("for")
	q := p.parseQuant()
	if p.accept("of") {
		strs := p.parseStringSet()
		p.expect(":")
		p.vars = append(p.vars, "$")
		body := p.parseBody()
		p.vars = p.vars[:len(p.vars)-1]
		return forOfNode{q: q, strs: strs, body: body}
	}
	v := p.expectIdent()
	if p.is(",") {
		p.unsupported(v, "loops over several variables are not supported")
	}
	for p.accept(",") {
		p.expectIdent()
	}
	p.expect("in")
	n := forInNode{q: q, slot: len(p.vars)}
	if p.peek().kind == tIdent {
		p.unsupported(p.peek(), "loops over module arrays or dictionaries are not supported")
		p.parsePrimary()
	} else {
		p.expect("(")
		first := p.parseExpr()
		if p.accept("..") {
			n.lo, n.hi = first, p.parseExpr()
		} else {
			n.items = []node{first}
			for p.accept(",") {
				n.items = append(n.items, p.parseExpr())
			}
		}
		p.expect(")")
	}
	p.expect(":")
	if len(p.vars) >= maxLoopVars {
		p.failAt(v, "loops nested deeper than %d", maxLoopVars)
	}
	p.vars = append(p.vars, v.val)
	n.body = p.parseBody()
	p.vars = p.vars[:len(p.vars)-1]
	return n
}

func (p *parser) parseBody() node {
	p.expect("(")
	n := p.parseExpr()
	p.expect(")")
	return n
}
