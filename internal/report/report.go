// Package report renders a scan's results in the formats users and tools
// read: table, json, sarif, markdown, html, junit, gitlab. One
// Writer per format; the package imports the shared vocabulary, never the CLI.
package report

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/fourc-dev/fourc/internal/baseline"
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/ignore"
	"github.com/fourc-dev/fourc/internal/posture"
)

// SchemaVersion is the version of fourc's JSON report schema
// (docs/json-schema.md). It changes only when a field changes meaning or is
// removed; adding fields keeps it.
const SchemaVersion = "1"

// Report is everything a writer needs, independent of how it was produced.
type Report struct {
	// Tool and Version name the producer.
	Tool    string
	Version string
	// Target is what was scanned, as the user named it.
	Target string
	// Environment is the platform, Kubernetes version and CIS benchmark
	// version a scan detected and used; zero when it learned none.
	// Every writer shows it when set.
	Environment finding.Environment
	// GeneratedAt is injected so that output is reproducible in tests.
	GeneratedAt time.Time
	// Findings are the reported findings, already filtered and sorted.
	Findings []finding.Finding
	// Suppressed are findings an ignore entry or inline comment silenced.
	Suppressed []Suppressed
	// Skipped are inputs the scan could not use.
	Skipped []finding.Skipped
	// Notices are one-line messages the user should see (expired or unused
	// ignore entries, a stale vulnerability database).
	Notices []string
	// Checks is the catalogue of checks, used for rule metadata (SARIF).
	Checks []check.Meta
	// Posture is the cross-layer analysis of the findings (scores, attack
	// paths, priorities, defence in depth); nil when it was not computed.
	// Writers show it when set and are unchanged otherwise.
	Posture *posture.Result
	// Baseline compares the findings with a previous report (--baseline);
	// nil without one. BaselinePath names that report for the reader.
	Baseline     *baseline.Diff
	BaselinePath string
	// IgnoreUses counts the findings each entry of the ignore file
	// suppressed; nil without an ignore file.
	IgnoreUses []ignore.EntryUse
	// ExitReason says why the run exits with a non-zero status ("exit 1:
	// 3 findings at or above HIGH (--fail-on high)"); empty when it
	// succeeds. The table writer ends with it.
	ExitReason string
	// Files is the scanned file tree that findings' paths are relative
	// to, confined to the scan root; nil for targets that are not file
	// trees. The HTML writer reads its source snippets from it and from
	// nothing else.
	Files fs.FS
}

// Suppressed is a finding that was silenced, and by what.
type Suppressed = finding.Suppressed

// errNilReport is returned by every writer given a nil report.
var errNilReport = errors.New("report: nil report")

// Writer renders a report in one format.
type Writer interface {
	Write(w io.Writer, r *Report) error
}

// WriterFunc adapts a function to Writer.
type WriterFunc func(w io.Writer, r *Report) error

// Write calls f.
func (f WriterFunc) Write(w io.Writer, r *Report) error { return f(w, r) }

// Options tune writers that have choices.
type Options struct {
	// Color enables ANSI colour in the table writer (only for terminals).
	Color bool
	// VulnDetail makes the table and Markdown writers list every
	// vulnerability advisory as its own finding instead of one block per
	// vulnerable package. JSON and SARIF always list every advisory.
	VulnDetail bool
	// Detail makes the table writer print every finding and attack path
	// as a full block instead of one line.
	Detail bool
	// Width is the terminal width the table writer fits its lines to; 0
	// means 100 columns.
	Width int
}

// Formats lists the supported format names.
func Formats() []string {
	names := make([]string, 0, len(writers))
	for n := range writers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

var writers = map[string]func(Options) Writer{
	"table": func(o Options) Writer {
		return &Table{Color: o.Color, VulnDetail: o.VulnDetail, Detail: o.Detail, Width: o.Width}
	},
	"json":     func(Options) Writer { return WriterFunc(WriteJSON) },
	"sarif":    func(Options) Writer { return WriterFunc(WriteSARIF) },
	"markdown": func(o Options) Writer { return &Markdown{VulnDetail: o.VulnDetail} },
	"html":     func(Options) Writer { return WriterFunc(WriteHTML) },
	"junit":    func(Options) Writer { return WriterFunc(WriteJUnit) },
	"gitlab":   func(Options) Writer { return WriterFunc(WriteGitLab) },
}

// New returns the writer for a format name.
func New(format string, o Options) (Writer, error) {
	mk, ok := writers[strings.ToLower(format)]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats(), ", "))
	}
	return mk(o), nil
}
