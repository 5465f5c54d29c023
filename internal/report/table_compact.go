package report

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/fourc-dev/fourc/internal/finding"
)

// minColumn is the fewest runes a resource or location column is
// shortened to when a line does not fit the terminal; titleColumn the
// fewest for a title, which says most.
const (
	minColumn   = 12
	titleColumn = 32
	// relaxedColumn is the minimum when a line does not fit otherwise.
	relaxedColumn = 8
)

// pathList prints the attack paths, each as its heading and its summary;
// the steps and the fix are in the detailed table.
func (p *tablePrinter) pathList(r *Report) {
	if r.Posture == nil {
		return
	}
	ps := r.Posture.Paths
	head, ok := p.pathsHeading(ps)
	if !ok {
		return
	}
	p.line(p.hint(head, " · --detail for steps and fixes"))
	pad := strings.Repeat(" ", findingIndent)
	for _, pa := range ps {
		layers := make([]string, len(pa.Layers))
		for i, l := range pa.Layers {
			layers[i] = layerName(l)
		}
		fixed := "  " + padRight(pa.Severity.String(), severityWidth) + "  " + clean(pa.Rule) + "  "
		chain := "[" + strings.Join(layers, " → ") + "]"
		title := fitColumns(p.width-runeLen(fixed)-2-runeLen(chain), []string{clean(pa.Title)}, []int{titleColumn})[0]
		p.line("  " + p.sevCell(pa.Severity) + "  " + p.paint(ansiBold, clean(pa.Rule)) + "  " + title + "  " + p.paint(ansiDim, chain))
		for _, l := range wrap(clean(pa.Summary), p.width-findingIndent) {
			p.line(pad + l)
		}
	}
}

// listRow is one line of the finding list before it is fitted.
type listRow struct {
	sev                  finding.Severity
	prio, id             string
	title, resource, loc string
	isNew                bool
}

// findingList prints every finding on one line, in report order (priority
// across layers unless --sort severity), a package's vulnerabilities as
// one line.
func (p *tablePrinter) findingList(r *Report) {
	p.line("")
	head := p.paint(ansiBold, "Findings") + "  "
	if len(r.Findings) == 0 {
		p.line(head + p.paint(ansiDim, "none"))
		return
	}
	var rows []listRow
	for _, it := range groupVulns(r.Findings, p.detail) {
		if it.group != nil {
			rows = append(rows, p.groupRow(it.group))
		} else {
			rows = append(rows, p.findingRow(*it.f))
		}
	}
	head += plural(len(r.Findings), "finding", "findings")
	if r.Posture != nil {
		head += ", most urgent first across layers"
	}
	p.line(p.hint(head, " · --detail for fixes and reasons"))
	idWidth, prioWidth := 0, 0
	for _, row := range rows {
		idWidth = max(idWidth, runeLen(row.id))
		prioWidth = max(prioWidth, runeLen(row.prio))
	}
	for _, row := range rows {
		fixed := "  " + padRight(row.sev.String(), severityWidth) + "  "
		line := "  " + p.sevCell(row.sev) + "  "
		if prioWidth > 0 {
			fixed += padRight(row.prio, prioWidth) + "  "
			line += p.paint(ansiBold, row.prio) + strings.Repeat(" ", prioWidth-runeLen(row.prio)) + "  "
		}
		fixed += padRight(row.id, idWidth) + "  "
		line += p.paint(ansiBold, row.id) + strings.Repeat(" ", idWidth-runeLen(row.id)) + "  "
		mark := ""
		if row.isNew {
			mark = " [new]"
		}
		title := row.title + mark
		cols := fitColumns(p.width-runeLen(fixed), []string{title, row.resource, row.loc}, []int{titleColumn, minColumn, minColumn})
		if row.isNew {
			// The mark survives a cut title, and is bold.
			keep := runeLen(cols[0]) - runeLen(mark)
			if keep < runeLen(row.title) {
				cols[0] = firstRunes(row.title, keep-1) + "…"
			} else {
				cols[0] = row.title
			}
			cols[0] += " " + p.paint(ansiBold, "[new]")
		}
		out := make([]string, 0, 3)
		for i, c := range cols {
			if c == "" {
				continue
			}
			if i > 0 {
				c = p.paint(ansiDim, c)
			}
			out = append(out, c)
		}
		p.line(strings.TrimRight(line+strings.Join(out, "  "), " "))
	}
}

// findingRow is the one-line form of a finding.
func (p *tablePrinter) findingRow(f finding.Finding) listRow {
	prio, _ := priorityOf(p.r, f)
	row := listRow{
		sev: f.Severity, prio: prio, id: clean(f.CheckID),
		title: clean(f.Title), loc: clean(locationString(f.Location)),
		isNew: baselineOf(p.r, f) == "new",
	}
	res := shortResource(f.Resource)
	if v := f.Vulnerability; v != nil {
		row.title = clean(v.Package + " " + v.InstalledVersion + ": " + v.ID)
		if v.Summary != "" {
			row.title += " " + clean(v.Summary)
		}
		if strings.HasPrefix(f.Resource.Name, v.Package) {
			res = ""
		}
	}
	switch {
	case f.Resource.Name != "" && f.Location.Path != "" && strings.HasPrefix(f.Resource.Name, f.Location.Path):
		res = "" // a file resource says no more than its location
	case f.Location.Path == "" && res != "":
		row.loc = "" // an object's path says no more than its resource
	}
	row.resource = clean(res)
	return row
}

