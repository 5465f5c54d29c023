package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Limits that keep a Markdown report postable as one pull-request comment
// (GitHub refuses comment bodies over 65,536 characters).
const (
	// markdownMaxFindings is the most findings listed in the table.
	markdownMaxFindings = 500
	// markdownMaxBytes bounds the whole document. Bytes are never fewer
	// than characters, so staying under it in bytes is safe.
	markdownMaxBytes = 65000
	// markdownTailReserve is kept free for the sections after the
	// findings table when the table is cut short.
	markdownTailReserve = 12000
	// markdownMaxCell bounds one table cell, in runes.
	markdownMaxCell = 300
)

// Markdown is the Markdown writer. The vulnerabilities of one package are
// one row (the upgrade that fixes them all, counts by severity and the
// advisory IDs) unless VulnDetail lists every advisory.
type Markdown struct {
	// VulnDetail lists every advisory as its own row.
	VulnDetail bool
}

// Write renders r as Markdown.
func (m *Markdown) Write(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	var b strings.Builder
	mdHeader(&b, r)
	mdSummary(&b, r.Findings)
	mdPaths(&b, r)
	mdFindings(&b, r, m.VulnDetail)
	mdFixed(&b, r)
	mdSkipped(&b, r.Skipped)
	mdSuppressed(&b, r.Suppressed)
	mdIgnoreUses(&b, r.IgnoreUses)
	mdNotices(&b, r.Notices)
	_, err := io.WriteString(w, b.String())
	return err
}

