package report

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/posture"
)

// tableWidth is the width the table writer fits its lines to when it is
// given none (output that does not go to a terminal).
const tableWidth = 100

// minTableWidth is the narrowest width the table writer honours.
const minTableWidth = 80

// Table writes the human report. By default it is a summary a person can
// skim: the scores, the attack paths, then every finding on one line in
// priority order across layers (P1 of every layer before P2 of any), a
// closing line per layer and the reason for the exit status. With Detail
// it is the full report: findings grouped by layer from the inside out
// (Code, Container, Cluster, Cloud), each as a block with its message,
// fix and priority reason. Text that came from scanned inputs is stripped
// of control characters so that a hostile file name cannot drive the
// terminal.
type Table struct {
	// Color enables ANSI colour; set it only when writing to a terminal.
	Color bool
	// VulnDetail lists every advisory as its own finding instead of one
	// block per vulnerable package.
	VulnDetail bool
	// Detail prints every finding and attack path as a full block.
	Detail bool
	// Width is the terminal width lines are fitted to; 0 means 100.
	Width int
}

// ANSI SGR sequences used by the table writer.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
)

// severityColor is the SGR sequence for each severity.
func severityColor(s finding.Severity) string {
	switch s {
	case finding.SeverityCritical:
		return "\x1b[1;91m" // bold bright red
	case finding.SeverityHigh:
		return "\x1b[31m" // red
	case finding.SeverityMedium:
		return "\x1b[33m" // yellow
	case finding.SeverityLow:
		return "\x1b[36m" // cyan
	case finding.SeverityInfo:
		return "\x1b[34m" // blue
	}
	return "\x1b[2m" // dim
}

// Write renders r as text.
func (t *Table) Write(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	bw := bufio.NewWriter(w)
	width := t.Width
	if width <= 0 {
		width = tableWidth
	}
	width = max(width, minTableWidth)
	p := tablePrinter{w: bw, color: t.Color, r: r, detail: t.VulnDetail, width: width}

	p.header(r)
	if t.Detail {
		p.paths(r)
		p.defence(r)
		for _, g := range groupByLayer(r.Findings) {
			p.layer(g)
		}
	} else {
		p.pathList(r)
		p.defence(r)
		p.findingList(r)
		p.layerSummary(r)
	}
	p.fixed(r)
	p.skipped(r.Skipped)
	p.suppressed(len(r.Suppressed))
	p.ignoreUses(r.IgnoreUses)
	p.notices(r.Notices)
	p.exitReason(r)
	return bw.Flush()
}

// tablePrinter holds the output state of one Table.Write call. Write errors
// are sticky in the bufio.Writer and reported by Flush.
type tablePrinter struct {
	w      *bufio.Writer
	color  bool
	r      *Report
	detail bool
	// width is the terminal width lines are fitted to.
	width int
}

// paint wraps s in an SGR sequence when colour is on.
func (p *tablePrinter) paint(sgr, s string) string {
	if !p.color || s == "" {
		return s
	}
	return sgr + s + ansiReset
}

func (p *tablePrinter) line(s string) {
	p.w.WriteString(s)
	p.w.WriteByte('\n')
}

func (p *tablePrinter) header(r *Report) {
	tool := cmp.Or(r.Tool, "fourc")
	title := tool
	if r.Version != "" {
		title += " " + r.Version
	}
	if r.Target != "" {
		title += " · " + clean(r.Target)
	}
	p.line(p.paint(ansiBold, title))
	p.line(fmt.Sprintf("%s · %s · %s",
		plural(len(r.Findings), "finding", "findings"),
		plural(len(r.Suppressed), "suppressed", "suppressed"),
		plural(len(r.Skipped), "skipped input", "skipped inputs")))
	if !r.Environment.IsZero() {
		for _, l := range wrap(clean(r.Environment.String()), p.width) {
			p.line(l)
		}
	}
	if r.Posture != nil {
		parts := []string{"posture score " + p.paint(ansiBold, scoreText(r.Posture.Overall()))}
		for _, l := range finding.Layers() {
			parts = append(parts, l.String()+" "+scoreText(r.Posture.LayerScore(l)))
		}
		p.line(strings.Join(parts, " · "))
	}
	if r.Baseline != nil {
		what := "baseline"
		if r.BaselinePath != "" {
			what += " " + clean(r.BaselinePath)
		}
		p.line(what + ": " + r.Baseline.Summary())
	}
}

// layer prints one layer's heading and its findings.
func (p *tablePrinter) layer(g layerGroup) {
	p.line("")
	p.line(p.paint(ansiBold, g.layer.String()) + "  " + p.layerCounts(g))

	for _, it := range groupVulns(g.findings, p.detail) {
		if it.group != nil {
			p.vulnGroup(it.group)
		} else {
			p.finding(*it.f)
		}
	}
}

