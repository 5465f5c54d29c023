package yara

import (
	"fmt"
	"io"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
)

// maxRegexMatch is the longest regex match, as in YARA: a match must end
// within this many bytes of its start.
const maxRegexMatch = 4096

// latin1Reader feeds bytes to Go's regexp as runes 0-255, one per byte,
// so that a pattern's \x{NN} matches the byte NN exactly and offsets are
// byte offsets. It counts the bytes read for the step budget.
type latin1Reader struct {
	b []byte
	i int
}

func (r *latin1Reader) ReadRune() (rune, int, error) {
	if r.i >= len(r.b) {
		return 0, 0, io.EOF
	}
	c := r.b[r.i]
	r.i++
	return rune(c), 1, nil
}

// trRegex is a YARA regex translated to Go syntax over Latin-1 runes.
type trRegex struct {
	pattern string
	bol     bool // the regex starts with ^: it matches only at offset 0
	dotall  bool
}

// regexTranslator turns YARA regex syntax into Go syntax. YARA regexes are
// byte-oriented and case-folding is ASCII-only, so literals and classes
// are rewritten as explicit byte sets; constructs RE2 cannot run
// (backreferences, lookaround) are refused.
type regexTranslator struct {
	src    string
	pos    int
	nocase bool
	out    strings.Builder
}

func translateRegex(body, flags string, nocase bool) (trRegex, error) {
	t := &regexTranslator{src: body, nocase: nocase || strings.Contains(flags, "i")}
	r := trRegex{dotall: strings.Contains(flags, "s")}
	if strings.HasPrefix(body, "^") {
		r.bol = true
		t.pos = 1
	}
	for t.pos < len(t.src) {
		if err := t.step(); err != nil {
			return r, err
		}
	}
	r.pattern = t.out.String()
	// Only the dot operator reads the s flag, and the translation writes
	// every literal dot as \x{2e}: without a dot, /re/s is /re/ (and is
	// then verified once with it).
	r.dotall = r.dotall && strings.Contains(r.pattern, ".")
	return r, nil
}

func (t *regexTranslator) step() error {
	c := t.src[t.pos]
	t.pos++
	switch c {
	case '\\':
		return t.escape()
	case '[':
		return t.class()
	case '(':
		if t.pos < len(t.src) && t.src[t.pos] == '?' {
			return fmt.Errorf("group flags and lookaround (?...) are not supported")
		}
		t.out.WriteString("(?:")
	case ')', '|', '*', '+', '?', '.':
		t.out.WriteByte(c)
	case '{':
		t.repeat()
	case '^':
		return fmt.Errorf("^ other than at the start is not supported")
	case '$':
		t.out.WriteString(`\z`)
	default:
		t.lit(c)
	}
	return nil
}

