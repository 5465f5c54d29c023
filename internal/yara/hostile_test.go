package yara

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// scanWithin scans data and fails when the scan outlives d.
func scanWithin(t *testing.T, rs *Rules, data []byte, d time.Duration) ([]Match, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	start := time.Now()
	ms, err := rs.Scan(ctx, data)
	if el := time.Since(start); el > d+time.Second {
		t.Fatalf("scan took %s, bound %s", el, d)
	}
	return ms, err
}

func TestHostileScans(t *testing.T) {
	as := bytes.Repeat([]byte("a"), 4<<20)
	zeros := make([]byte, 8<<20)
	cases := []struct {
		name, rule string
		data       []byte
	}{
		// RE2 is linear, but a regex without an atom retried everywhere.
		{"nested quantifiers", `rule r { strings: $a = /(a+)+b/ condition: $a }`, as},
		{"alternation blowup", `rule r { strings: $a = /(a|aa|aaa)*c/ condition: $a }`, as},
		{"wide hex jumps", `rule r { strings: $a = { 61 [0-1048576] 62 [0-1048576] 63 } condition: $a }`, as},
		{"unbounded jump", `rule r { strings: $a = { 61 [1-] 62 } condition: $a }`, as},
		{"hex alternatives", `rule r { strings: $a = { 61 ( 61 | 61 61 | 61 61 61 ) [0-100] ( 61 | 62 ) [0-100] 63 } condition: $a }`, as},
		{"no atom", `rule r { strings: $a = { ?? ?? ?? 01 } condition: $a }`, zeros},
		{"short atom", `rule r { strings: $a = { 00 ?? ?? [0-64] 01 } condition: $a }`, zeros},
		{"loop over matches", `rule r { strings: $a = "a" condition: for all i in (1..#a) : ( for all j in (1..#a) : ( @a[i] >= 0 ) ) }`, as},
		{"huge range loop", `rule r { condition: for any i in (0..0x7fffffffffffffff) : ( i < 0 ) }`, []byte("x")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rs := compileOne(t, tc.rule)
			_, err := scanWithin(t, rs, tc.data, 10*time.Second)
			if err != nil && !errors.Is(err, ErrLimit) && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("unexpected error %v", err)
			}
			t.Logf("error: %v", err)
		})
	}
}

// TestHugeAtomTable: a rule set whose atoms would need a prefilter table
// over the bound compiles to nothing, with an error, and still scans.
func TestHugeAtomTable(t *testing.T) {
	var b strings.Builder
	n := 0
	for r := range 12 {
		fmt.Fprintf(&b, "rule r%d { strings:\n", r)
		for k := range 10_000 {
			fmt.Fprintf(&b, "$s%d = { %02X %02X %02X %02X }\n", k, n%251, n/251%251, n/63001%251, (n*7)%256)
			n++
		}
		b.WriteString("condition: any of them }\n")
	}
	rs, errs := Compile(Source{Name: "big.yar", Text: []byte(b.String())})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "prefilter table") || rs.Len() != 0 {
		t.Fatalf("errs %v, %d rules", errs, rs.Len())
	}
	if ms, err := rs.Scan(context.Background(), []byte("x")); err != nil || len(ms) != 0 {
		t.Fatalf("scan: %v %v", ms, err)
	}
}

func TestMatchCap(t *testing.T) {
	rs := compileOne(t, `rule r { strings: $a = "a" condition: #a > 10 }`)
	ms, err := scanWithin(t, rs, bytes.Repeat([]byte("a"), 1_200_000), 20*time.Second)
	if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "stopped counting") {
		t.Fatalf("err %v, want the match cap", err)
	}
	if len(ms) != 1 || len(ms[0].Strings) != maxReported {
		t.Fatalf("got %d matches", len(ms))
	}
}

func TestCancelled(t *testing.T) {
	rs := compileOne(t, `rule r { strings: $a = "a" condition: $a }`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := rs.Scan(ctx, []byte("aaa")); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	// The pooled memory of the cancelled scan must not leak into the next.
	if got := matched(t, rs, []byte("bbb")); len(got) != 0 {
		t.Fatalf("matched %v after a cancelled scan", got)
	}
}

func TestHostileSources(t *testing.T) {
	many := func(n int, f func(i int) string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(f(i))
		}
		return b.String()
	}
	cases := map[string]string{
		"deep parens":    "rule r { condition: " + strings.Repeat("(", 10000) + "true" + strings.Repeat(")", 10000) + " }",
		"deep not":       "rule r { condition: " + strings.Repeat("not ", 10000) + "true }",
		"deep minus":     "rule r { condition: " + strings.Repeat("-", 10000) + "1 }",
		"too many strs":  "rule r { strings: " + many(maxStringsPerRule+1, func(i int) string { return fmt.Sprintf("$s%d = \"x%d\" ", i, i) }) + " condition: any of them }",
		"too many rules": many(maxRules+1, func(i int) string { return fmt.Sprintf("rule r%d { condition: true }\n", i) }),
		"giant source":   "rule r { condition: true } //" + strings.Repeat("x", maxSourceBytes),
		"long string":    `rule r { strings: $a = "` + strings.Repeat("x", maxStringBytes+1) + `" condition: $a }`,
		"deep hex alts":  `rule r { strings: $a = { 61 ` + strings.Repeat("( 61 | ", 40) + "62" + strings.Repeat(" )", 40) + ` } condition: $a }`,
		"many hex alts":  `rule r { strings: $a = { 61 ( ` + strings.Repeat("61 | ", 1500) + ` 62 ) } condition: $a }`,
		"huge repeat":    `rule r { strings: $a = /a{100000}/ condition: $a }`,
		"nested repeat":  `rule r { strings: $a = /((a{1000}){1000}){1000}/ condition: $a }`,
		"deep loops":     "rule r { condition: " + many(20, func(i int) string { return fmt.Sprintf("for any v%d in (1..2) : ( ", i) }) + "true" + strings.Repeat(" )", 20) + " }",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			rs, errs := Compile(Source{Name: "h.yar", Text: []byte(src)})
			if len(errs) == 0 {
				t.Fatalf("compiled %d rules without an error", rs.Len())
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("compile took %s", el)
			}
			t.Logf("%.200v", errs[0])
		})
	}
}