// layerCounts summarises a layer: its findings by severity and its score.
func (p *tablePrinter) layerCounts(g layerGroup) string {
	counts := map[finding.Severity]int{}
	for _, f := range g.findings {
		counts[f.Severity]++
	}
	var parts []string
	for _, s := range worstFirst() {
		if n := counts[s]; n > 0 {
			parts = append(parts, p.paint(severityColor(s), strconv.Itoa(n)+" "+strings.ToLower(s.String())))
		}
	}
	summary := "no findings"
	if len(parts) > 0 {
		summary = strings.Join(parts, " · ")
	} else {
		summary = p.paint(ansiDim, summary)
	}
	if p.r.Posture != nil && g.layer.Valid() {
		summary += p.paint(ansiDim, " · score "+scoreText(p.r.Posture.LayerScore(g.layer)))
	}
	return summary
}

// vulnGroup prints the vulnerabilities of one package as one block: the
// worst severity and most urgent priority, the upgrade that fixes them
// all, and the advisory IDs by severity.
func (p *tablePrinter) vulnGroup(g *vulnGroup) {
	pad := strings.Repeat(" ", findingIndent)
	worst := g.worst()
	sev := worst.String()
	sevCell := p.paint(severityColor(worst), sev) + strings.Repeat(" ", max(severityWidth-len(sev), 0))
	prio, reason := g.bestPriority(p.r)
	if prio != "" {
		sevCell += "  " + p.paint(ansiBold, prio)
	}
	v := g.vuln()
	title := clean(fmt.Sprintf("%s: %d vulnerabilities", v.Package, len(g.findings)))
	if g.anyNew(p.r) {
		title += "  " + p.paint(ansiBold, "[new]")
	}
	p.line("  " + sevCell + "  " + p.paint(ansiBold, clean(g.first.CheckID)) + "  " + title)
	if loc := locationString(g.first.Location); loc != "" {
		p.line(pad + p.paint(ansiDim, "location ") + clean(loc))
	}
	p.line(pad + p.paint(ansiDim, "upgrade ") + clean(v.InstalledVersion+" "+g.fixArrow()))
	for _, l := range wrap(clean(g.ids()), p.width-findingIndent) {
		p.line(pad + l)
	}
	for i, l := range wrap("fix: "+clean(g.remediation()), p.width-findingIndent) {
		if i == 0 {
			l = p.paint(ansiDim, "fix:") + strings.TrimPrefix(l, "fix:")
		}
		p.line(pad + l)
	}
	if reason != "" {
		for i, l := range wrap("why "+prio+": "+clean(reason), p.width-findingIndent) {
			if i == 0 {
				l = p.paint(ansiDim, "why "+prio+":") + strings.TrimPrefix(l, "why "+prio+":")
			}
			p.line(pad + l)
		}
	}
}

// Column layout of a finding: "  SEVERITY  rest", the rest indented to
// findingIndent on continuation lines.
const (
	severityWidth = len("CRITICAL")
	findingIndent = 2 + severityWidth + 2
)

func (p *tablePrinter) finding(f finding.Finding) {
	pad := strings.Repeat(" ", findingIndent)
	sev := f.Severity.String()
	sevCell := p.paint(severityColor(f.Severity), sev) + strings.Repeat(" ", max(severityWidth-len(sev), 0))
	prio, reason := priorityOf(p.r, f)
	if prio != "" {
		sevCell += "  " + p.paint(ansiBold, prio)
	}
	title := clean(f.Title)
	if status := baselineOf(p.r, f); status == "new" {
		title += "  " + p.paint(ansiBold, "[new]")
	}
	p.line("  " + sevCell + "  " + p.paint(ansiBold, clean(f.CheckID)) + "  " + title)

	if res := f.Resource.String(); res != "" {
		p.line(pad + p.paint(ansiDim, "resource ") + clean(res))
	}
	if loc := locationString(f.Location); loc != "" {
		p.line(pad + p.paint(ansiDim, "location ") + clean(loc))
	}
	if f.Message != "" && f.Message != f.Title {
		for _, l := range wrap(clean(f.Message), p.width-findingIndent) {
			p.line(pad + l)
		}
	}
	if f.Remediation != "" {
		for i, l := range wrap("fix: "+clean(f.Remediation), p.width-findingIndent) {
			if i == 0 {
				l = p.paint(ansiDim, "fix:") + strings.TrimPrefix(l, "fix:")
			}
			p.line(pad + l)
		}
	}
	if reason != "" {
		for i, l := range wrap("why "+prio+": "+clean(reason), p.width-findingIndent) {
			if i == 0 {
				l = p.paint(ansiDim, "why "+prio+":") + strings.TrimPrefix(l, "why "+prio+":")
			}
			p.line(pad + l)
		}
	}
}