// lit writes a literal byte, as a two-case class when folding.
func (t *regexTranslator) lit(c byte) {
	if t.nocase && lower(c) != upper(c) {
		fmt.Fprintf(&t.out, "[%c%c]", upper(c), lower(c))
		return
	}
	t.out.WriteString(byteLit(c))
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

func byteLit(c byte) string {
	if isAlnum(c) {
		return string(rune(c))
	}
	return fmt.Sprintf(`\x{%x}`, c)
}

var classEscapes = map[byte]string{'w': `\w`, 'W': `\W`, 'd': `\d`, 'D': `\D`, 'b': `\b`, 'B': `\B`,
	's': `[\t\n\v\f\r ]`, 'S': `[^\t\n\v\f\r ]`}

var byteEscapes = map[byte]byte{'n': '\n', 't': '\t', 'r': '\r', 'f': '\f', 'a': '\a', 'v': '\v'}

func (t *regexTranslator) escape() error {
	if t.pos >= len(t.src) {
		return fmt.Errorf("trailing backslash")
	}
	c := t.src[t.pos]
	t.pos++
	if s, ok := classEscapes[c]; ok {
		t.out.WriteString(s)
		return nil
	}
	b, err := t.escapedByte(c)
	if err != nil {
		return err
	}
	t.lit(b)
	return nil
}

// escapedByte decodes the byte an escape (after the backslash) stands for.
func (t *regexTranslator) escapedByte(c byte) (byte, error) {
	if b, ok := byteEscapes[c]; ok {
		return b, nil
	}
	switch {
	case c == 'x':
		if t.pos+2 > len(t.src) {
			return 0, fmt.Errorf("bad \\x escape")
		}
		n, err := strconv.ParseUint(t.src[t.pos:t.pos+2], 16, 8)
		if err != nil {
			return 0, fmt.Errorf("bad \\x escape")
		}
		t.pos += 2
		return byte(n), nil
	case c >= '1' && c <= '9':
		return 0, fmt.Errorf("backreferences are not supported")
	case isAlnum(c):
		return 0, fmt.Errorf("escape \\%c is not supported", c)
	}
	return c, nil
}

// repeat writes {n}, {n,}, {n,m} or {,m}, or a literal brace.
func (t *regexTranslator) repeat() {
	end := strings.IndexByte(t.src[t.pos:], '}')
	if end >= 0 {
		spec := t.src[t.pos : t.pos+end]
		lo, hi, comma := strings.Cut(spec, ",")
		if validCount(lo, true) && (!comma || validCount(hi, true)) && (lo != "" || hi != "") {
			if lo == "" {
				lo = "0"
			}
			t.pos += end + 1
			if comma {
				fmt.Fprintf(&t.out, "{%s,%s}", lo, hi)
			} else {
				fmt.Fprintf(&t.out, "{%s}", lo)
			}
			return
		}
	}
	t.out.WriteString(`\{`)
}

func validCount(s string, emptyOK bool) bool {
	if s == "" {
		return emptyOK
	}
	_, err := strconv.Atoi(s)
	return err == nil
}

// class translates [...] into an explicit set of bytes.
func (t *regexTranslator) class() error {
	var set [256]bool
	neg := t.pos < len(t.src) && t.src[t.pos] == '^'
	if neg {
		t.pos++
	}
	first := true
	for {
		if t.pos >= len(t.src) {
			return fmt.Errorf("unterminated character class")
		}
		c := t.src[t.pos]
		if c == ']' && !first {
			t.pos++
			break
		}
		first = false
		lo, isSet, err := t.classItem(&set)
		if err != nil {
			return err
		}
		if isSet {
			continue
		}
		hi := lo
		if t.pos+1 < len(t.src) && t.src[t.pos] == '-' && t.src[t.pos+1] != ']' {
			t.pos++
			if hi, isSet, err = t.classItem(&set); err != nil || isSet {
				return fmt.Errorf("bad range in character class")
			}
			if hi < lo {
				return fmt.Errorf("bad range %c-%c in character class", lo, hi)
			}
		}
		for b := int(lo); b <= int(hi); b++ {
			set[b] = true
		}
	}
	t.writeSet(&set, neg)
	return nil
}

// classItem reads one byte of a class, or adds a \w-like set to set.
func (t *regexTranslator) classItem(set *[256]bool) (byte, bool, error) {
	c := t.src[t.pos]
	t.pos++
	if c != '\\' {
		return c, false, nil
	}
	if t.pos >= len(t.src) {
		return 0, false, fmt.Errorf("trailing backslash")
	}
	e := t.src[t.pos]
	t.pos++
	if f := classSets[e]; f != nil {
		for b := 0; b < 256; b++ {
			if f(byte(b)) {
				set[b] = true
			}
		}
		return 0, true, nil
	}
	if e == 'b' {
		return '\b', false, nil
	}
	b, err := t.escapedByte(e)
	return b, false, err
}

func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }
func isSpace(c byte) bool    { return c == ' ' || c >= '\t' && c <= '\r' }