// groupRow is the one-line form of a package's vulnerabilities.
func (p *tablePrinter) groupRow(g *vulnGroup) listRow {
	prio, _ := g.bestPriority(p.r)
	row := listRow{
		sev: g.worst(), prio: prio, id: clean(g.first.CheckID),
		title: clean(fmt.Sprintf("%s %s: %d vulnerabilities %s", g.vuln().Package, g.vuln().InstalledVersion, len(g.findings), g.fixArrow())),
		loc:   clean(locationString(g.first.Location)),
		isNew: g.anyNew(p.r),
	}
	if !strings.HasPrefix(g.first.Resource.Name, g.vuln().Package) {
		row.resource = clean(shortResource(g.first.Resource))
	}
	return row
}

// layerSummary closes the list with one line per layer: its findings by
// severity and its score.
func (p *tablePrinter) layerSummary(r *Report) {
	p.line("")
	p.line(p.paint(ansiBold, "Summary"))
	groups := groupByLayer(r.Findings)
	w := 0
	for _, g := range groups {
		w = max(w, runeLen(g.layer.String()))
	}
	for _, g := range groups {
		name := g.layer.String()
		p.line("  " + p.paint(ansiBold, name) + strings.Repeat(" ", w-runeLen(name)) + "  " + p.layerCounts(g))
	}
}

// exitReason says why the run exits with a non-zero status, when a gate
// was met.
func (p *tablePrinter) exitReason(r *Report) {
	if r.ExitReason == "" {
		return
	}
	p.line("")
	for _, l := range wrap(clean(r.ExitReason), p.width) {
		p.line(p.paint(ansiBold, l))
	}
}

// sevCell is a severity padded to its column, coloured.
func (p *tablePrinter) sevCell(s finding.Severity) string {
	name := s.String()
	return p.paint(severityColor(s), name) + strings.Repeat(" ", max(severityWidth-runeLen(name), 0))
}

// fitColumns shortens the columns (joined by two spaces) until they fit
// in width runes: the longest is cut first, none below its minimum. Empty
// columns take no space. The first column is cut at its end, the last
// (a location) at its start, so that a file name and line stay visible.
func fitColumns(width int, cols []string, mins []int) []string {
	out := make([]string, len(cols))
	lens := make([]int, len(cols))
	total, n := 0, 0
	for i, c := range cols {
		lens[i] = runeLen(c)
		if lens[i] > 0 {
			total += lens[i]
			n++
		}
	}
	if n > 1 {
		total += 2 * (n - 1)
	}
	floor := mins
	for total > width {
		longest := -1
		for i, l := range lens {
			if l > floor[i] && (longest < 0 || l-floor[i] > lens[longest]-floor[longest]) {
				longest = i
			}
		}
		if longest < 0 {
			if floor[0] <= relaxedColumn {
				break
			}
			// Still too wide: let every column shrink further.
			floor = slices.Repeat([]int{relaxedColumn}, len(mins))
			floor[0] = 2 * relaxedColumn
			continue
		}
		lens[longest]--
		total--
	}
	for i, c := range cols {
		switch {
		case lens[i] >= runeLen(c):
			out[i] = c
		case i == len(cols)-1 && i > 0:
			out[i] = "…" + lastRunes(c, lens[i]-1)
		default:
			out[i] = firstRunes(c, lens[i]-1) + "…"
		}
	}
	return out
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// padRight pads s with spaces to n runes.
func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(n-runeLen(s), 0))
}

// firstRunes is the first n runes of s.
func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// lastRunes is the last n runes of s.
func lastRunes(s string, n int) string {
	return reverseCut(s, runeLen(s)-n)
}

// reverseCut drops the first k runes of s.
func reverseCut(s string, k int) string {
	for i := range s {
		if k <= 0 {
			return s[i:]
		}
		k--
	}
	return ""
}

// shortResource names a resource for one line: "Deployment/shop/api", or
// the name alone when it already starts with the kind
// ("aws_s3_bucket.logs").
func shortResource(r finding.Resource) string {
	if r.Kind != "" && strings.HasPrefix(r.Name, r.Kind) {
		return r.Name
	}
	return r.String()
}

// hint appends a dim hint to a heading when the line still fits.
func (p *tablePrinter) hint(head, hint string) string {
	plain := head
	if p.color {
		plain = stripSGR(head)
	}
	if runeLen(plain)+runeLen(hint) > p.width {
		return head
	}
	return head + p.paint(ansiDim, hint)
}

// stripSGR removes the colour sequences the printer itself added.
func stripSGR(s string) string {
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