// scoreText formats a posture score, "n/a" for a layer not assessed.
func scoreText(s posture.Score) string {
	if !s.Assessed {
		return "n/a"
	}
	return strconv.Itoa(s.Score)
}

// pathsHeading prints the blank line before the attack paths and, when
// there are none, says so; otherwise it returns their heading ("Attack
// paths  7 paths (4 critical)") for the caller to print with its hint.
func (p *tablePrinter) pathsHeading(ps []posture.Path) (string, bool) {
	p.line("")
	if len(ps) == 0 {
		p.line(p.paint(ansiBold, "Attack paths") + "  " + p.paint(ansiDim, "none found"))
		return "", false
	}
	crit := 0
	for _, pa := range ps {
		if pa.Severity == finding.SeverityCritical {
			crit++
		}
	}
	head := plural(len(ps), "path", "paths")
	if crit > 0 {
		head += fmt.Sprintf(" (%d critical)", crit)
	}
	return p.paint(ansiBold, "Attack paths") + "  " + head, true
}

// paths prints the attack paths, each as its chain of steps.
func (p *tablePrinter) paths(r *Report) {
	if r.Posture == nil {
		return
	}
	ps := r.Posture.Paths
	head, ok := p.pathsHeading(ps)
	if !ok {
		return
	}
	p.line(head)
	pad := strings.Repeat(" ", findingIndent)
	for _, pa := range ps {
		sev := pa.Severity.String()
		sevCell := p.paint(severityColor(pa.Severity), sev) + strings.Repeat(" ", max(severityWidth-len(sev), 0))
		layers := make([]string, len(pa.Layers))
		for i, l := range pa.Layers {
			layers[i] = layerName(l)
		}
		p.line("  " + sevCell + "  " + p.paint(ansiBold, clean(pa.Rule)) + "  " + clean(pa.Title) + p.paint(ansiDim, "  ["+strings.Join(layers, " → ")+"]"))
		for _, l := range wrap(clean(pa.Summary), p.width-findingIndent) {
			p.line(pad + l)
		}
		for i, st := range pa.Steps {
			text := fmt.Sprintf("%d. %s %s (%s): %s", i+1, st.Kind, st.Name, layerName(st.Layer), st.Text)
			if ids := stepChecks(st); ids != "" {
				text += " [" + ids + "]"
			}
			for j, l := range wrap(clean(text), p.width-findingIndent-3) {
				if j == 0 {
					p.line(pad + l)
				} else {
					p.line(pad + "   " + l)
				}
			}
		}
		if pa.Remediation != "" {
			for i, l := range wrap("fix: "+clean(pa.Remediation), p.width-findingIndent) {
				if i == 0 {
					l = p.paint(ansiDim, "fix:") + strings.TrimPrefix(l, "fix:")
				}
				p.line(pad + l)
			}
		}
	}
}

// stepChecks lists the checks of a step's findings once each, with a count
// when one repeats: "FC-K8S-101, FC-VULN-001 ×10".
func stepChecks(st posture.Step) string {
	var ids []string
	count := map[string]int{}
	for _, f := range st.Findings {
		if count[f.CheckID] == 0 {
			ids = append(ids, f.CheckID)
		}
		count[f.CheckID]++
	}
	for i, id := range ids {
		if count[id] > 1 {
			ids[i] = fmt.Sprintf("%s ×%d", id, count[id])
		}
	}
	return strings.Join(ids, ", ")
}

// defence prints one line per workload: which layers protect it.
func (p *tablePrinter) defence(r *Report) {
	if r.Posture == nil || len(r.Posture.Workloads) == 0 {
		return
	}
	p.line("")
	p.line(p.paint(ansiBold, "Defence in depth") + "  " + p.paint(ansiDim, "per workload: which layers protect it"))
	for _, w := range r.Posture.Workloads {
		what := w.Kind
		if w.Exposed {
			what += ", exposed to the internet"
		}
		var states []string
		for _, l := range w.Layers {
			st := l.State
			switch st {
			case posture.Open:
				st = p.paint(severityColor(finding.SeverityHigh), st)
			case posture.Unknown:
				st = p.paint(ansiDim, st)
			}
			states = append(states, layerName(l.Layer)+" "+st)
		}
		name := "  " + p.paint(ansiBold, clean(w.Name)) + " (" + what + ")"
		plainStates := make([]string, len(w.Layers))
		for i, l := range w.Layers {
			plainStates[i] = layerName(l.Layer) + " " + l.State
		}
		if runeLen("  "+clean(w.Name)+" ("+what+")  "+strings.Join(plainStates, " · ")) <= p.width {
			p.line(name + "  " + strings.Join(states, " · "))
			continue
		}
		p.line(name)
		p.line(strings.Repeat(" ", findingIndent) + strings.Join(states, " · "))
	}
}

