package yara

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Bounds of hex strings.
const (
	maxJump    = 1 << 20 // widest jump; an unbounded [n-] jump searches this far
	maxHexAlts = 1000    // alternatives in one hex string, all groups summed
)

// hexTok is one element of a hex string: a byte under a mask, a jump or a
// group of alternatives.
type hexTok struct {
	kind      byte // 'b', 'j' or 'a'
	val, mask byte
	lo, hi    int
	alts      [][]hexTok
}

// hexParser parses the body of a { ... } hex string.
type hexParser struct {
	s    string
	pos  int
	alts int
}

func parseHex(body string) ([]hexTok, error) {
	hp := &hexParser{s: body}
	toks, err := hp.seq(0)
	if err != nil {
		return nil, err
	}
	if hp.pos < len(hp.s) {
		return nil, fmt.Errorf("unexpected %q in hex string", hp.s[hp.pos])
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("empty hex string")
	}
	if toks[0].kind == 'j' || toks[len(toks)-1].kind == 'j' {
		return nil, fmt.Errorf("a hex string cannot start or end with a jump")
	}
	return toks, nil
}

func (hp *hexParser) skip() {
	for hp.pos < len(hp.s) {
		switch c := hp.s[hp.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			hp.pos++
		case strings.HasPrefix(hp.s[hp.pos:], "//"):
			for hp.pos < len(hp.s) && hp.s[hp.pos] != '\n' {
				hp.pos++
			}
		case strings.HasPrefix(hp.s[hp.pos:], "/*"):
			end := strings.Index(hp.s[hp.pos+2:], "*/")
			if end < 0 {
				hp.pos = len(hp.s)
				return
			}
			hp.pos += end + 4
		default:
			return
		}
	}
}