var classSets = map[byte]func(byte) bool{
	'w': isWordByte, 'W': func(c byte) bool { return !isWordByte(c) },
	'd': isDigit, 'D': func(c byte) bool { return !isDigit(c) },
	's': isSpace, 'S': func(c byte) bool { return !isSpace(c) },
}

func (t *regexTranslator) writeSet(set *[256]bool, neg bool) {
	if t.nocase {
		for b := 'a'; b <= 'z'; b++ {
			if set[b] || set[b-32] {
				set[b], set[b-32] = true, true
			}
		}
	}
	if neg {
		for i := range set {
			set[i] = !set[i]
		}
	}
	var sb strings.Builder
	for b := 0; b < 256; {
		if !set[b] {
			b++
			continue
		}
		e := b
		for e+1 < 256 && set[e+1] {
			e++
		}
		fmt.Fprintf(&sb, `\x{%x}-\x{%x}`, b, e)
		b = e + 1
	}
	if sb.Len() == 0 {
		t.out.WriteString(`[^\x{0}-\x{10FFFF}]`)
		return
	}
	t.out.WriteString("[" + sb.String() + "]")
}

// compileLatin1 compiles a translated pattern, anchored at the start of
// the input when anchored is set.
func compileLatin1(tr trRegex, anchored bool) (*regexp.Regexp, error) {
	p := tr.pattern
	if anchored || tr.bol {
		p = `\A(?:` + p + `)`
	}
	if tr.dotall {
		p = `(?s)` + p
	}
	return regexp.Compile(p)
}

// regexByteCost is the step cost of one byte a regex reads: Go's regexp
// on a rune reader runs its NFA, slower per byte than the other matchers.
const regexByteCost = 8

// regexMatcher matches a regex string at a given offset.
type regexMatcher struct {
	re       *regexp.Regexp // anchored at the start
	find     *regexp.Regexp // unanchored, for a regex without an atom
	bol      bool
	fullword bool
	// ascii is set when the regex can only match ASCII bytes: Go's regexp
	// then runs on the bytes directly (its faster engines), since a byte
	// of 0x80 or above, however it decodes, can match nothing.
	ascii bool
}

// findIn runs re over b: on the bytes when the regex is ASCII-only, else
// through a Latin-1 reader. It returns the match and the bytes read.
func (m *regexMatcher) findIn(re *regexp.Regexp, b []byte) ([]int, int) {
	if m.ascii {
		loc := re.FindIndex(b)
		if loc == nil {
			return nil, len(b)
		}
		return loc, loc[1]
	}
	r := &latin1Reader{b: b}
	return re.FindReaderIndex(r), regexByteCost * r.i
}

// scanAll finds every match of a regex without an atom in one pass: the
// unanchored regex finds successive leftmost matches [s, e), searching on
// from e; every offset where a match starts lies in one of those spans
// (a start after e would have been found by the search from e), so only
// the offsets in the spans are tried anchored.
func (m *regexMatcher) scanAll(data []byte, st *scanState, emit func(s, n int)) {
	for pos := 0; pos < len(data) && !st.exhausted(); {
		loc, cost := m.findIn(m.find, data[pos:])
		st.steps += int64(cost)
		if loc == nil {
			return
		}
		s, e := pos+loc[0], pos+max(loc[1], loc[0]+1)
		for t := s; t < e && !st.exhausted(); t++ {
			if n := m.matchAt(data, t, st); n >= 0 {
				emit(t, n)
			}
			if m.bol {
				return
			}
		}
		pos = e
	}
}

func (m *regexMatcher) matchAt(data []byte, s int, st *scanState) int {
	if m.bol && s != 0 {
		return -1
	}
	// One byte past the longest match, so that \z cannot match at an
	// artificial end of the window.
	loc, cost := m.findIn(m.re, data[s:min(len(data), s+maxRegexMatch+1)])
	if loc == nil {
		cost = min(cost, 64)
	}
	st.steps += int64(cost)
	if loc == nil || loc[1] == 0 || loc[1] > maxRegexMatch {
		return -1
	}
	if m.fullword && !isFullword(data, s, s+loc[1], false) {
		return -1
	}
	return loc[1]
}

