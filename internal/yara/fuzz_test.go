package yara

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"
)

// FuzzCompile feeds arbitrary rule text to the compiler: it must never
// panic, and what compiles must scan, matching the same rules as a scan
// that verifies every match of every string.
func FuzzCompile(f *testing.F) {
	if b, err := os.ReadFile("testdata/diff.yar"); err == nil {
		f.Add(b)
	}
	for _, tc := range featureCases {
		f.Add([]byte(tc.rules))
	}
	f.Add([]byte(`rule a { strings: $a = { 61 [1-2] ( 62 | 6? ) } $b = /a[b-d]{2}\x00/is condition: #a > @b[1] }`))
	f.Fuzz(func(t *testing.T, src []byte) {
		rs, _ := Compile(Source{Name: "f.yar", Text: src})
		sameRules(t, rs, withoutLazy(rs), []byte("The quick brown fox\x00MZ\xde\xad\xbe\xef jumps fox brown"))
	})
}

// FuzzScan scans arbitrary data with the differential rule set: it must
// never panic, always finish within its budget, and match the same rules
// as a scan that verifies every match of every string.
func FuzzScan(f *testing.F) {
	src, err := os.ReadFile("testdata/diff.yar")
	if err != nil {
		f.Fatal(err)
	}
	rs, errs := Compile(Source{Name: "diff.yar", Text: src})
	if len(errs) > 0 {
		f.Fatal(errs)
	}
	f.Add([]byte("The quick brown fox jumps over the lazy dog"))
	f.Add(minimalPE())
	f.Add([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00"))
	f.Add(eicar())
	full := withoutLazy(rs)
	f.Fuzz(func(t *testing.T, data []byte) {
		sameRules(t, rs, full, data)
	})
}

// sameRules checks that rs and full, its copy without lazy strings, match
// the same rules on data (when neither scan hit a bound).
func sameRules(t *testing.T, rs, full *Rules, data []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err1 := rs.Scan(ctx, data)
	want, err2 := full.Scan(ctx, data)
	if err1 == nil && err2 == nil && !slices.Equal(ruleNames(got), ruleNames(want)) {
		t.Errorf("lazy scan matched %v, full scan %v", ruleNames(got), ruleNames(want))
	}
}

// withoutLazy returns a copy of rs that verifies every match of every
// string.
func withoutLazy(rs *Rules) *Rules {
	cp := &Rules{rules: rs.rules, globals: rs.globals, ac: rs.ac, byAtom: rs.byAtom,
		scanAll: rs.scanAll, eager: rs.eager}
	cp.scratch.New = cp.newScratch
	for _, s := range rs.strs {
		c := *s
		c.lazy = false
		cp.strs = append(cp.strs, &c)
	}
	for _, g := range rs.groups {
		g.lazy = false
		cp.groups = append(cp.groups, g)
	}
	return cp
}

func ruleNames(ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Rule)
	}
	return out
}
