package pipeline

import (
	"context"
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
	"github.com/fourc-dev/fourc/internal/report"
)

// Input is what a command's scan found, before suppressions and filters.
type Input struct {
	// Target names what was scanned, as the user named it.
	Target     string
	Findings   []finding.Finding
	Suppressed []finding.Suppressed
	Skipped    []finding.Skipped
	Notices    []string
	// FS is where inline suppression comments and the HTML report's
	// source snippets are read; nil for targets that are not file trees.
	FS fs.FS
	// Checks is the catalogue, for report formats with rule metadata.
	Checks []check.Meta
	// Assets are what the scanners saw, for the cross-layer graph.
	Assets []finding.Asset
	// RootName is the base name of the scanned directory ("shop").
	RootName string
	// Environment is the platform, Kubernetes version and CIS benchmark a
	// live scan detected and used.
	Environment finding.Environment
}

// Env is where and when a report is written.
type Env struct {
	Stdout, Stderr io.Writer
	// Quiet silences the one-line summary printed when the report goes to
	// a file.
	Quiet bool
	Now   time.Time
	// Tool and Version name the producer in the report.
	Tool, Version string
}

// Publish applies suppressions, runs the cross-layer analysis on every
// finding left, applies the severity filter to what the report lists,
// runs the baseline comparison, writes the report and returns the run's
// status: nil, [ErrFindings] when a gate is met (on reported findings), a
// [SkippedError] under --fail-on-skipped. An interrupted run (ctx done)
// writes no report rather than one that looks complete.
func (p *Plan) Publish(ctx context.Context, in Input, env Env) error {
	applied := ignore.Apply(finding.Dedup(in.Findings), p.ignore.file, in.FS, env.Now)
	rep := &report.Report{
		Tool:        env.Tool,
		Version:     env.Version,
		Target:      in.Target,
		GeneratedAt: env.Now,
		Suppressed:  append(applied.Suppressed, in.Suppressed...),
		Skipped:     append(in.Skipped, p.ignore.skipped...),
		Notices:     slices.Concat(in.Notices, p.ignore.notices, applied.Notices),
		Checks:      in.Checks,
		IgnoreUses:  applied.Uses,
		Environment: in.Environment,
		Files:       in.FS,
	}
	// The analysis sees every finding that is not suppressed: --severity
	// chooses what the report lists, never the scores, priorities or
	// attack paths.
	rep.Posture = posture.Analyze(posture.Input{Findings: applied.Kept, Assets: in.Assets, RootName: in.RootName}, posture.Options{Rules: p.rules})
	rep.Notices = append(rep.Notices, rep.Posture.Notices...)
	rep.Findings = slices.DeleteFunc(slices.Clone(applied.Kept), func(f finding.Finding) bool { return !p.keep(f.Severity) })
	if hidden := len(applied.Kept) - len(rep.Findings); hidden > 0 {
		rep.Notices = append(rep.Notices, fmt.Sprintf("--severity %s leaves %d findings out of the report; scores, priorities and attack paths still count them", p.opts.Severity, hidden))
	}
	if p.opts.Sort != "severity" {
		posture.SortByPriority(rep.Findings, rep.Posture)
	}
	diff := p.compare(rep)
	if err := ctx.Err(); err != nil {
		return err
	}
	reason, status := p.gate(rep, diff)
	rep.ExitReason = reason
	if err := p.write(rep, env); err != nil {
		return err
	}
	return status
}

// compare sets the report's baseline comparison; nil without a baseline.
// A finding suppressed now, or filtered out by --severity, is not fixed:
// it is left out of the comparison rather than reported as gone.
func (p *Plan) compare(rep *report.Report) *baseline.Diff {
	if p.base == nil {
		return nil
	}
	silenced := map[string]bool{}
	for _, sp := range rep.Suppressed {
		silenced[sp.Finding.Fingerprint] = true
	}
	base := *p.base
	base.Findings = slices.DeleteFunc(slices.Clone(base.Findings), func(f finding.Finding) bool {
		return silenced[f.Fingerprint] || !p.keep(f.Severity)
	})
	diff := baseline.Compare(&base, rep.Findings)
	rep.Baseline, rep.BaselinePath = &diff, p.opts.Baseline
	return &diff
}

// write renders the report to the output file (atomically) or stdout, and
// says where it went on stderr when that is not obvious.
func (p *Plan) write(rep *report.Report, env Env) error {
	if toStdout(p.opts.Output) {
		return p.writer.Write(env.Stdout, rep)
	}
	err := report.WriteFileAtomic(p.opts.Output, 0o644, func(out io.Writer) error { return p.writer.Write(out, rep) })
	if err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	if !env.Quiet {
		fmt.Fprintf(env.Stderr, "fourc: %s; report written to %s\n", Summary(rep), p.opts.Output)
	}
	return nil
}

// Summary counts a report's findings by severity for a one-line status:
// "3 findings (1 critical, 2 low), 1 inputs skipped".
func Summary(rep *report.Report) string {
	counts := map[finding.Severity]int{}
	for _, f := range rep.Findings {
		counts[f.Severity]++
	}
	var parts []string
	sev := finding.Severities()
	for i := len(sev) - 1; i >= 0; i-- {
		if n := counts[sev[i]]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(sev[i].String())))
		}
	}
	s := fmt.Sprintf("%d findings", len(rep.Findings))
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	if n := len(rep.Skipped); n > 0 {
		s += fmt.Sprintf(", %d inputs skipped", n)
	}
	return s
}
