package report

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/ignore"
)

// jsonDocument is the document WriteJSON emits, with findings of type F;
// docs/json-schema.md describes every field. Field order here is the order
// in the output.
type jsonDocument[F any] struct {
	SchemaVersion string `json:"schema_version"`
	Tool          string `json:"tool"`
	Version       string `json:"version"`
	Target        string `json:"target"`
	GeneratedAt   string `json:"generated_at"`
	// Environment is present only when the scan learned it.
	Environment *finding.Environment `json:"environment,omitempty"`
	Summary     jsonSummary          `json:"summary"`
	Findings    []F                  `json:"findings"`
	Suppressed  []Suppressed         `json:"suppressed"`
	Skipped     []finding.Skipped    `json:"skipped"`
	Notices     []string             `json:"notices"`
	// IgnoreEntries is present only when an ignore file was applied.
	IgnoreEntries []ignore.EntryUse `json:"ignore_entries,omitempty"`
	// Posture and Baseline are present only when computed.
	Posture  *jsonPosture  `json:"posture,omitempty"`
	Baseline *jsonBaseline `json:"baseline,omitempty"`
}

// jsonReport is the document as a reader decodes it: plain findings.
type jsonReport = jsonDocument[finding.Finding]

// jsonFinding is a finding with what the posture analysis and the
// baseline add to it; the additions are omitted when not computed, so
// the finding reads exactly as the shared type encodes it.
type jsonFinding struct {
	finding.Finding
	Priority       string `json:"priority,omitempty"`
	PriorityReason string `json:"priority_reason,omitempty"`
	Baseline       string `json:"baseline,omitempty"`
}

// jsonSummary counts the reported findings; suppressed findings and skipped
// inputs are counted apart.
type jsonSummary struct {
	Total      int            `json:"total"`
	Severities severityCounts `json:"severities"`
	Layers     layerCounts    `json:"layers"`
	Suppressed int            `json:"suppressed"`
	Skipped    int            `json:"skipped"`
}

// layerCounts has one entry per layer, keyed by the layer's name as it
// appears in a finding's "layer" field.
type layerCounts struct {
	Code      layerCount `json:"Code"`
	Container layerCount `json:"Container"`
	Cluster   layerCount `json:"Cluster"`
	Cloud     layerCount `json:"Cloud"`
}

type layerCount struct {
	Total      int            `json:"total"`
	Severities severityCounts `json:"severities"`
}

// severityCounts has one entry per severity, keyed by the severity's name
// as it appears in a finding's "severity" field, worst first.
type severityCounts struct {
	Critical int `json:"CRITICAL"`
	High     int `json:"HIGH"`
	Medium   int `json:"MEDIUM"`
	Low      int `json:"LOW"`
	Info     int `json:"INFO"`
	Unknown  int `json:"UNKNOWN"`
}

func (c *severityCounts) add(s finding.Severity) {
	switch s {
	case finding.SeverityCritical:
		c.Critical++
	case finding.SeverityHigh:
		c.High++
	case finding.SeverityMedium:
		c.Medium++
	case finding.SeverityLow:
		c.Low++
	case finding.SeverityInfo:
		c.Info++
	default:
		c.Unknown++
	}
}

func (c *layerCounts) of(l finding.Layer) *layerCount {
	switch l {
	case finding.LayerCode:
		return &c.Code
	case finding.LayerContainer:
		return &c.Container
	case finding.LayerCluster:
		return &c.Cluster
	case finding.LayerCloud:
		return &c.Cloud
	}
	return nil
}

func summarize(r *Report) jsonSummary {
	s := jsonSummary{
		Total:      len(r.Findings),
		Suppressed: len(r.Suppressed),
		Skipped:    len(r.Skipped),
	}
	for _, f := range r.Findings {
		s.Severities.add(f.Severity)
		if lc := s.Layers.of(f.Layer); lc != nil {
			lc.Total++
			lc.Severities.add(f.Severity)
		}
	}
	return s
}

// nonNil turns a nil slice into an empty one so that it encodes as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// WriteJSON writes r as one JSON document (schema_version [SchemaVersion],
// documented in docs/json-schema.md), indented, followed by a newline.
// Lists are always present, empty rather than null.
func WriteJSON(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	doc := jsonDocument[jsonFinding]{
		SchemaVersion: SchemaVersion,
		Tool:          cmp.Or(r.Tool, "fourc"),
		Version:       r.Version,
		Target:        r.Target,
		GeneratedAt:   r.GeneratedAt.UTC().Format(time.RFC3339),
		Environment:   environment(r),
		Summary:       summarize(r),
		Findings:      []jsonFinding{},
		Suppressed:    nonNil(r.Suppressed),
		Skipped:       nonNil(r.Skipped),
		Notices:       nonNil(r.Notices),
		IgnoreEntries: r.IgnoreUses,
		Posture:       postureJSON(r.Posture),
		Baseline:      baselineJSON(r),
	}
	// The document is encoded with an empty findings list, and the findings
	// are streamed into its place one at a time: a report of 100,000
	// findings never sits in memory as one encoded (and then re-indented)
	// buffer. The bytes are the same as encoding the whole document.
	var head bytes.Buffer
	if err := newJSONEncoder(&head, "").Encode(doc); err != nil {
		return fmt.Errorf("encoding json report: %w", err)
	}
	before, after, ok := bytes.Cut(head.Bytes(), []byte(findingsSlot))
	if !ok {
		return errors.New("encoding json report: no findings slot in the document")
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.Write(before)
	if len(r.Findings) == 0 {
		bw.WriteString(findingsSlot)
	} else {
		bw.WriteString(`"findings": [`)
		var item bytes.Buffer
		enc := newJSONEncoder(&item, "    ")
		for i, f := range r.Findings {
			item.Reset()
			if err := enc.Encode(jsonFindingOf(r, f)); err != nil {
				return fmt.Errorf("encoding json report: %w", err)
			}
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString("\n    ")
			bw.Write(bytes.TrimSuffix(item.Bytes(), []byte("\n")))
		}
		bw.WriteString("\n  ]")
	}
	bw.Write(after)
	return bw.Flush()
}

// jsonFindingOf is f as the JSON report writes it, with its priority and
// baseline status.
func jsonFindingOf(r *Report, f finding.Finding) jsonFinding {
	jf := jsonFinding{Finding: f, Baseline: baselineOf(r, f)}
	jf.Priority, jf.PriorityReason = priorityOf(r, f)
	return jf
}

// findingsSlot is how the empty findings list of the top-level document
// reads once indented; it comes before any other list that could match.
const findingsSlot = `"findings": []`

// newJSONEncoder returns the encoder of every report document: two-space
// indentation after prefix, and no HTML escaping.
func newJSONEncoder(w io.Writer, prefix string) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	return enc
}

// environment returns the report's environment, nil when it is empty.
func environment(r *Report) *finding.Environment {
	if r.Environment.IsZero() {
		return nil
	}
	e := r.Environment
	return &e
}