// compileRegex builds the variant of a regex string. Its atom is taken
// from the literal bytes the regex must start with; a regex without one is
// searched by a bounded full scan.
func compileRegex(d *strDef) ([]variant, error) {
	if d.mods.wide {
		return nil, fmt.Errorf("string $%s: the wide modifier on a regex is not supported", d.id)
	}
	tr, err := translateRegex(d.raw, d.flags, d.mods.nocase)
	if err != nil {
		return nil, fmt.Errorf("string $%s: %w", d.id, err)
	}
	re, err := compileLatin1(tr, true)
	if err != nil {
		return nil, fmt.Errorf("string $%s: %w", d.id, err)
	}
	find, err := compileLatin1(tr, false)
	if err != nil {
		return nil, fmt.Errorf("string $%s: %w", d.id, err)
	}
	m := &regexMatcher{re: re, find: find, bol: tr.bol, fullword: d.mods.fullword, ascii: asciiOnly(tr)}
	key := fmt.Sprintf("r%v%v%q", tr.bol, d.mods.fullword, re.String())
	return []variant{{m: m, atoms: regexAtoms(tr), key: key}}, nil
}

// asciiOnly reports whether every byte a regex consumes is below 0x80.
func asciiOnly(tr trRegex) bool {
	re, err := syntax.Parse(tr.pattern, syntax.Perl)
	if err != nil {
		return false
	}
	return asciiNode(re)
}

func asciiNode(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return false
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r >= 0x80 {
				return false
			}
		}
	case syntax.OpCharClass:
		for _, r := range re.Rune {
			if r >= 0x80 {
				return false
			}
		}
	}
	for _, s := range re.Sub {
		if !asciiNode(s) {
			return false
		}
	}
	return true
}

// regexAtoms returns the atoms of a regex: the best one of the literal
// bytes every match starts with or, when it starts with alternatives that
// each start with literal bytes, the best one of each alternative.
func regexAtoms(tr trRegex) []atom {
	re, err := syntax.Parse(tr.pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	if a := atomsOf(literalPrefix(subs)); len(a) > 0 {
		return a
	}
	first := subs[0]
	for first.Op == syntax.OpCapture {
		first = first.Sub[0]
	}
	if first.Op != syntax.OpAlternate {
		return nil
	}
	var out []atom
	for _, alt := range first.Sub {
		alts := []*syntax.Regexp{alt}
		if alt.Op == syntax.OpConcat {
			alts = alt.Sub
		}
		a := atomsOf(literalPrefix(alts))
		if len(a) == 0 {
			return nil
		}
		out = append(out, a...)
	}
	return out
}

// literalPrefix returns the bytes that a concatenation must start with:
// literals, case-folded ones included, and two-case classes (which match
// either case of a letter); atoms are compared lower-cased anyway. Go's
// parser folds [Aa] into a case-folding literal for every ASCII letter but
// k and s, whose fold orbits hold non-ASCII runes; those stay classes.
func literalPrefix(subs []*syntax.Regexp) []atomByte {
	var out []atomByte
	for _, s := range subs {
		switch {
		case s.Op == syntax.OpLiteral:
			for _, r := range s.Rune {
				if r > 255 || (s.Flags&syntax.FoldCase != 0 && r >= 0x80) {
					return out
				}
				out = append(out, atomByte{c: byte(r), exact: true})
			}
		case s.Op == syntax.OpCharClass && len(s.Rune) == 4 && s.Rune[0] == s.Rune[1] && s.Rune[2] == s.Rune[3] &&
			s.Rune[2] == s.Rune[0]+32 && s.Rune[0] >= 'A' && s.Rune[0] <= 'Z':
			out = append(out, atomByte{c: byte(s.Rune[2]), exact: true})
		default:
			return out
		}
	}
	return out
}
