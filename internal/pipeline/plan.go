// Package pipeline is what every scanning command does around its scan.
// First [NewPlan] parses and validates every report option — format,
// order, severity filter, gates, posture rules, baseline and ignore file —
// so that a mistake fails the run in milliseconds, before any scanning.
// Then [Plan.Publish] turns what the scan found into the report: ignore
// file and inline suppressions, cross-layer analysis (of every finding not
// suppressed), severity filter, baseline comparison, the report itself and
// the exit status.
package pipeline

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/baseline"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/posture"
	"github.com/fourc-dev/fourc/internal/report"
)

// Options are the report options of one run, as the flags and fourc.yaml
// set them. Every field is optional.
type Options struct {
	// Format is a report format (report.Formats); empty means table.
	Format string
	// Output is the report file; empty or "-" means stdout.
	Output string
	// Severity keeps a minimum ("high") or a list ("HIGH,CRITICAL").
	Severity string
	// FailOn fails the run on a reported finding at this severity or higher.
	FailOn string
	// IgnoreFile is the suppressions file; empty means ignore.DefaultFile
	// at the scan root when present. UserIgnoreFile says the user named it
	// on the command line: any problem with it is then a usage error, not
	// a skipped input.
	IgnoreFile     string
	UserIgnoreFile bool
	// IgnorePolicy is "default" or "strict" (no wildcard IDs in the
	// repository's own ignore file).
	IgnorePolicy string
	// Sort is "priority" (the default) or "severity".
	Sort string
	// Baseline is a previous JSON report; FailOnNew fails the run on a new
	// finding at this severity or higher.
	Baseline  string
	FailOnNew string
	// FailOnSkipped fails the run when an input was skipped.
	FailOnSkipped bool
	// VulnDetail lists every advisory in table and Markdown output.
	VulnDetail bool
	// Detail prints every finding of the table as a full block.
	Detail bool
	// Width is the terminal width the table fits its lines to; 0 means
	// 100 columns.
	Width int
	// Color colours a report written to stdout.
	Color bool
	// Rules are the posture rules of fourc.yaml (posture.rules), and
	// ConfigFile the file they come from, for errors.
	Rules      []yaml.Node
	ConfigFile string
}

// Plan is a run's validated report options, ready to publish with.
type Plan struct {
	opts      Options
	keep      func(finding.Severity) bool
	failOn    *finding.Severity
	failOnNew *finding.Severity
	rules     *posture.RuleSet
	base      *baseline.Baseline
	writer    report.Writer
	ignore    ignoreLoad
}

// NewPlan validates every option and reads the posture rules, the baseline
// and the ignore file (looked up under root, the scan root; "." for
// targets that are not directories). Nothing here scans: an error comes
// back in milliseconds.
func NewPlan(o Options, root string) (*Plan, error) {
	if o.Format == "" {
		o.Format = "table"
	}
	p := &Plan{opts: o}
	var err error
	if p.writer, err = report.New(o.Format, report.Options{Color: o.Color && toStdout(o.Output), VulnDetail: o.VulnDetail, Detail: o.Detail, Width: o.Width}); err != nil {
		return nil, UsageError{fmt.Errorf("--format: %w", err)}
	}
	switch o.Sort {
	case "", "priority", "severity":
	default:
		return nil, UsageError{fmt.Errorf("--sort: unknown order %q (want priority or severity)", o.Sort)}
	}
	if p.keep, err = SeverityFilter(o.Severity); err != nil {
		return nil, err
	}
	if p.failOn, err = severityFlag("--fail-on", o.FailOn); err != nil {
		return nil, err
	}
	if o.FailOnNew != "" && o.Baseline == "" {
		return nil, UsageError{errors.New("--fail-on-new needs --baseline (a previous JSON report)")}
	}
	if p.failOnNew, err = severityFlag("--fail-on-new", o.FailOnNew); err != nil {
		return nil, err
	}
	if p.rules, err = posture.DecodeRules(o.Rules); err != nil {
		return nil, fmt.Errorf("config file %q: posture.rules: %w", o.ConfigFile, err)
	}
	if o.Baseline != "" {
		if p.base, err = baseline.Load(o.Baseline); err != nil {
			return nil, err
		}
	}
	if p.ignore, err = loadIgnore(o, root); err != nil {
		return nil, err
	}
	return p, nil
}

// SeverityFilter parses --severity: one name is a minimum, a comma list is
// an exact set; empty keeps everything.
func SeverityFilter(s string) (func(finding.Severity) bool, error) {
	if s == "" {
		return func(finding.Severity) bool { return true }, nil
	}
	parts := strings.Split(s, ",")
	set := map[finding.Severity]bool{}
	var last finding.Severity
	for _, p := range parts {
		v, err := finding.ParseSeverity(strings.TrimSpace(p))
		if err != nil {
			return nil, UsageError{fmt.Errorf("--severity: %w", err)}
		}
		set[v], last = true, v
	}
	if len(parts) == 1 {
		return func(v finding.Severity) bool { return v >= last }, nil
	}
	return func(v finding.Severity) bool { return set[v] }, nil
}

// severityFlag parses a gate's severity; empty means no gate.
func severityFlag(flag, s string) (*finding.Severity, error) {
	if s == "" {
		return nil, nil
	}
	v, err := finding.ParseSeverity(s)
	if err != nil {
		return nil, UsageError{fmt.Errorf("%s: %w", flag, err)}
	}
	return &v, nil
}

func toStdout(output string) bool { return output == "" || output == "-" }

// Rules returns the posture rules of fourc.yaml, compiled, so that the
// run's catalogue can list them beside fourc's own checks.
func (p *Plan) Rules() *posture.RuleSet { return p.rules }
