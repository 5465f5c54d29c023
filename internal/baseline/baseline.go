// Package baseline compares a scan with a previous one: which findings are
// new, which were fixed and which are unchanged. The previous scan is a
// fourc JSON report (`--format json`), so a pipeline keeps the report of
// its main branch and passes it with `--baseline` on pull requests.
//
// Findings are matched by fingerprint: the check, the resource, the file
// (or object) and a detail the check chooses, never the line, so a finding
// keeps its identity when unrelated lines move.
package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Status is a finding's state relative to the baseline.
type Status string

// The three states.
const (
	New       Status = "new"
	Unchanged Status = "unchanged"
	Fixed     Status = "fixed"
)

// maxReport bounds the size of a baseline report read from disk.
const maxReport = 512 << 20

// report is the part of a fourc JSON report a baseline needs.
type report struct {
	SchemaVersion *string              `json:"schema_version"`
	Findings      []finding.Finding    `json:"findings"`
	Suppressed    []finding.Suppressed `json:"suppressed"`
}

// Baseline is the findings of a previous scan.
type Baseline struct {
	// Path is the file it was read from, for messages.
	Path string
	// Findings are the previous report's findings, and the findings it
	// had suppressed: a finding that was known then (even if silenced) is
	// not new now.
	Findings []finding.Finding
}

// Load reads a baseline from a fourc JSON report on disk.
func Load(path string) (*Baseline, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading baseline: %w", err)
	}
	if st.Size() > maxReport {
		return nil, fmt.Errorf("reading baseline %q: %d bytes is more than a report can be (%d)", path, st.Size(), maxReport)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading baseline: %w", err)
	}
	b, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("baseline %q: %w", path, err)
	}
	b.Path = path
	return b, nil
}

// Parse reads a baseline from the bytes of a fourc JSON report.
func Parse(data []byte) (*Baseline, error) {
	var r report
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not a fourc JSON report: %w", err)
	}
	if r.SchemaVersion == nil {
		return nil, errors.New("not a fourc JSON report: no schema_version (write it with --format json)")
	}
	if *r.SchemaVersion != "1" {
		return nil, fmt.Errorf("report schema_version %q is not supported (want 1)", *r.SchemaVersion)
	}
	b := &Baseline{Findings: r.Findings}
	for _, s := range r.Suppressed {
		b.Findings = append(b.Findings, s.Finding)
	}
	return b, nil
}

// Diff is the comparison of a scan with its baseline.
type Diff struct {
	// New are current findings the baseline does not have.
	New []finding.Finding
	// Unchanged are current findings the baseline has too.
	Unchanged []finding.Finding
	// Fixed are baseline findings the scan no longer reports.
	Fixed []finding.Finding

	keys map[string]Status
}

// key identifies a finding across scans; the message tells apart findings
// that share a fingerprint (several hits of one check on one resource
// whose check gives no discriminator).
func key(f finding.Finding) string {
	return fingerprint(f) + "\x00" + f.Message
}

// fingerprint is the finding's fingerprint, computed the way the engine
// does when a report lacks one.
func fingerprint(f finding.Finding) string {
	if f.Fingerprint != "" {
		return f.Fingerprint
	}
	return f.ComputeFingerprint("")
}

// Compare matches the current findings against the baseline: first on
// fingerprint and message, then on fingerprint alone (a message that now
// names a new line or count), each previous finding matching at most one
// current finding. Nil b means no baseline: everything is new.
func Compare(b *Baseline, current []finding.Finding) Diff {
	var prev []finding.Finding
	if b != nil {
		prev = b.Findings
	}
	used := make([]bool, len(prev))
	matched := make([]bool, len(current))
	byKey := map[string][]int{}
	byFP := map[string][]int{}
	for i, f := range prev {
		byKey[key(f)] = append(byKey[key(f)], i)
		byFP[fingerprint(f)] = append(byFP[fingerprint(f)], i)
	}
	take := func(idx []int) bool {
		for _, i := range idx {
			if !used[i] {
				used[i] = true
				return true
			}
		}
		return false
	}
	for i, f := range current {
		matched[i] = take(byKey[key(f)])
	}
	for i, f := range current {
		if !matched[i] {
			matched[i] = take(byFP[fingerprint(f)])
		}
	}
	d := Diff{keys: map[string]Status{}}
	for i, f := range current {
		s := New
		if matched[i] {
			s = Unchanged
			d.Unchanged = append(d.Unchanged, f)
		} else {
			d.New = append(d.New, f)
		}
		// A key shared by a new and an unchanged finding reads as new.
		if d.keys[key(f)] != New {
			d.keys[key(f)] = s
		}
	}
	for i, f := range prev {
		if !used[i] {
			d.Fixed = append(d.Fixed, f)
		}
	}
	finding.Sort(d.Fixed)
	return d
}

// StatusOf returns a current finding's status: New or Unchanged, or ""
// for a finding Compare was not given.
func (d *Diff) StatusOf(f finding.Finding) Status {
	if d == nil {
		return ""
	}
	return d.keys[key(f)]
}

// NewAtLeast reports whether a new finding has severity min or higher:
// the condition of `--fail-on-new` (with min = the --fail-on severity, or
// UNKNOWN to fail on any new finding).
func (d *Diff) NewAtLeast(min finding.Severity) bool {
	return d != nil && finding.AtLeast(d.New, min)
}

// Summary formats the counts, e.g. "3 new, 1 fixed, 40 unchanged".
func (d *Diff) Summary() string {
	if d == nil {
		return ""
	}
	return fmt.Sprintf("%d new, %d fixed, %d unchanged", len(d.New), len(d.Fixed), len(d.Unchanged))
}