// fixed prints the findings the baseline had and this scan no longer has.
func (p *tablePrinter) fixed(r *Report) {
	if r.Baseline == nil || len(r.Baseline.Fixed) == 0 {
		return
	}
	p.line("")
	p.line(p.paint(ansiBold, "Fixed since the baseline") + "  " + plural(len(r.Baseline.Fixed), "finding", "findings"))
	for _, f := range r.Baseline.Fixed {
		sev := f.Severity.String()
		line := "  " + sev + strings.Repeat(" ", max(severityWidth-len(sev), 0)) + "  " + clean(f.CheckID) + "  " + clean(f.Resource.String())
		if loc := locationString(f.Location); loc != "" {
			line += "  " + clean(loc)
		}
		p.line(line)
	}
}

func (p *tablePrinter) skipped(sk []finding.Skipped) {
	if len(sk) == 0 {
		return
	}
	p.line("")
	p.line(p.paint(ansiBold, "Skipped") + "  " + plural(len(sk), "input", "inputs"))
	for _, s := range sk {
		head := "  " + clean(s.Path)
		if s.Scanner != "" {
			head += " (" + clean(s.Scanner) + ")"
		}
		p.line(head)
		for _, l := range wrap(clean(s.Reason), p.width-4) {
			p.line("    " + l)
		}
	}
}

func (p *tablePrinter) suppressed(n int) {
	p.line("")
	switch n {
	case 0:
		p.line("No findings were suppressed.")
	case 1:
		p.line("1 finding was suppressed by an ignore entry or inline comment.")
	default:
		p.line(strconv.Itoa(n) + " findings were suppressed by ignore entries or inline comments.")
	}
}

func (p *tablePrinter) notices(ns []string) {
	if len(ns) == 0 {
		return
	}
	p.line("")
	p.line(p.paint(ansiBold, "Notices"))
	for _, n := range ns {
		for i, l := range wrap(clean(n), p.width-4) {
			prefix := "    "
			if i == 0 {
				prefix = "  - "
			}
			p.line(prefix + l)
		}
	}
}

// layerGroup is the findings of one layer, in input order.
type layerGroup struct {
	layer    finding.Layer
	findings []finding.Finding
}

// groupByLayer returns one group per layer, from the inside out, followed by
// a group per invalid layer value (a bug elsewhere, but never dropped).
func groupByLayer(fs []finding.Finding) []layerGroup {
	groups := make([]layerGroup, 0, 4)
	index := map[finding.Layer]int{}
	for _, l := range finding.Layers() {
		index[l] = len(groups)
		groups = append(groups, layerGroup{layer: l})
	}
	for _, f := range fs {
		i, ok := index[f.Layer]
		if !ok {
			i = len(groups)
			index[f.Layer] = i
			groups = append(groups, layerGroup{layer: f.Layer})
		}
		groups[i].findings = append(groups[i].findings, f)
	}
	return groups
}

// worstFirst lists the severities from CRITICAL down to UNKNOWN.
func worstFirst() []finding.Severity {
	all := finding.Severities()
	out := make([]finding.Severity, len(all))
	for i, s := range all {
		out[len(all)-1-i] = s
	}
	return out
}

// locationString formats a location as "path:start-end" when it spans
// several lines, else as [finding.Location.String] does.
func locationString(l finding.Location) string {
	if l.Path == "" || l.StartLine <= 0 || l.EndLine <= l.StartLine {
		return l.String()
	}
	s := l.Path + ":" + strconv.Itoa(l.StartLine) + "-" + strconv.Itoa(l.EndLine)
	if l.Object != "" {
		s += " " + l.Object
	}
	return s
}

// plural formats "1 finding" or "3 findings".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// clean makes text from scanned inputs safe to print on a terminal: control
// characters (including ESC, so no ANSI sequence gets through) and invalid
// UTF-8 are shown escaped, the way Go quotes them.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wrap breaks s into lines of at most width runes at spaces. A word longer
// than width stays whole on its own line.
func wrap(s string, width int) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return nil
	}
	var lines []string
	cur := words[0]
	n := utf8.RuneCountInString(cur)
	for _, w := range words[1:] {
		wn := utf8.RuneCountInString(w)
		if n+1+wn > width {
			lines = append(lines, cur)
			cur, n = w, wn
			continue
		}
		cur += " " + w
		n += 1 + wn
	}
	return append(lines, cur)
}
