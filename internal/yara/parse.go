package yara

import (
	"fmt"
	"strings"
)

// Limits on rule sources: a hostile rule file is refused, never allowed to
// exhaust memory or time.
const (
	maxSourceBytes     = 16 << 20 // one source file
	maxRules           = 100_000  // in one Compile
	maxStringsPerRule  = 10_000
	maxStrings         = 1_000_000 // in one Compile
	maxDepth           = 64        // nesting of condition expressions
	maxLoopVars        = 16
	maxStringBytes     = 4096 // one text string, hex string or regex
	maxMetaPerRule     = 1000
	maxTagsPerRule     = 100
	maxIncludeDepth    = 8
	maxStringSetFanout = 10_000
)

// ruleDef is one parsed rule before compilation.
type ruleDef struct {
	name, ns, file string
	line           int
	private        bool
	global         bool
	tags           []string
	meta           []Meta
	strs           []*strDef
	cond           node
	err            error // the first unsupported feature, if any
}

// strDef is one string of a rule as written.
type strDef struct {
	id    string
	line  int
	kind  byte // 't' text, 'h' hex, 'r' regex
	text  []byte
	raw   string // hex body or regex body
	flags string // regex flags
	mods  modifiers
}

// modifiers are the modifiers of a string.
type modifiers struct {
	nocase, wide, ascii, fullword, private bool
}

// parser parses one source into rules; compiler state shared between
// files (rule names per namespace, the string table) lives in c.
type parser struct {
	lx      lexer
	la      []token
	c       *compiler
	file    string
	ns      string
	imports map[string]bool
	include func(name string, line int) error

	rule   *ruleDef
	strIdx map[string]int // the current rule's string ids → global index
	strIDs []string       // in declaration order
	vars   []string       // for-loop variables in scope
	depth  int
}

func (p *parser) peek() token {
	if len(p.la) == 0 {
		p.la = append(p.la, p.lx.next())
	}
	return p.la[0]
}

func (p *parser) peek2() token {
	p.peek()
	if len(p.la) == 1 {
		p.la = append(p.la, p.lx.next())
	}
	return p.la[1]
}

func (p *parser) next() token {
	t := p.peek()
	p.la = p.la[1:]
	return t
}

func (p *parser) is(val string) bool {
	t := p.peek()
	return (t.kind == tPunct || t.kind == tIdent) && t.val == val
}

func (p *parser) accept(val string) bool {
	if p.is(val) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(val string) token {
	t := p.next()
	if (t.kind != tPunct && t.kind != tIdent) || t.val != val {
		p.failAt(t, "expected %q, found %s", val, t)
	}
	return t
}

func (p *parser) expectIdent() token {
	t := p.next()
	if t.kind != tIdent {
		p.failAt(t, "expected an identifier, found %s", t)
	}
	return t
}

func (p *parser) failAt(t token, format string, args ...any) {
	panic(&syntaxError{line: t.line, msg: fmt.Sprintf(format, args...)})
}

// unsupported records that the current rule uses a feature the engine
// does not implement: the rule is left out, the file goes on.
func (p *parser) unsupported(t token, format string, args ...any) {
	if p.rule != nil && p.rule.err == nil {
		p.rule.err = fmt.Errorf("%s:%d: rule %s: %s", p.file, t.line, p.rule.name, fmt.Sprintf(format, args...))
	}
}

// parseFile parses the whole source.
func (p *parser) parseFile() {
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return
		case t.kind == tIdent && t.val == "import":
			p.next()
			m := p.next()
			if m.kind != tString {
				p.failAt(m, "expected a module name")
			}
			p.imports[m.val] = true
		case t.kind == tIdent && t.val == "include":
			p.next()
			f := p.next()
			if f.kind != tString {
				p.failAt(f, "expected a file name")
			}
			if err := p.include(f.val, f.line); err != nil {
				panic(&syntaxError{line: f.line, msg: err.Error()})
			}
		default:
			p.parseRule()
		}
	}
}

func (p *parser) parseRule() {
	r := &ruleDef{ns: p.ns, file: p.file}
	for {
		t := p.expectIdent()
		if t.val == "private" {
			r.private = true
			continue
		}
		if t.val == "global" {
			r.global = true
			continue
		}
		if t.val != "rule" {
			p.failAt(t, "expected \"rule\", found %s", t)
		}
		break
	}
	name := p.expectIdent()
	r.name, r.line = name.val, name.line
	if keywords[r.name] {
		p.failAt(name, "rule name %q is a keyword", r.name)
	}
	p.rule = r
	p.strIdx, p.strIDs, p.vars = map[string]int{}, nil, nil
	base := len(p.c.strs)
	if p.accept(":") {
		for p.peek().kind == tIdent {
			r.tags = append(r.tags, p.next().val)
			if len(r.tags) > maxTagsPerRule {
				p.failAt(name, "more than %d tags", maxTagsPerRule)
			}
		}
	}
	p.expect("{")
	if p.accept("meta") {
		p.expect(":")
		p.parseMeta(r)
	}
	if p.accept("strings") {
		p.expect(":")
		p.parseStrings(r)
	}
	p.expect("condition")
	p.expect(":")
	r.cond = p.parseExpr()
	p.expect("}")
	p.c.addRule(r, base, name)
	p.rule = nil
}

