package yara

import "fmt"

// textMatcher matches one form (ASCII or wide) of a text string.
type textMatcher struct {
	pat      []byte // lower-cased when nocase
	nocase   bool
	fullword bool
	wide     bool
}

func (m *textMatcher) matchAt(data []byte, s int, st *scanState) int {
	e := s + len(m.pat)
	if s < 0 || e > len(data) {
		return -1
	}
	st.steps += int64(len(m.pat))
	w := data[s:e]
	if m.nocase {
		for i, c := range w {
			if lower(c) != m.pat[i] {
				return -1
			}
		}
	} else if string(w) != string(m.pat) {
		return -1
	}
	if m.fullword && !isFullword(data, s, e, m.wide) {
		return -1
	}
	return len(m.pat)
}

// scanAll is never needed for text: every text string has an atom. It
// exists so that every matcher can run a full scan.
func (m *textMatcher) scanAll(data []byte, st *scanState, emit func(s, n int)) {
	for s := 0; s+len(m.pat) <= len(data) && !st.exhausted(); s++ {
		if n := m.matchAt(data, s, st); n >= 0 {
			emit(s, n)
		}
	}
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// isFullword reports whether data[s:e] is delimited by non-alphanumeric
// characters (wide ones for a wide string).
func isFullword(data []byte, s, e int, wide bool) bool {
	if wide {
		if s >= 2 && isAlnum(data[s-2]) && data[s-1] == 0 {
			return false
		}
		return !(e+1 < len(data) && isAlnum(data[e]) && data[e+1] == 0)
	}
	if s >= 1 && isAlnum(data[s-1]) {
		return false
	}
	return !(e < len(data) && isAlnum(data[e]))
}

// compileText builds the variants of a text string: its ASCII form unless
// only wide is asked for, and its wide (UTF-16LE) form when asked for.
func compileText(d *strDef) ([]variant, error) {
	if len(d.text) == 0 {
		return nil, fmt.Errorf("string $%s is empty", d.id)
	}
	type form struct {
		b    []byte
		wide bool
	}
	var forms []form
	if d.mods.ascii || !d.mods.wide {
		forms = append(forms, form{b: d.text})
	}
	if d.mods.wide {
		w := make([]byte, 0, 2*len(d.text))
		for _, c := range d.text {
			w = append(w, c, 0)
		}
		forms = append(forms, form{b: w, wide: true})
	}
	var out []variant
	for _, fm := range forms {
		f := fm.b
		pat := f
		if d.mods.nocase {
			pat = make([]byte, len(f))
			for i, c := range f {
				pat[i] = lower(c)
			}
		}
		seq := make([]atomByte, len(f))
		for i, c := range f {
			seq[i] = atomByte{c: c, exact: true}
		}
		out = append(out, variant{
			m:     &textMatcher{pat: pat, nocase: d.mods.nocase, fullword: d.mods.fullword, wide: fm.wide},
			atoms: atomsOf(seq),
			key:   fmt.Sprintf("t%v%v%v%q", d.mods.nocase, d.mods.fullword, fm.wide, pat),
		})
	}
	return out, nil
}
