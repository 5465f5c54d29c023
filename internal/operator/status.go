package operator

import (
	"cmp"
	"encoding/json"
	"slices"
	"unicode/utf8"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Bounds of a report object: beyond maxInline findings or maxInlineBytes
// of them, the findings go to a ConfigMap the report references, and the
// object keeps the counts and the top findings only.
const (
	maxInline      = 500
	maxInlineBytes = 256 << 10
	topFindings    = 10
	// maxText bounds each text field of a finding summary (the CRD
	// schema's maxLength is above it).
	maxText = 1000
)

// findingsKey is the ConfigMap key that holds the findings, as JSON.
const findingsKey = "findings.json"

// counts counts findings by severity.
func counts(fs []finding.Finding) Counts {
	var c Counts
	for _, f := range fs {
		switch f.Severity {
		case finding.SeverityCritical:
			c.Critical++
		case finding.SeverityHigh:
			c.High++
		case finding.SeverityMedium:
			c.Medium++
		case finding.SeverityLow:
			c.Low++
		default:
			c.Other++
		}
	}
	return c
}

// summary turns a finding into a report entry.
func summary(f finding.Finding) FindingSummary {
	return FindingSummary{
		ID:       clip(f.CheckID),
		Title:    clip(f.Title),
		Severity: f.Severity.String(),
		Layer:    layerName(f.Layer),
		Resource: clip(f.Resource.String()),
		Message:  clip(f.Message),
		Fix:      clip(f.Remediation),
	}
}

// layerName is the layer's name, or "" for none.
func layerName(l finding.Layer) string {
	if !l.Valid() {
		return ""
	}
	return l.String()
}

// clip bounds a text field at maxText bytes, on a rune boundary.
func clip(s string) string {
	if len(s) <= maxText {
		return s
	}
	i := maxText
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// worstFirst orders findings by severity (worst first), then ID and
// resource, so that reports are deterministic.
func worstFirst(fs []finding.Finding) []finding.Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b finding.Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.CheckID, b.CheckID),
			cmp.Compare(a.Resource.String(), b.Resource.String()), cmp.Compare(a.Message, b.Message))
	})
	return out
}

// built is a report status and, when the findings do not fit in the
// object, the JSON for the ConfigMap that holds them.
type built struct {
	status   ReportStatus
	overflow []byte
}

// buildStatus summarises findings into a report status: counts, the top
// findings, every finding inline when they fit (see maxInline), and a
// digest of them all. score is the posture score to report.
func buildStatus(fs []finding.Finding, score int) built {
	sorted := worstFirst(fs)
	all := make([]FindingSummary, len(sorted))
	for i, f := range sorted {
		all[i] = summary(f)
	}
	data, _ := json.Marshal(all) // plain strings: never fails
	st := ReportStatus{Counts: counts(fs), Score: score, Total: len(fs)}
	top := all[:min(topFindings, len(all)):min(topFindings, len(all))]
	if len(all) <= maxInline && len(data) <= maxInlineBytes {
		st.Findings, st.TopFindings = all, top
		return built{status: st}
	}
	// A copy, so that the long list is not kept alive by its head.
	st.TopFindings = slices.Clone(top)
	return built{status: st, overflow: data}
}