// seq parses tokens up to ')' or '|' (inside a group) or the end.
func (hp *hexParser) seq(depth int) ([]hexTok, error) {
	if depth > 16 {
		return nil, fmt.Errorf("hex alternatives nested too deep")
	}
	var out []hexTok
	for {
		hp.skip()
		if hp.pos >= len(hp.s) {
			return out, nil
		}
		var t hexTok
		var err error
		switch c := hp.s[hp.pos]; {
		case c == ')' || c == '|':
			return out, nil
		case c == '[':
			t, err = hp.jump()
		case c == '(':
			t, err = hp.group(depth)
		case c == '~':
			return nil, fmt.Errorf("the ~ (not) operator in hex strings is not supported")
		default:
			t, err = hp.byteTok()
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
}

func hexNibble(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (hp *hexParser) byteTok() (hexTok, error) {
	if hp.pos+2 > len(hp.s) {
		return hexTok{}, fmt.Errorf("odd number of hex digits")
	}
	t := hexTok{kind: 'b'}
	for i := 0; i < 2; i++ {
		c := hp.s[hp.pos+i]
		shift := 4 * (1 - i)
		if c == '?' {
			continue
		}
		n, ok := hexNibble(c)
		if !ok {
			return t, fmt.Errorf("bad character %q in hex string", c)
		}
		t.val |= n << shift
		t.mask |= 0xf << shift
	}
	hp.pos += 2
	return t, nil
}

// jump parses [n], [n-m], [n-] or [-].
func (hp *hexParser) jump() (hexTok, error) {
	end := strings.IndexByte(hp.s[hp.pos:], ']')
	if end < 0 {
		return hexTok{}, fmt.Errorf("unterminated jump")
	}
	spec := strings.TrimSpace(hp.s[hp.pos+1 : hp.pos+end])
	hp.pos += end + 1
	lo, hi, dash := strings.Cut(spec, "-")
	lo, hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
	t := hexTok{kind: 'j'}
	var err error
	if lo != "" {
		if t.lo, err = strconv.Atoi(lo); err != nil || t.lo < 0 {
			return t, fmt.Errorf("bad jump [%s]", spec)
		}
	}
	switch {
	case !dash:
		t.hi = t.lo
	case hi == "":
		t.hi = maxJump // unbounded: searched up to maxJump bytes
	default:
		if t.hi, err = strconv.Atoi(hi); err != nil || t.hi < t.lo {
			return t, fmt.Errorf("bad jump [%s]", spec)
		}
	}
	if t.lo > maxJump || t.hi > maxJump {
		return t, fmt.Errorf("jump [%s] wider than %d bytes", spec, maxJump)
	}
	return t, nil
}

func (hp *hexParser) group(depth int) (hexTok, error) {
	hp.pos++
	t := hexTok{kind: 'a'}
	for {
		alt, err := hp.seq(depth + 1)
		if err != nil {
			return t, err
		}
		if len(alt) == 0 {
			return t, fmt.Errorf("empty alternative in hex string")
		}
		t.alts = append(t.alts, alt)
		hp.alts++
		if hp.alts > maxHexAlts {
			return t, fmt.Errorf("more than %d alternatives in a hex string", maxHexAlts)
		}
		if hp.pos >= len(hp.s) {
			return t, fmt.Errorf("unterminated alternatives")
		}
		c := hp.s[hp.pos]
		hp.pos++
		if c == ')' {
			return t, nil
		}
	}
}

// hexMatcher matches a hex string by backtracking over its jumps and
// alternatives, charging every step to the scan's budget.
type hexMatcher struct{ toks []hexTok }

func (m *hexMatcher) matchAt(data []byte, s int, st *scanState) int {
	end := m.seq(data, m.toks, s, st, func(p int) int { return p })
	if end < 0 {
		return -1
	}
	return end - s
}

func (m *hexMatcher) seq(data []byte, toks []hexTok, pos int, st *scanState, k func(int) int) int {
	for i, t := range toks {
		st.steps++
		if st.exhausted() {
			return -1
		}
		switch t.kind {
		case 'b':
			if pos >= len(data) || data[pos]&t.mask != t.val {
				return -1
			}
			pos++
		case 'j':
			return m.jump(data, t, toks[i+1:], pos, st, k)
		case 'a':
			rest := toks[i+1:]
			for _, alt := range t.alts {
				if r := m.seq(data, alt, pos, st, func(p int) int { return m.seq(data, rest, p, st, k) }); r >= 0 {
					return r
				}
			}
			return -1
		}
	}
	return k(pos)
}

// jump tries every gap of t before rest; when rest starts with an exact
// byte only the places holding it are tried.
func (m *hexMatcher) jump(data []byte, t hexTok, rest []hexTok, pos int, st *scanState, k func(int) int) int {
	lo, hi := pos+t.lo, min(pos+t.hi, len(data)-1)
	exact := len(rest) > 0 && rest[0].kind == 'b' && rest[0].mask == 0xff
	for p := lo; p <= hi; p++ {
		if exact {
			i := bytes.IndexByte(data[p:hi+1], rest[0].val)
			if i < 0 {
				st.steps += int64((hi-p)/16 + 1)
				return -1
			}
			st.steps += int64(i/16 + 1)
			p += i
		}
		st.steps++
		if st.exhausted() {
			return -1
		}
		if r := m.seq(data, rest, p, st, k); r >= 0 {
			return r
		}
	}
	return -1
}

// scanAll finds every match of a hex string without an atom, skipping
// to the places that hold its first byte when that byte is exact.
func (m *hexMatcher) scanAll(data []byte, st *scanState, emit func(s, n int)) {
	first := m.toks[0]
	exact := first.kind == 'b' && first.mask == 0xff
	for s := 0; s < len(data) && !st.exhausted(); s++ {
		if exact {
			i := bytes.IndexByte(data[s:], first.val)
			if i < 0 {
				return
			}
			st.steps += int64(i/16 + 1)
			s += i
		}
		if n := m.matchAt(data, s, st); n >= 0 {
			emit(s, n)
		}
	}
}

// compileHex builds the one variant of a hex string. Its atoms come from
// the part at a fixed offset from the start (bytes and fixed jumps): the
// best run of exact bytes there, or, when a group of alternatives of
// fixed-length bytes ends that part and yields better atoms, one atom per
// alternative. A string without any is searched by a bounded full scan.
func compileHex(d *strDef) ([]variant, error) {
	toks, err := parseHex(d.raw)
	if err != nil {
		return nil, fmt.Errorf("string $%s: %w", d.id, err)
	}
	var seq []atomByte
	i := 0
	for ; i < len(toks); i++ {
		t := toks[i]
		if t.kind == 'j' && t.lo == t.hi && t.lo <= 2*atomLen {
			for k := 0; k < t.lo; k++ {
				seq = append(seq, atomByte{})
			}
			continue
		}
		if t.kind != 'b' {
			break
		}
		seq = append(seq, atomByte{c: t.val, exact: t.mask == 0xff})
	}
	atoms := atomsOf(seq)
	if i < len(toks) && toks[i].kind == 'a' {
		if alts := altAtoms(seq, toks[i]); alts != nil && (len(atoms) == 0 || len(atoms[0].b) < 2) {
			atoms = alts
		}
	}
	return []variant{{m: &hexMatcher{toks: toks}, atoms: atoms, key: fmt.Sprintf("h%v", toks)}}, nil
}

// altAtoms returns one atom per alternative of group g following prefix,
// or nil when an alternative holds more than bytes or yields no atom.
func altAtoms(prefix []atomByte, g hexTok) []atom {
	var out []atom
	for _, alt := range g.alts {
		seq := slices.Clone(prefix)
		for _, t := range alt {
			if t.kind != 'b' {
				return nil
			}
			seq = append(seq, atomByte{c: t.val, exact: t.mask == 0xff})
		}
		b, at := bestAtom(seq)
		if b == nil {
			return nil
		}
		out = append(out, atom{b: b, at: at})
	}
	return out
}
