package yara

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func compileOne(t *testing.T, src string) *Rules {
	t.Helper()
	rs, errs := Compile(Source{Name: "t.yar", Text: []byte(src)})
	for _, err := range errs {
		t.Fatalf("compile: %v", err)
	}
	return rs
}

func matched(t *testing.T, rs *Rules, data []byte) []string {
	t.Helper()
	ms, err := rs.Scan(context.Background(), data)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.Rule)
	}
	return names
}

// featureCases: each rule set is compiled alone and run over data; want
// lists the rules that must match.
var featureCases = []struct {
	name, rules, data string
	want              []string
}{
	{"text", `rule a { strings: $a = "hello" condition: $a } rule b { strings: $a = "HELLO" condition: $a }`, "say hello", []string{"a"}},
	{"nocase", `rule a { strings: $a = "HeLLo" nocase condition: $a }`, "say hEllO", []string{"a"}},
	{"wide", `rule a { strings: $a = "ab" wide condition: $a } rule b { strings: $a = "ab" wide ascii condition: #a == 2 }`, "a\x00b\x00 ab", []string{"a", "b"}},
	{"fullword", `rule a { strings: $a = "cat" fullword condition: $a } rule b { strings: $a = "dog" fullword condition: $a }`, "concat dog.", []string{"b"}},
	{"escapes", `rule a { strings: $a = "a\"b\\c\x41\n" condition: $a }`, "a\"b\\cA\n", []string{"a"}},
	{"hex", `rule a { strings: $a = { 4D 5A ?? 00 } condition: $a at 0 }`, "MZ\x90\x00", []string{"a"}},
	{"hex nibble", `rule a { strings: $a = { 4? 5A } condition: $a } rule b { strings: $a = { ?1 5B } condition: $a }`, "MZ", []string{"a"}},
	{"hex jump", `rule a { strings: $a = { 61 [2-4] 62 } condition: $a } rule b { strings: $a = { 61 [5-] 62 } condition: $a }`, "axxxb", []string{"a"}},
	{"hex alt", `rule a { strings: $a = { 61 ( 62 | 63 64 ) 65 } condition: #a == 2 }`, "abe acde ace", []string{"a"}},
	{"regex", `rule a { strings: $a = /ab+c/ condition: !a[1] == 4 } rule b { strings: $a = /AB.C/is condition: $a }`, "xabbc ab\nc", []string{"a", "b"}},
	{"regex class", `rule a { strings: $a = /[0-9a-f]{4}\x2d[^\s]+/ condition: $a }`, "key 12ab-zz", []string{"a"}},
	{"regex bytes", `rule a { strings: $a = /\xe9\x00./ condition: $a }`, "\xe9\x00\xff", []string{"a"}},
	{"count offset", `rule a { strings: $a = "x" condition: #a == 3 and @a[2] == 2 and @a[3] == 4 and @a == 0 }`, "x.x.x", []string{"a"}},
	{"in range", `rule a { strings: $a = "x" condition: $a in (3..10) and #a in (0..2) == 2 } rule b { strings: $a = "x" condition: $a in (5..10) }`, "x.x.x", []string{"a"}},
	{"of", `rule a { strings: $a1 = "x" $a2 = "y" $b = "z" condition: 2 of ($a*) and not $b } rule b { strings: $a = "x" $b = "q" condition: all of them } rule c { strings: $a = "x" $b = "q" condition: any of them and none of ($b) }`, "x y", []string{"a", "c"}},
	{"for of", `rule a { strings: $a = "x" $b = "y" condition: for all of them : ( # > 1 and @ < 10 ) }`, "xxyy", []string{"a"}},
	{"for in", `rule a { strings: $a = "x" condition: for all i in (1..#a) : ( @a[i] % 2 == 0 ) } rule b { condition: for any i in (1, 2, 3) : ( i == filesize ) }`, "x.x", []string{"a", "b"}},
	{"arith", `rule a { condition: filesize == 5 and 1KB == 1024 and (7 \ 2) == 3 and 1 << 4 == 16 and (6 & 3 | 8) == 10 and -2 < 0 and 0x10 == 16 }`, "12345", []string{"a"}},
	{"int reads", `rule a { condition: uint16(0) == 0x5A4D and uint32be(0) == 0x4D5A0102 and int8(3) == 2 and uint8(100) == 1 }`, "MZ\x01\x02", []string{}},
	{"int reads ok", `rule a { condition: uint16(0) == 0x5A4D and uint32be(0) == 0x4D5AFF02 and int8(2) == -1 }`, "MZ\xff\x02", []string{"a"}},
	{"rule refs", `private rule p { strings: $a = "x" condition: $a } rule a { condition: p } rule b { condition: not p }`, "x", []string{"a"}},
	{"global", `global rule g { condition: filesize < 3 } rule a { condition: true }`, "xxxx", []string{}},
	{"strings ops", `rule a { condition: "hello" contains "ell" and "Hello" icontains "hELL" and "abc" startswith "ab" and "abc" endswith "bc" and "abc" matches /^a.c$/ }`, "", []string{"a"}},
	{"tags meta", `rule a : t1 t2 { meta: x = "y" n = -3 b = true condition: true }`, "", []string{"a"}},
	{"comments", "// c\nrule a /* c */ { strings: $a = { 61 /* x */ 62 // y\n } condition: $a }", "ab", []string{"a"}},
	{"undefined", `rule a { strings: $a = "x" condition: not (@a[5] == 1) } rule b { condition: uint32(100) == 1 or true }`, "x", []string{"b"}},
}