func (p *parser) parseMeta(r *ruleDef) {
	for p.peek().kind == tIdent && !p.is("strings") && !p.is("condition") {
		key := p.next()
		p.expect("=")
		v := p.next()
		var m Meta
		switch {
		case v.kind == tString:
			b, err := unescapeText(v.val)
			if err != nil {
				p.failAt(v, "meta %s: %v", key.val, err)
			}
			m = Meta{Key: key.val, Value: string(b)}
		case v.kind == tInt:
			m = Meta{Key: key.val, Value: v.num}
		case v.kind == tPunct && v.val == "-":
			n := p.next()
			if n.kind != tInt {
				p.failAt(n, "expected a number")
			}
			m = Meta{Key: key.val, Value: -n.num}
		case v.kind == tIdent && (v.val == "true" || v.val == "false"):
			m = Meta{Key: key.val, Value: v.val == "true"}
		default:
			p.failAt(v, "bad meta value %s", v)
		}
		r.meta = append(r.meta, m)
		if len(r.meta) > maxMetaPerRule {
			p.failAt(v, "more than %d meta entries", maxMetaPerRule)
		}
	}
}

func (p *parser) parseStrings(r *ruleDef) {
	for p.peek().kind == tStrID {
		id := p.next()
		if id.val == "" || strings.HasSuffix(id.val, "*") {
			p.failAt(id, "bad string identifier")
		}
		if _, dup := p.strIdx[id.val]; dup {
			p.failAt(id, "duplicate string identifier $%s", id.val)
		}
		p.expect("=")
		if len(p.la) != 0 {
			p.failAt(id, "internal: lookahead before a string value")
		}
		s := &strDef{id: id.val, line: id.line}
		p.lx.skipSpace()
		switch p.lx.at(0) {
		case '"':
			t := p.lx.next()
			b, err := unescapeText(t.val)
			if err != nil {
				p.failAt(t, "$%s: %v", id.val, err)
			}
			s.kind, s.text = 't', b
		case '{':
			s.kind, s.raw = 'h', p.lx.rawHex()
		case '/':
			s.kind = 'r'
			s.raw, s.flags = p.lx.rawRegex()
		default:
			p.failAt(id, "$%s: expected a text, hex or regex string", id.val)
		}
		if len(s.text) > maxStringBytes || len(s.raw) > maxStringBytes {
			p.failAt(id, "$%s: longer than %d bytes", id.val, maxStringBytes)
		}
		p.parseModifiers(s)
		p.strIdx[s.id] = len(p.c.strs)
		p.strIDs = append(p.strIDs, s.id)
		p.c.strs = append(p.c.strs, nil) // compiled by addRule
		r.strs = append(r.strs, s)
		if len(r.strs) > maxStringsPerRule || len(p.c.strs) > maxStrings {
			p.failAt(id, "too many strings")
		}
	}
}

// parseModifiers reads the modifiers after a string.
func (p *parser) parseModifiers(s *strDef) {
	for p.peek().kind == tIdent {
		t := p.peek()
		switch t.val {
		case "nocase":
			s.mods.nocase = true
		case "wide":
			s.mods.wide = true
		case "ascii":
			s.mods.ascii = true
		case "fullword":
			s.mods.fullword = true
		case "private":
			s.mods.private = true
		case "xor", "base64", "base64wide":
			p.next()
			p.unsupported(t, "string $%s: modifier %q is not supported", s.id, t.val)
			if p.accept("(") {
				for !p.accept(")") {
					if p.next().kind == tEOF {
						p.failAt(t, "unterminated modifier arguments")
					}
				}
			}
			continue
		default:
			return
		}
		p.next()
		if s.kind == 'h' && t.val != "private" {
			p.failAt(t, "modifier %q is not allowed on a hex string", t.val)
		}
		if s.kind == 'r' && t.val == "xor" {
			p.failAt(t, "modifier %q is not allowed on a regex", t.val)
		}
	}
}

// keywords may not name a rule.
var keywords = map[string]bool{
	"all": true, "and": true, "any": true, "ascii": true, "at": true, "base64": true, "base64wide": true,
	"condition": true, "contains": true, "endswith": true, "entrypoint": true, "false": true, "filesize": true,
	"for": true, "fullword": true, "global": true, "import": true, "icontains": true, "iendswith": true,
	"iequals": true, "in": true, "include": true, "int16": true, "int16be": true, "int32": true, "int32be": true,
	"int8": true, "int8be": true, "istartswith": true, "matches": true, "meta": true, "nocase": true, "none": true,
	"not": true, "of": true, "or": true, "private": true, "rule": true, "startswith": true, "strings": true,
	"them": true, "true": true, "uint16": true, "uint16be": true, "uint32": true, "uint32be": true, "uint8": true,
	"uint8be": true, "wide": true, "xor": true, "defined": true,
}
