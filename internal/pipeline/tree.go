package pipeline

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/history"
	"github.com/fourc-dev/fourc/internal/secret"
	"github.com/fourc-dev/fourc/internal/vuln"
)

// Progress shows one labelled step of a run.
type Progress interface {
	Update(done, total int)
	Describe(what string)
	Finish()
}

// Tree is the scan of a file tree (`fourc scan`, `fourc k8s --manifests`).
type Tree struct {
	// Target names the tree as the user did; Root is its directory on
	// disk and FS the tree itself (kept open until the report is written:
	// inline suppressions are read from it).
	Target string
	Root   string
	FS     fs.FS
	// Only limits the scan to these paths (a single-file target);
	// Exclude skips paths matching these globs.
	Only    []string
	Exclude []string
	// Scanners run concurrently over the tree. Vuln, when one of them, is
	// also asked for the Go call-path analysis and the packages it could
	// not check.
	Scanners []engine.Scanner
	Vuln     *vuln.Scanner
	// History, when set, also scans with this detector every commit of
	// the git repository that holds Root, limited to Root (and to Only).
	History *secret.Detector
	Logger  *slog.Logger
	// Step starts a labelled progress step; nil shows none.
	Step func(what string) Progress
}

// ScanTree runs the tree's scanners, the Go call-path analysis and the
// history scan, and returns what they found for Publish (Checks left to
// the caller).
func ScanTree(ctx context.Context, t Tree) (Input, error) {
	step := t.Step
	if step == nil {
		step = func(string) Progress { return noProgress{} }
	}
	prog := step("scanning " + t.Target)
	res, err := engine.Run(ctx, t.FS, t.Scanners, engine.Options{
		Exclude:  t.Exclude,
		Only:     t.Only,
		Progress: prog.Update,
		Logger:   t.Logger,
	})
	prog.Finish()
	if err != nil {
		return Input{}, fmt.Errorf("scanning %q: %w", t.Target, err)
	}
	in := Input{Target: t.Target, Findings: res.Findings, Skipped: res.Skipped, FS: t.FS, Assets: res.Assets}
	if t.Vuln != nil {
		in.Findings = analyseReachability(ctx, step, t.Vuln, in.Findings)
		notices, skipped := UncheckedPackages(t.Vuln.DB(), t.Vuln.Uncovered())
		in.Notices = append(in.Notices, notices...)
		in.Skipped = append(in.Skipped, skipped...)
		in.Notices = append(in.Notices, t.Vuln.Notices()...)
		for _, sp := range t.Vuln.Suppressed() {
			in.Suppressed = append(in.Suppressed, finding.Suppressed{Finding: sp.Finding, By: sp.By, Reason: sp.Reason})
		}
	}
	if t.History != nil {
		hprog := step("scanning git history of " + t.Target)
		hf, hs, err := history.Scan(ctx, t.Root, t.History, t.Only...)
		hprog.Finish()
		if err != nil {
			return Input{}, fmt.Errorf("--history: %w", err)
		}
		in.Findings = history.Merge(in.Findings, hf)
		in.Skipped = append(in.Skipped, hs...)
		finding.Sort(in.Findings)
	}
	return in, nil
}

// analyseReachability runs the Go call-path analysis after the scan, as a
// labelled step of its own ("analysing Go call paths: 2/4 modules").
func analyseReachability(ctx context.Context, step func(string) Progress, vs *vuln.Scanner, fs []finding.Finding) []finding.Finding {
	prog := step("analysing Go call paths")
	defer prog.Finish()
	return vs.AnalyseReachability(ctx, fs, func(modFile string, done, total int) {
		if done < total {
			prog.Describe(fmt.Sprintf("analysing Go call paths: %d/%d modules (%s)", done+1, total, modFile))
		}
		prog.Update(done, total)
	})
}

type noProgress struct{}

func (noProgress) Update(int, int) {}
func (noProgress) Describe(string) {}
func (noProgress) Finish()         {}
