package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

func TestTableColor(t *testing.T) {
	plain := render(t, "table", Options{Color: false}, testReport())
	if i := bytes.IndexByte(plain, 0x1b); i >= 0 {
		t.Errorf("Color=false output has an escape byte at %d: %q", i, plain[max(i-20, 0):min(i+20, len(plain))])
	}
	colored := render(t, "table", Options{Color: true}, testReport())
	for _, sev := range []finding.Severity{finding.SeverityCritical, finding.SeverityHigh, finding.SeverityMedium, finding.SeverityLow} {
		want := severityColor(sev) + sev.String() + ansiReset
		if !bytes.Contains(colored, []byte(want)) {
			t.Errorf("Color=true output lacks coloured %s (%q)", sev, want)
		}
	}
	// Stripping the SGR sequences from the coloured output gives the plain one.
	if diff := cmp.Diff(string(plain), stripANSI(string(colored))); diff != "" {
		t.Errorf("coloured output differs from plain beyond colour (-plain +stripped):\n%s", diff)
	}
}

// stripANSI removes SGR sequences (ESC [ ... m).
func stripANSI(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			return b.String() + s
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], 'm')
		if j < 0 {
			return b.String()
		}
		s = s[i+j+1:]
	}
}

// TestTableHostileInput: escape sequences and line breaks that come from
// scanned inputs are shown escaped, even with colour on.
func TestTableHostileInput(t *testing.T) {
	r := testReport()
	r.Findings[0].Message = "evil \x1b]0;pwned\x07 title\nsecond line"
	r.Findings[0].Location.Path = "a\x1b[2Jb.py"
	r.Skipped[0].Reason = "bad\u009bbyte \xff"
	for _, color := range []bool{false, true} {
		out := string(render(t, "table", Options{Color: color}, r))
		if color {
			out = stripANSI(out)
		}
		for _, bad := range []string{"\x1b", "\x07", "\u009b", "\xff", "title\nsecond"} {
			if strings.Contains(out, bad) {
				t.Errorf("color=%v: output contains %q", color, bad)
			}
		}
		for _, want := range []string{`evil \x1b]0;pwned\a title\nsecond line`, `a\x1b[2Jb.py`, `bad\u009bbyte \xff`} {
			if !strings.Contains(out, want) {
				t.Errorf("color=%v: output lacks escaped %q", color, want)
			}
		}
	}
}

func TestTableLayerSummary(t *testing.T) {
	out := string(render(t, "table", Options{}, testReport()))
	for _, want := range []string{
		"\nCode  1 critical · 1 high · 1 medium · 1 low\n",
		"\nContainer  1 high · 1 medium\n",
		"\nCluster  1 critical · 1 high · 1 medium\n",
		"\nCloud  1 high · 1 low\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks heading %q", want)
		}
	}
	// Layers appear from the inside out.
	last := -1
	for _, l := range []string{"\nCode ", "\nContainer ", "\nCluster ", "\nCloud "} {
		i := strings.Index(out, l)
		if i <= last {
			t.Errorf("layer %q out of order", strings.TrimSpace(l))
		}
		last = i
	}
	empty := string(render(t, "table", Options{}, &Report{}))
	if got := strings.Count(empty, "  no findings\n"); got != 4 {
		t.Errorf("empty report: %d layers say \"no findings\", want 4:\n%s", got, empty)
	}
}

// TestTableWidth: no line of the representative report is wider than the
// terminal it is meant for.
func TestTableWidth(t *testing.T) {
	out := string(render(t, "table", Options{}, testReport()))
	for _, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(l); n > tableWidth {
			t.Errorf("line of %d runes exceeds %d: %q", n, tableWidth, l)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  []string
	}{
		{"", 10, nil},
		{"one", 10, []string{"one"}},
		{"one two three", 7, []string{"one two", "three"}},
		{"one  two\tthree", 100, []string{"one two three"}},
		{"a verylongwordthatdoesnotfit b", 5, []string{"a", "verylongwordthatdoesnotfit", "b"}},
		{"ééé ééé", 7, []string{"ééé ééé"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, wrap(tt.in, tt.width)); diff != "" {
			t.Errorf("wrap(%q, %d) mismatch (-want +got):\n%s", tt.in, tt.width, diff)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text · ünïcode", "plain text · ünïcode"},
		{"a\nb", `a\nb`},
		{"\x1b[31mred", `\x1b[31mred`},
		{"nul\x00", `nul\x00`},
		{"bad \xff utf8", `bad \xff utf8`},
		{"sep\u2028x", `sep\u2028x`},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLocationString(t *testing.T) {
	tests := []struct {
		loc  finding.Location
		want string
	}{
		{finding.Location{}, ""},
		{finding.Location{Path: "a.tf"}, "a.tf"},
		{finding.Location{Path: "a.tf", StartLine: 3}, "a.tf:3"},
		{finding.Location{Path: "a.tf", StartLine: 3, EndLine: 3}, "a.tf:3"},
		{finding.Location{Path: "a.tf", StartLine: 3, EndLine: 10}, "a.tf:3-10"},
		{finding.Location{Path: "img.tar", StartLine: 1, EndLine: 2, Object: "sha256:ab"}, "img.tar:1-2 sha256:ab"},
		{finding.Location{Object: "namespaces/shop/pods/api"}, "namespaces/shop/pods/api"},
	}
	for _, tt := range tests {
		if got := locationString(tt.loc); got != tt.want {
			t.Errorf("locationString(%+v) = %q, want %q", tt.loc, got, tt.want)
		}
	}
}
