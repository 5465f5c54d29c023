package pipeline

import (
	"time"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/ignore"
)

// Stream filters findings reported as they happen (`fourc k8s audit
// --follow`), where no report is written at the end: the ignore file and
// --severity apply to each batch, and gate is true when a kept finding
// meets --fail-on.
func (p *Plan) Stream(fs []finding.Finding, now time.Time) (kept []finding.Finding, gate bool) {
	for _, f := range ignore.Apply(fs, p.ignore.file, nil, now).Kept {
		if !p.keep(f.Severity) {
			continue
		}
		kept = append(kept, f)
		if p.failOn != nil && f.Severity >= *p.failOn {
			gate = true
		}
	}
	return kept, gate
}
