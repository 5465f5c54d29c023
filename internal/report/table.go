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
)

// tableWidth is the terminal width the table writer wraps prose to.
const tableWidth = 100

// Table writes the human report: findings grouped by layer from the inside
// out (Code, Container, Cluster, Cloud), each layer headed by a one-line
// summary, then skipped inputs, the number of suppressed findings and
// notices. Text that came from scanned inputs is stripped of control
// characters so that a hostile file name cannot drive the terminal.
type Table struct {
	// Color enables ANSI colour; set it only when writing to a terminal.
	Color bool
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
	p := tablePrinter{w: bw, color: t.Color}

	p.header(r)
	for _, g := range groupByLayer(r.Findings) {
		p.layer(g)
	}
	p.skipped(r.Skipped)
	p.suppressed(len(r.Suppressed))
	p.notices(r.Notices)
	return bw.Flush()
}

// tablePrinter holds the output state of one Table.Write call. Write errors
// are sticky in the bufio.Writer and reported by Flush.
type tablePrinter struct {
	w     *bufio.Writer
	color bool
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
}

// layer prints one layer's heading and its findings.
func (p *tablePrinter) layer(g layerGroup) {
	p.line("")
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
	p.line(p.paint(ansiBold, g.layer.String()) + "  " + summary)

	for _, f := range g.findings {
		p.finding(f)
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
	p.line("  " + sevCell + "  " + p.paint(ansiBold, clean(f.CheckID)) + "  " + clean(f.Title))

	if res := f.Resource.String(); res != "" {
		p.line(pad + p.paint(ansiDim, "resource ") + clean(res))
	}
	if loc := locationString(f.Location); loc != "" {
		p.line(pad + p.paint(ansiDim, "location ") + clean(loc))
	}
	if f.Message != "" && f.Message != f.Title {
		for _, l := range wrap(clean(f.Message), tableWidth-findingIndent) {
			p.line(pad + l)
		}
	}
	if f.Remediation != "" {
		for i, l := range wrap("fix: "+clean(f.Remediation), tableWidth-findingIndent) {
			if i == 0 {
				l = p.paint(ansiDim, "fix:") + strings.TrimPrefix(l, "fix:")
			}
			p.line(pad + l)
		}
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
		for _, l := range wrap(clean(s.Reason), tableWidth-4) {
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
		for i, l := range wrap(clean(n), tableWidth-4) {
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
