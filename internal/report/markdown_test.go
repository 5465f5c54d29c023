package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func TestMDCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a|b", `a\|b`},
		{"line1\nline2\r\nline3", "line1<br>line2<br>line3"},
		{"<script>&", "&lt;script&gt;&amp;"},
		{"ping @org/security", "ping &#64;org/security"},
		{"*bold* _it_ [x](y) `c`", "\\*bold\\* \\_it\\_ \\[x\\](y) \\`c\\`"},
		{`back\slash`, `back\\slash`},
		{"esc\x1b[31m", `esc\\x1b\[31m`},
	}
	for _, tt := range tests {
		if got := mdCell(tt.in); got != tt.want {
			t.Errorf("mdCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	long := strings.Repeat("x", 1000)
	if got := mdCell(long); len([]rune(got)) != markdownMaxCell || !strings.HasSuffix(got, "…") {
		t.Errorf("mdCell of 1000 runes: %d runes, want %d ending in …", len([]rune(got)), markdownMaxCell)
	}
}

func TestMDCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"deploy/api.yaml:21", "`deploy/api.yaml:21`"},
		{"a|b_c*", "`a\\|b_c*`"},
		{"has`tick", "has\\`tick"},
		{"two\nlines", "two<br>lines"},
	}
	for _, tt := range tests {
		if got := mdCode(tt.in); got != tt.want {
			t.Errorf("mdCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// unescapedPipes counts the pipes that delimit GFM table cells.
func unescapedPipes(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		if row[i] == '\\' {
			i++
			continue
		}
		if row[i] == '|' {
			n++
		}
	}
	return n
}

// findingRows returns the data rows of the findings table.
func findingRows(md string) []string {
	_, after, ok := strings.Cut(md, "|---|---|---|---|---|---|\n")
	if !ok {
		return nil
	}
	table, _, _ := strings.Cut(after, "\n\n")
	return strings.Split(table, "\n")
}

func TestMarkdownTable(t *testing.T) {
	r := testReport()
	r.Findings[0].Message = "multi\nline | with pipe"
	md := string(render(t, "markdown", Options{VulnDetail: true}, r))
	rows := findingRows(md)
	if len(rows) != len(r.Findings) {
		t.Fatalf("%d rows for %d findings:\n%s", len(rows), len(r.Findings), md)
	}
	// Without --vuln-detail the three advisories of golang.org/x/net are
	// one row.
	grouped := string(render(t, "markdown", Options{}, r))
	if rows := findingRows(grouped); len(rows) != len(r.Findings)-2 {
		t.Errorf("%d grouped rows for %d findings:\n%s", len(rows), len(r.Findings), grouped)
	}
	for _, want := range []string{
		"golang.org/x/net v0.1.0 → v0.23.0 (fixes 2 of 3): 3 vulnerabilities",
		"1 high: GO-2023-1571 · 1 medium: GO-2024-2687 · 1 low: GO-2022-0969",
		"Upgrade golang.org/x/net to v0.23.0 or later; 1 of the advisories have no fix.",
	} {
		if !strings.Contains(grouped, want) {
			t.Errorf("grouped markdown lacks %q:\n%s", want, grouped)
		}
	}
	for _, row := range rows {
		if got := unescapedPipes(row); got != 7 {
			t.Errorf("row has %d cell delimiters, want 7: %s", got, row)
		}
	}
	for _, want := range []string{
		"| Code | 1 | 1 | 1 | 1 | 0 | 0 | 4 |",
		"| Cluster | 1 | 1 | 1 | 0 | 0 | 0 | 3 |",
		"| **Total** | **2** | **4** | **3** | **2** | **0** | **0** | **11** |",
		"<details><summary>1 skipped input</summary>",
		"<details><summary>2 suppressed findings</summary>",
		"multi<br>line \\| with pipe",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

// manyFindings makes n findings; small ones have short cells so that only
// the row count can cut the table.
func manyFindings(n int, small bool, message string) []finding.Finding {
	m := check.New(
		"FC-K8S-001",
		"Container is privileged",
		finding.SeverityHigh,
		finding.LayerCluster,
		"",
		"Remove securityContext.privileged or set it to false.",
	)
	if small {
		m.Title, m.Remediation = "t", ""
	}
	fs := make([]finding.Finding, n)
	for i := range fs {
		res, loc := finding.Resource{Name: fmt.Sprint(i)}, finding.Location{Path: "p"}
		if !small {
			res = finding.Resource{Kind: "Deployment", Name: fmt.Sprintf("shop/api-%04d", i)}
			loc = finding.Location{Path: fmt.Sprintf("deploy/api-%04d.yaml", i), StartLine: 21}
		}
		fs[i] = m.Finding(res, loc, check.Violation{Message: message})
	}
	return fs
}

func TestMarkdownTruncation(t *testing.T) {
	tests := []struct {
		name      string
		findings  int
		small     bool
		message   string
		wantRows  int // -1: fewer than markdownMaxFindings, cut by size
		truncated bool
	}{
		{"under the limit", 20, false, `container "api" is privileged`, 20, false},
		{"exactly 500", 500, true, "t", 500, false},
		{"over 500", 600, true, "t", 500, true},
		{"typical rows cut by size", 400, false, `container "api" must not set securityContext.privileged=true`, -1, true},
		{"large rows cut by size", 400, false, strings.Repeat("very long message ", 20), -1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testReport()
			r.Findings = manyFindings(tt.findings, tt.small, tt.message)
			r.Skipped = make([]finding.Skipped, 2000)
			for i := range r.Skipped {
				r.Skipped[i] = finding.Skipped{Path: fmt.Sprintf("charts/c%04d/values.yaml", i), Scanner: "kube", Reason: strings.Repeat("reason ", 10)}
			}
			md := string(render(t, "markdown", Options{}, r))
			if len(md) > 65536 {
				t.Errorf("markdown is %d bytes, over GitHub's comment limit", len(md))
			}
			rows := len(findingRows(md))
			switch {
			case tt.wantRows >= 0 && rows != tt.wantRows:
				t.Errorf("%d rows, want %d", rows, tt.wantRows)
			case tt.wantRows < 0 && (rows >= markdownMaxFindings || rows == 0):
				t.Errorf("%d rows, want fewer than %d and some", rows, markdownMaxFindings)
			}
			note := fmt.Sprintf("Showing the first %d of %d findings", rows, tt.findings)
			if got := strings.Contains(md, note); got != tt.truncated {
				t.Errorf("truncation note present = %v, want %v", got, tt.truncated)
			}
			if !strings.Contains(md, "more not shown |") || !strings.HasSuffix(md, "</details>\n\n**Notices**\n\n- ignore entry .fourcignore.yaml:9 (FC-K8S-020) expired on 2026-01-31 and no longer applies\n\n") {
				t.Errorf("skipped list is not cut with a note, or the sections after it are missing:\n%s", md[max(len(md)-2000, 0):])
			}
		})
	}
}
