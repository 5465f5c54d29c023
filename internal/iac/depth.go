package iac

import (
	"bytes"
	"encoding/json"
	"regexp"

	"github.com/fourc-dev/fourc/internal/limits"
)

// The HCL and JSON parsers recurse once per level of nesting, so input
// nested deeper than the depth budget is refused by the iterative scans of
// this file before a parser sees it. The scans over-estimate rather than
// under-estimate: a prefix operator or a conditional counts as a level,
// since the parser recurses on those; so does a binary operator, since a
// chain of them parses into a tree as deep as the chain is long.

// frame kinds of the HCL scan.
const (
	frameCode    = iota // {, [ or ( in native syntax
	frameString         // "…" template
	frameHeredoc        // <<EOT template
	frameInterp         // ${…} or %{…} inside a template
)

type frame struct {
	kind int
	// ops counts the prefix operators, conditionals and template
	// directives opened in this frame; each is a level of the parse.
	ops  int
	term string // heredoc terminator
}

// hclScan measures the nesting of native-syntax HCL source.
type hclScan struct {
	src   []byte
	i     int
	stack []frame
	ops   int // sum of the frames' ops
	limit int
	// binary makes every dash count as a level, for template strings of
	// JSON syntax, whose expressions are parsed and evaluated at once.
	binary bool
	// word is the first byte of the last name or number, to tell a dash
	// inside a name from a minus after a number.
	word byte
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// hclTooDeep reports whether HCL native-syntax source nests deeper than
// limit.
func hclTooDeep(src []byte, limit int) bool {
	s := &hclScan{src: src, limit: limit}
	return s.run()
}

// templateTooDeep reports whether a template (the content of a JSON-syntax
// string) nests deeper than limit.
func templateTooDeep(tmpl []byte, limit int) bool {
	s := &hclScan{src: tmpl, limit: limit, binary: true}
	s.stack = append(s.stack, frame{kind: frameString, term: "\x00"})
	return s.run()
}

func (s *hclScan) push(f frame) bool {
	s.stack = append(s.stack, f)
	return len(s.stack)+s.ops > s.limit
}

func (s *hclScan) pop() {
	if n := len(s.stack); n > 0 {
		s.ops -= s.stack[n-1].ops
		s.stack = s.stack[:n-1]
	}
}

func (s *hclScan) top() *frame {
	if len(s.stack) == 0 {
		return nil
	}
	return &s.stack[len(s.stack)-1]
}

// op counts one level in the current frame.
func (s *hclScan) op() bool {
	if t := s.top(); t != nil {
		t.ops++
	}
	s.ops++
	return len(s.stack)+s.ops > s.limit
}

// resetOps closes the levels of the current frame at the end of an item.
func (s *hclScan) resetOps() {
	if t := s.top(); t != nil {
		s.ops -= t.ops
		t.ops = 0
	} else {
		s.ops = 0
	}
}

func (s *hclScan) peek(k int) byte {
	if s.i+k < len(s.src) {
		return s.src[s.i+k]
	}
	return 0
}

func (s *hclScan) run() bool {
	for s.i < len(s.src) {
		t := s.top()
		var deep bool
		switch {
		case t == nil || t.kind == frameCode || t.kind == frameInterp:
			deep = s.code(t)
		case t.kind == frameString:
			deep = s.str(t)
		default:
			deep = s.heredoc(t)
		}
		if deep {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// code scans one token of native syntax.
func (s *hclScan) code(t *frame) bool {
	c := s.src[s.i]
	s.i++
	if s.trivia(c, t) {
		return false
	}
	if isWordByte(c) && c != '-' && (s.i < 2 || !isWordByte(s.src[s.i-2])) {
		s.word = c
	}
	return s.punct(c)
}

// trivia skips a comment, a blank or a line end starting with c (already
// read) and reports whether c was one.
func (s *hclScan) trivia(c byte, t *frame) bool {
	switch {
	case c == '#', c == '/' && s.peek(0) == '/':
		for s.i < len(s.src) && s.src[s.i] != '\n' {
			s.i++
		}
		return true
	case c == '/' && s.peek(0) == '*':
		s.i++
		for s.i < len(s.src) && !(s.src[s.i] == '*' && s.peek(1) == '/') {
			s.i++
		}
		s.i += 2
		return true
	case c == ' ', c == '\t', c == '\r':
		return true
	case c == '\n':
		if t == nil || t.kind == frameCode && s.isBrace(t) {
			s.resetOps()
		}
		return true
	}
	return false
}

// punct scans the token starting with c (already read): strings and
// brackets open frames, operators count levels.
func (s *hclScan) punct(c byte) bool {
	switch c {
	case '"':
		return s.push(frame{kind: frameString})
	case '{', '[', '(':
		return s.push(frame{kind: frameCode, term: string(c)})
	case '}', ']', ')':
		s.pop()
	case ',':
		s.resetOps()
	case '?':
		return s.op()
	case '!':
		if s.peek(0) != '=' {
			return s.op()
		}
	case '-':
		// A dash right after a name is part of it (local.my-name);
		// any other minus, prefix or infix, is a level.
		if s.binary || !(s.i >= 2 && isWordByte(s.src[s.i-2]) && !isDigit(s.word)) {
			return s.op()
		}
	case '<':
		if s.peek(0) == '<' {
			return s.heredocStart()
		}
		return s.op()
	case '&', '|':
		if s.peek(0) == c {
			s.i++
		}
		return s.op()
	case '+', '*', '/', '%', '>':
		return s.op()
	}
	return false
}

func (s *hclScan) isBrace(t *frame) bool { return t.term == "{" }

// heredocStart reads "<<EOT" or "<<-EOT" and the end of its line.
func (s *hclScan) heredocStart() bool {
	j := s.i + 1
	if j < len(s.src) && s.src[j] == '-' {
		j++
	}
	k := j
	for k < len(s.src) && isWordByte(s.src[k]) {
		k++
	}
	if k == j || k >= len(s.src) || s.src[k] != '\n' && s.src[k] != '\r' {
		return false
	}
	term := string(s.src[j:k])
	for k < len(s.src) && s.src[k] != '\n' {
		k++
	}
	s.i = k + 1
	return s.push(frame{kind: frameHeredoc, term: term})
}

// str scans one character of a quoted template.
func (s *hclScan) str(t *frame) bool {
	c := s.src[s.i]
	s.i++
	switch {
	case c == '\\':
		s.i++
	case c == '"' && t.term != "\x00":
		s.pop()
	case c == '\n' && t.term != "\x00":
		// A quoted string ends at the line; the parser will say why.
		s.pop()
	case c == '$' || c == '%':
		return s.interp(t, c)
	}
	return false
}

// interp opens an interpolation or directive at s.i-1 (after '$' or '%'),
// unless it is escaped ("$${" or "%%{").
func (s *hclScan) interp(t *frame, c byte) bool {
	if s.peek(0) == c && s.peek(1) == '{' {
		s.i += 2
		return false
	}
	if s.peek(0) != '{' {
		return false
	}
	s.i++
	if c == '%' {
		j := s.i
		for j < len(s.src) && (s.src[j] == ' ' || s.src[j] == '~' || s.src[j] == '\t') {
			j++
		}
		switch word := directive.Find(s.src[j:]); string(word) {
		case "if", "for":
			t.ops++
			s.ops++
		case "endif", "endfor":
			if t.ops > 0 {
				t.ops--
				s.ops--
			}
		}
	}
	return s.push(frame{kind: frameInterp, term: "{"})
}

var directive = regexp.MustCompile(`^[a-z]+`)

// heredoc scans one character of a heredoc template; a line holding only
// the terminator ends it.
func (s *hclScan) heredoc(t *frame) bool {
	if s.i == 0 || s.src[s.i-1] == '\n' {
		j := s.i
		for j < len(s.src) && (s.src[j] == ' ' || s.src[j] == '\t') {
			j++
		}
		k := j
		for k < len(s.src) && isWordByte(s.src[k]) {
			k++
		}
		if string(s.src[j:k]) == t.term && (k == len(s.src) || s.src[k] == '\n' || s.src[k] == '\r') {
			s.i = k
			s.pop()
			return false
		}
	}
	c := s.src[s.i]
	s.i++
	if c == '$' || c == '%' {
		return s.interp(t, c)
	}
	return false
}

// jsonDepth returns the deepest nesting of arrays and objects in JSON
// text (strings skipped), reading the text once.
func jsonDepth(src []byte) int {
	depth, deepest := 0, 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
			deepest = max(deepest, depth)
		case ']', '}':
			depth--
		}
	}
	return deepest
}

// forExpr finds the start of a for expression.
var forExpr = regexp.MustCompile(`[\[{]\s*for\s`)

// checkJSONSyntax checks a JSON-syntax Terraform file before it is
// parsed: its nesting, and that of the templates in its strings (each
// string's expression is parsed and evaluated in one go when its value is
// asked for). A string may hold at most one for expression: nested loops
// over literal collections would run before any budget could be charged.
func checkJSONSyntax(src []byte, limit int) error {
	depth, deepest := 0, 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '"':
			start := i
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
			if i >= len(src) {
				return nil // the parser will say why
			}
			if raw := src[start : i+1]; !bytes.ContainsRune(raw, '{') && !bytes.Contains(raw, []byte(`\u`)) {
				continue // no interpolation, even escaped
			}
			var s string
			if json.Unmarshal(src[start:i+1], &s) != nil {
				continue
			}
			if templateTooDeep([]byte(s), limit-depth) {
				return limits.Exceeded("expression depth", limit)
			}
			if len(forExpr.FindAllStringIndex(s, 2)) > 1 {
				return limits.Exceeded("for expressions in one JSON string", 1)
			}
		case '[', '{':
			depth++
			deepest = max(deepest, depth)
			if deepest > limit {
				return limits.Exceeded("expression depth", limit)
			}
		case ']', '}':
			depth--
		}
	}
	return nil
}
