package pipeline

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/baseline"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/report"
)

// gate decides the run's status from the report before it is written, so
// that the report can say why the run fails: the reason as one line
// ("exit 1: 3 findings at or above HIGH (--fail-on high)"), empty when the
// run succeeds; and the status: nil, [ErrFindings] when a gate is met, a
// [SkippedError] under --fail-on-skipped.
func (p *Plan) gate(rep *report.Report, diff *baseline.Diff) (reason string, status error) {
	switch {
	case p.opts.FailOnSkipped && len(rep.Skipped) > 0:
		return fmt.Sprintf("exit 1: %s (--fail-on-skipped)", countOf(len(rep.Skipped), "input skipped", "inputs skipped")), SkippedError{len(rep.Skipped)}
	case p.failOn != nil && finding.AtLeast(rep.Findings, *p.failOn):
		n := countAtLeast(rep.Findings, *p.failOn)
		return fmt.Sprintf("exit 1: %s at or above %s (--fail-on %s)", countOf(n, "finding", "findings"), *p.failOn, strings.ToLower(p.failOn.String())), ErrFindings
	case p.failOnNew != nil && diff != nil && diff.NewAtLeast(*p.failOnNew):
		n := countAtLeast(diff.New, *p.failOnNew)
		return fmt.Sprintf("exit 1: %s at or above %s (--fail-on-new %s)", countOf(n, "new finding", "new findings"), *p.failOnNew, strings.ToLower(p.failOnNew.String())), ErrFindings
	}
	return "", nil
}

func countAtLeast(fs []finding.Finding, min finding.Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity >= min {
			n++
		}
	}
	return n
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
