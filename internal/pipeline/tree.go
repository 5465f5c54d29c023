package pipeline

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/history"
	"github.com/fourc-dev/fourc/internal/progress"
	"github.com/fourc-dev/fourc/internal/secret"
	"github.com/fourc-dev/fourc/internal/vuln"
)

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
}

// ScanTree runs the tree's scanners, the Go call-path analysis and the
// history scan, and returns what they found for Publish (Checks left to
// the caller). Each step reports its progress to the reporter of ctx
// (package progress): "scan shop: 20/21 units · rendering Helm chart
// charts/api", "reachability: 2/4 modules · Go call paths of api/go.mod".
func ScanTree(ctx context.Context, t Tree) (Input, error) {
	res, err := engine.Run(ctx, t.FS, t.Scanners, engine.Options{
		Exclude: t.Exclude,
		Only:    t.Only,
		Logger:  t.Logger,
		Step:    "scan " + t.Target,
	})
	if err != nil {
		return Input{}, fmt.Errorf("scanning %q: %w", t.Target, err)
	}
	in := Input{Target: t.Target, Findings: res.Findings, Skipped: res.Skipped, FS: t.FS, Assets: res.Assets}
	if t.Vuln != nil {
		in.Findings = analyseReachability(ctx, t.Vuln, in.Findings)
		notices, skipped := UncheckedPackages(t.Vuln.DB(), t.Vuln.Uncovered())
		in.Notices = append(in.Notices, notices...)
		in.Skipped = append(in.Skipped, skipped...)
		in.Notices = append(in.Notices, t.Vuln.Notices()...)
		for _, sp := range t.Vuln.Suppressed() {
			in.Suppressed = append(in.Suppressed, finding.Suppressed{Finding: sp.Finding, By: sp.By, Reason: sp.Reason})
		}
	}
	if t.History != nil {
		progress.Report(ctx, progress.Event{Step: "git history of " + t.Target, Now: "searching every commit for secrets"})
		hf, hs, err := history.Scan(ctx, t.Root, t.History, t.Only...)
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
// step of its own ("reachability: 2/4 modules · Go call paths of api/go.mod").
func analyseReachability(ctx context.Context, vs *vuln.Scanner, fs []finding.Finding) []finding.Finding {
	r := progress.From(ctx)
	return vs.AnalyseReachability(ctx, fs, func(modFile string, done, total int) {
		e := progress.Event{Step: "reachability", Done: done, Total: total, Unit: "modules"}
		if modFile != "" {
			e.Now = "Go call paths of " + modFile
		}
		r.Report(e)
	})
}