func TestFeatures(t *testing.T) {
	for _, tc := range featureCases {
		t.Run(tc.name, func(t *testing.T) {
			rs := compileOne(t, tc.rules)
			got := matched(t, rs, []byte(tc.data))
			if !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("matched %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMatchDetails(t *testing.T) {
	rs := compileOne(t, `rule a : t { meta: k = "v" n = 5 strings: $a = "ab" $p = "b" private condition: #a == 2 and all of them }`)
	ms, err := rs.Scan(context.Background(), []byte("xxabab"))
	if err != nil || len(ms) != 1 {
		t.Fatalf("got %v, %v", ms, err)
	}
	m := ms[0]
	if m.Namespace != "t" || !slices.Equal(m.Tags, []string{"t"}) || len(m.Meta) != 2 || m.Meta[1].Value != int64(5) {
		t.Errorf("bad match %+v", m)
	}
	if len(m.Strings) != 2 || m.Strings[0].Offset != 2 || m.Strings[1].Offset != 4 || string(m.Strings[0].Data) != "ab" {
		t.Errorf("bad strings %+v", m.Strings)
	}
	// A string whose count and offsets the condition does not use is
	// reported once: the scan stops verifying it at its first match.
	rs = compileOne(t, `rule a { strings: $a = "ab" condition: any of them }`)
	ms, err = rs.Scan(context.Background(), []byte("xxabab"))
	if err != nil || len(ms) != 1 || len(ms[0].Strings) != 1 || ms[0].Strings[0].Offset != 2 {
		t.Errorf("lazy string: got %+v, %v", ms, err)
	}
}

func TestUnsupported(t *testing.T) {
	cases := map[string]string{
		`import "math" rule a { condition: math.entropy(0, filesize) > 7 }`: `module "math" is not supported`,
		`rule a { strings: $a = "x" xor condition: $a }`:                    `modifier "xor" is not supported`,
		`rule a { strings: $a = /(a)\1/ condition: $a }`:                    "backreferences",
		`rule a { strings: $a = /(?=a)/ condition: $a }`:                    "lookaround",
		`import "pe" rule a { condition: pe.rich_signature.key == 1 }`:      "pe.rich_signature.key is not supported",
		`rule a { strings: $a = { 61 [0-2000000] 62 } condition: $a }`:      "wider than",
		`rule a { strings: $a = "x" condition: 50% of them }`:               "percentages",
		`rule a { strings: $a = "x" condition: any of them in (0..10) }`:    `"of" with "in"`,
	}
	for src, want := range cases {
		src := src + ` rule ok { condition: true }`
		rs, errs := Compile(Source{Name: "u.yar", Text: []byte(src)})
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), want) || !strings.Contains(errs[0].Error(), "rule a") {
			t.Errorf("%s: errors %v, want one with %q", src, errs, want)
			continue
		}
		if rs.Len() != 1 {
			t.Errorf("%s: %d rules compiled, want 1", src, rs.Len())
		}
	}
}

func TestSyntaxErrorFailsOnlyItsFile(t *testing.T) {
	rs, errs := Compile(
		Source{Name: "good.yar", Text: []byte(`rule a { condition: true }`)},
		Source{Name: "bad.yar", Text: []byte(`rule b { condition: true } rule c { condition: }`)},
	)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "bad.yar:1") || rs.Len() != 1 {
		t.Fatalf("errs %v, rules %d", errs, rs.Len())
	}
}
