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
		// The message is shown in the detailed table only.
		out := string(render(t, "table", Options{Color: color, Detail: true}, r)) + string(render(t, "table", Options{Color: color}, r))
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
	for _, detail := range []bool{false, true} {
		out := string(render(t, "table", Options{Detail: detail}, testReport()))
		// The default table closes with one line per layer; the detailed one
		// heads each layer's blocks with it.
		prefix := "\n  "
		pad := map[string]string{"Code": "       ", "Container": "  ", "Cluster": "    ", "Cloud": "      "}
		if detail {
			prefix = "\n"
			pad = map[string]string{"Code": "  ", "Container": "  ", "Cluster": "  ", "Cloud": "  "}
		}
		for _, want := range []string{
			prefix + "Code" + pad["Code"] + "1 critical · 1 high · 1 medium · 1 low\n",
			prefix + "Container" + pad["Container"] + "1 high · 1 medium\n",
			prefix + "Cluster" + pad["Cluster"] + "1 critical · 1 high · 1 medium\n",
			prefix + "Cloud" + pad["Cloud"] + "1 high · 1 low\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("detail=%v: output lacks layer line %q", detail, want)
			}
		}
		// Layers appear from the inside out.
		last := -1
		for _, l := range []string{prefix + "Code ", prefix + "Container ", prefix + "Cluster ", prefix + "Cloud "} {
			i := strings.Index(out, l)
			if i <= last {
				t.Errorf("detail=%v: layer %q out of order", detail, strings.TrimSpace(l))
			}
			last = i
		}
		empty := string(render(t, "table", Options{Detail: detail}, &Report{}))
		if got := strings.Count(empty, "  no findings\n"); got != 4 {
			t.Errorf("detail=%v: empty report: %d layers say \"no findings\", want 4:\n%s", detail, got, empty)
		}
	}
}

// TestTableExitReason: the table ends with the reason for a failing exit
// status, and says nothing of one when the run succeeds.
func TestTableExitReason(t *testing.T) {
	r := testReport()
	r.ExitReason = "exit 1: 3 findings at or above HIGH (--fail-on high)"
	for _, detail := range []bool{false, true} {
		out := string(render(t, "table", Options{Detail: detail}, r))
		if !strings.HasSuffix(out, "\n\nexit 1: 3 findings at or above HIGH (--fail-on high)\n") {
			t.Errorf("detail=%v: output does not end with the exit reason:\n%s", detail, out[max(len(out)-200, 0):])
		}
	}
	if out := string(render(t, "table", Options{}, testReport())); strings.Contains(out, "exit 1") {
		t.Error("a passing run names an exit status")
	}
}

// TestTableOneLinePerFinding: the default table gives every finding (a
// package's vulnerabilities together) one line, in report order.
func TestTableOneLinePerFinding(t *testing.T) {
	out := string(render(t, "table", Options{}, testReport()))
	var ids []string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 1 && strings.HasPrefix(f[1], "FC-") && !strings.HasPrefix(f[1], "FC-PATH") {
			ids = append(ids, f[1])
		}
	}
	want := []string{"FC-SEC-001", "FC-VULN-001", "FC-DF-001", "FC-DF-003", "FC-K8S-001", "FC-K8S-010", "FC-K8S-020", "FC-AWS-001", "FC-AWS-002"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("finding lines (-want +got):\n%s\n%s", diff, out)
	}
}

// TestTableWidth: no line of the representative reports is wider than the
// terminal it is meant for, whatever its width.
func TestTableWidth(t *testing.T) {
	for _, r := range []*Report{testReport(), testPostureReport()} {
		for _, width := range []int{0, 80, 100, 160} {
			want := width
			if want == 0 {
				want = tableWidth
			}
			out := string(render(t, "table", Options{Width: width}, r))
			for _, l := range strings.Split(out, "\n") {
				if n := utf8.RuneCountInString(l); n > want {
					t.Errorf("width %d: line of %d runes: %q", width, n, l)
				}
			}
		}
	}
}

func TestFitColumns(t *testing.T) {
	tests := []struct {
		width int
		cols  []string
		want  []string
	}{
		{40, []string{"title", "res", "loc"}, []string{"title", "res", "loc"}},
		{40, []string{"a title that is far too long to fit", "Deployment/shop/api", "deploy/api.yaml:21"}, []string{"a title tha…", "Deployment/…", "…api.yaml:21"}},
		{20, []string{"title", "", "loc.yaml:3"}, []string{"title", "", "loc.yaml:3"}},
	}
	for _, tt := range tests {
		got := fitColumns(tt.width, tt.cols, []int{minColumn, minColumn, minColumn})
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("fitColumns(%d, %q) mismatch (-want +got):\n%s", tt.width, tt.cols, diff)
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