func mdHeader(b *strings.Builder, r *Report) {
	tool := cmp.Or(r.Tool, "fourc")
	b.WriteString("## " + mdCell(tool) + " security report")
	if r.Target != "" {
		b.WriteString(": " + mdCell(r.Target))
	}
	b.WriteString("\n\n")
	b.WriteString("**" + plural(len(r.Findings), "finding", "findings") + "** · " +
		plural(len(r.Suppressed), "suppressed", "suppressed") + " · " +
		plural(len(r.Skipped), "skipped input", "skipped inputs"))
	if r.Version != "" {
		b.WriteString(" · " + mdCell(tool) + " " + mdCell(r.Version))
	}
	if !r.GeneratedAt.IsZero() {
		b.WriteString(" · " + r.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	b.WriteString("\n\n")
	if !r.Environment.IsZero() {
		b.WriteString("**Environment:** " + mdCell(r.Environment.String()) + "\n\n")
	}
	if r.Posture != nil {
		b.WriteString("**Posture score " + scoreText(r.Posture.Overall()) + "**")
		for _, l := range finding.Layers() {
			b.WriteString(" · " + l.String() + " " + scoreText(r.Posture.LayerScore(l)))
		}
		b.WriteString("\n\n")
	}
	if r.Baseline != nil {
		b.WriteString("**Compared with the baseline")
		if r.BaselinePath != "" {
			b.WriteString(" " + mdCode(r.BaselinePath))
		}
		b.WriteString(":** " + r.Baseline.Summary() + "\n\n")
	}
}

// markdownMaxPaths bounds the attack paths listed.
const markdownMaxPaths = 20

// mdPaths lists the attack paths, each with its chain of steps folded.
func mdPaths(b *strings.Builder, r *Report) {
	if r.Posture == nil {
		return
	}
	ps := r.Posture.Paths
	if len(ps) == 0 {
		b.WriteString("No attack path found.\n\n")
		return
	}
	b.WriteString("### Attack paths\n\n")
	for i, p := range ps {
		if i == markdownMaxPaths {
			fmt.Fprintf(b, "… and %d more; the JSON or HTML report has them all.\n\n", len(ps)-i)
			break
		}
		layers := make([]string, len(p.Layers))
		for j, l := range p.Layers {
			layers[j] = layerName(l)
		}
		b.WriteString("<details><summary>" + mdSeverity(p.Severity) + " " + mdCode(p.Rule) + " " + mdCell(p.Title) +
			" (" + strings.Join(layers, " → ") + ")</summary>\n\n")
		b.WriteString(mdCell(p.Summary) + "\n\n")
		for j, st := range p.Steps {
			line := fmt.Sprintf("%d. **%s** %s: %s", j+1, mdCell(st.Kind), mdCode(st.Name), mdCell(st.Text))
			if ids := stepChecks(st); ids != "" {
				line += " (" + mdCell(ids) + ")"
			}
			b.WriteString(line + "\n")
		}
		if p.Remediation != "" {
			b.WriteString("\n**Fix:** " + mdCell(p.Remediation) + "\n")
		}
		b.WriteString("\n</details>\n\n")
	}
}

// mdFixed lists the findings fixed since the baseline.
func mdFixed(b *strings.Builder, r *Report) {
	if r.Baseline == nil || len(r.Baseline.Fixed) == 0 {
		return
	}
	b.WriteString("<details><summary>" + plural(len(r.Baseline.Fixed), "finding", "findings") + " fixed since the baseline</summary>\n\n")
	b.WriteString("| Severity | Check | Resource | Location |\n|---|---|---|---|\n")
	for i, f := range r.Baseline.Fixed {
		row := "| " + mdSeverity(f.Severity) + " | " + mdCode(f.CheckID) + " | " + mdCell(f.Resource.String()) + " | " + mdCode(locationString(f.Location)) + " |\n"
		if b.Len()+len(row) > markdownMaxBytes-markdownTailReserve/2 {
			fmt.Fprintf(b, "| | … | %d more not shown | |\n", len(r.Baseline.Fixed)-i)
			break
		}
		b.WriteString(row)
	}
	b.WriteString("\n</details>\n\n")
}

// mdSummary writes the layer × severity table.
func mdSummary(b *strings.Builder, fs []finding.Finding) {
	sevs := worstFirst()
	b.WriteString("| Layer |")
	for _, s := range sevs {
		b.WriteString(" " + titleCase(s.String()) + " |")
	}
	b.WriteString(" Total |\n|---|")
	b.WriteString(strings.Repeat("--:|", len(sevs)+1))
	b.WriteString("\n")

	totals := map[finding.Severity]int{}
	for _, g := range groupByLayer(fs) {
		counts := map[finding.Severity]int{}
		for _, f := range g.findings {
			counts[f.Severity]++
			totals[f.Severity]++
		}
		b.WriteString("| " + mdCell(g.layer.String()) + " |")
		for _, s := range sevs {
			b.WriteString(" " + strconv.Itoa(counts[s]) + " |")
		}
		b.WriteString(" " + strconv.Itoa(len(g.findings)) + " |\n")
	}
	b.WriteString("| **Total** |")
	for _, s := range sevs {
		b.WriteString(" **" + strconv.Itoa(totals[s]) + "** |")
	}
	b.WriteString(" **" + strconv.Itoa(len(fs)) + "** |\n\n")
}

// mdFindings writes the findings table, worst first so that what is cut
// short by count or size is the least severe.
// With a posture analysis the table has a Priority column; with a
// baseline, new findings are marked.
func mdFindings(b *strings.Builder, r *Report, detail bool) {
	fs := r.Findings
	if len(fs) == 0 {
		b.WriteString("No findings.\n\n")
		return
	}
	fs = slices.Clone(fs)
	slices.SortStableFunc(fs, func(x, y finding.Finding) int { return cmp.Compare(y.Severity, x.Severity) })
	if r.Posture != nil {
		// Priority first, so that what a cut drops is what matters least.
		level := func(f finding.Finding) int {
			if p, ok := r.Posture.PriorityOf(f); ok {
				return p.Level
			}
			return 5
		}
		slices.SortStableFunc(fs, func(x, y finding.Finding) int { return cmp.Compare(level(x), level(y)) })
	}
	b.WriteString("### Findings\n\n")
	if r.Posture != nil {
		b.WriteString("| Severity | Priority | Check | Title | Resource | Location | Remediation |\n")
		b.WriteString("|---|---|---|---|---|---|---|\n")
	} else {
		b.WriteString("| Severity | Check | Title | Resource | Location | Remediation |\n")
		b.WriteString("|---|---|---|---|---|---|\n")
	}
	shown, rows := 0, 0
	for _, it := range groupVulns(fs, detail) {
		if rows == markdownMaxFindings {
			break
		}
		var row string
		n := 1
		if it.group != nil {
			row, n = mdVulnGroupRow(r, it.group), len(it.group.findings)
		} else {
			row = mdFindingRow(r, *it.f)
		}
		if b.Len()+len(row) > markdownMaxBytes-markdownTailReserve {
			break
		}
		b.WriteString(row)
		shown += n
		rows++
	}
	b.WriteString("\n")
	if shown < len(fs) {
		fmt.Fprintf(b, "> [!NOTE]\n> Showing the first %d of %d findings to stay within the comment size limit; "+
			"the JSON or SARIF report has them all.\n\n", shown, len(fs))
	}
}

func mdFindingRow(r *Report, f finding.Finding) string {
	title := mdCell(f.Title)
	if baselineOf(r, f) == "new" {
		title = "🆕 " + title
	}
	if f.Message != "" && f.Message != f.Title {
		title += "<br>" + mdCell(f.Message)
	}
	sev := mdSeverity(f.Severity)
	if r.Posture != nil {
		prio, _ := priorityOf(r, f)
		sev += " | " + prio
	}
	return "| " + sev +
		" | " + mdCode(f.CheckID) +
		" | " + title +
		" | " + mdCell(f.Resource.String()) +
		" | " + mdCode(locationString(f.Location)) +
		" | " + mdCell(f.Remediation) + " |\n"
}

// mdVulnGroupRow is the row of one package's vulnerabilities.
func mdVulnGroupRow(r *Report, g *vulnGroup) string {
	title := mdCell(g.headline())
	if g.anyNew(r) {
		title = "🆕 " + title
	}
	title += "<br>" + mdCell(g.ids())
	sev := mdSeverity(g.worst())
	if r.Posture != nil {
		prio, _ := g.bestPriority(r)
		sev += " | " + prio
	}
	return "| " + sev +
		" | " + mdCode(g.first.CheckID) +
		" | " + title +
		" | " + mdCell(g.first.Resource.String()) +
		" | " + mdCode(locationString(g.first.Location)) +
		" | " + mdCell(g.remediation()) + " |\n"
}

func mdSkipped(b *strings.Builder, sk []finding.Skipped) {
	if len(sk) == 0 {
		return
	}
	b.WriteString("<details><summary>" + plural(len(sk), "skipped input", "skipped inputs") + "</summary>\n\n")
	b.WriteString("| Input | Scanner | Reason |\n|---|---|---|\n")
	for i, s := range sk {
		row := "| " + mdCode(s.Path) + " | " + mdCell(s.Scanner) + " | " + mdCell(s.Reason) + " |\n"
		if b.Len()+len(row) > markdownMaxBytes-markdownTailReserve/2 {
			fmt.Fprintf(b, "| … | | %d more not shown |\n", len(sk)-i)
			break
		}
		b.WriteString(row)
	}
	b.WriteString("\n</details>\n\n")
}

func mdSuppressed(b *strings.Builder, sup []Suppressed) {
	if len(sup) == 0 {
		return
	}
	b.WriteString("<details><summary>" + plural(len(sup), "suppressed finding", "suppressed findings") + "</summary>\n\n")
	b.WriteString("| Severity | Check | Resource | Location | Suppressed by | Reason |\n|---|---|---|---|---|---|\n")
	for i, s := range sup {
		f := s.Finding
		row := "| " + mdSeverity(f.Severity) +
			" | " + mdCode(f.CheckID) +
			" | " + mdCell(f.Resource.String()) +
			" | " + mdCode(locationString(f.Location)) +
			" | " + mdCell(s.By) +
			" | " + mdCell(s.Reason) + " |\n"
		if b.Len()+len(row) > markdownMaxBytes-markdownTailReserve/4 {
			fmt.Fprintf(b, "| | … | | | | %d more not shown |\n", len(sup)-i)
			break
		}
		b.WriteString(row)
	}
	b.WriteString("\n</details>\n\n")
}

func mdNotices(b *strings.Builder, ns []string) {
	if len(ns) == 0 {
		return
	}
	b.WriteString("**Notices**\n\n")
	for i, n := range ns {
		line := "- " + mdCell(n) + "\n"
		if b.Len()+len(line) > markdownMaxBytes-200 {
			fmt.Fprintf(b, "- … %d more not shown\n", len(ns)-i)
			break
		}
		b.WriteString(line)
	}
	b.WriteString("\n")
}

// mdSeverity renders a severity in bold for the two worst levels.
func mdSeverity(s finding.Severity) string {
	if s >= finding.SeverityHigh {
		return "**" + s.String() + "**"
	}
	return s.String()
}

// titleCase turns "CRITICAL" into "Critical".
func titleCase(s string) string {
	if s == "" {
		return s
	}
	return s[:1] + strings.ToLower(s[1:])
}

// mdReplacer makes text safe inside a GFM table cell: pipes would end the
// cell, line breaks the row; angle brackets and ampersands would open HTML;
// backslashes, asterisks, underscores, brackets and backticks would start
// Markdown; an @ would mention a user or team in a pull request. Line breaks
// are handled by mdCell.
var mdReplacer = strings.NewReplacer(
	`\`, `\\`,
	"|", `\|`,
	"<", "&lt;",
	">", "&gt;",
	"&", "&amp;",
	"*", `\*`,
	"_", `\_`,
	"[", `\[`,
	"]", `\]`,
	"`", "\\`",
	"@", "&#64;",
)

// mdCell escapes s for a table cell and bounds its length: line breaks
// become <br>, other control characters are shown escaped.
func mdCell(s string) string {
	s = truncateRunes(s, markdownMaxCell)
	lines := strings.Split(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s), "\n")
	for i, l := range lines {
		lines[i] = mdReplacer.Replace(clean(l))
	}
	return strings.Join(lines, "<br>")
}

// mdCode renders s as inline code, which needs no Markdown escaping inside;
// pipes are still escaped (GFM splits cells first) and text containing a
// backtick or a line break falls back to an escaped plain cell.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	if strings.ContainsAny(s, "`\r\n") {
		return mdCell(s)
	}
	s = truncateRunes(clean(s), markdownMaxCell)
	return "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
}

// truncateRunes cuts s to at most n runes, marking the cut with an ellipsis.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…"
}
