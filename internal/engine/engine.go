// Package engine runs scanners over a target: it walks the tree once, hands
// each scanner the files its cheap filter wants, runs the work on a bounded
// pool of workers, survives bad inputs and returns findings in a
// deterministic order.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/source"
)

// Scanner finds problems in files of one kind. Implementations live in the
// capability packages (secret, dockerfile, kube, iac, …).
type Scanner interface {
	// Name is a short, stable name such as "dockerfile".
	Name() string
	// Wants is a cheap filter on a slash-separated path relative to the scan
	// root, called before anything is read.
	Wants(path string) bool
	// Scan inspects the given files of fsys. A file it cannot use goes into
	// the skipped list with a one-line reason; the scan goes on.
	Scan(ctx context.Context, fsys fs.FS, paths []string) ([]finding.Finding, []finding.Skipped)
}

// Grouper is implemented by scanners that need several files at once (a
// Terraform module is all the .tf files of a directory). Files that map to
// the same unit are passed to one Scan call; by default each file is a unit.
type Grouper interface {
	Unit(path string) string
}

// AssetScanner is implemented by scanners that also report the assets they
// saw (workloads, images, packages, …) for cross-layer correlation. When a
// scanner implements it, the engine calls ScanAssets instead of Scan.
type AssetScanner interface {
	Scanner
	ScanAssets(ctx context.Context, fsys fs.FS, paths []string) ([]finding.Finding, []finding.Asset, []finding.Skipped)
}

// Result is what a scan found.
type Result struct {
	Findings []finding.Finding
	Assets   []finding.Asset
	Skipped  []finding.Skipped
	// Files is the number of files seen by the walk.
	Files int
	// Units is the number of scan jobs that ran.
	Units    int
	Duration time.Duration
}

// Options tune a run. The zero value is usable.
type Options struct {
	// Workers bounds concurrency; zero means GOMAXPROCS.
	Workers int
	// Exclude holds path globs (path.Match syntax) that the walk skips. A
	// glob with a slash is matched against the relative path and each of
	// its parent directories; one without is matched against every path
	// element's name, so "node_modules" skips such folders at any depth.
	Exclude []string
	// Only, when set, limits the scan to these relative paths (files or
	// directories), e.g. when the user names one file.
	Only []string
	// Progress, when set, is called after each unit with the number done
	// and the total. It is called from one goroutine at a time.
	Progress func(done, total int)
	// Step names the run in the progress events sent to the context's
	// reporter (package progress): "scan examples/shop"; empty means
	// "scan". The events count the files the walk finds, then the units
	// done, with the label of the oldest unit still running.
	Step string
	// Logger receives debug information; nil discards it.
	Logger *slog.Logger
	// Grace is how long past its deadline (the run's limits.PerInput) a
	// unit may take to return before the engine gives up waiting for it;
	// zero means DefaultGrace.
	Grace time.Duration
}

// DefaultGrace is the time a scan unit has, past its deadline, to notice
// that its context is done and return.
const DefaultGrace = 2 * time.Second

// skipDirs are never descended into: they hold tool state, not sources.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true}

type job struct {
	index   int
	scanner Scanner
	unit    string
	paths   []string
}

// Run walks fsys once and runs every scanner over the files it wants.
func Run(ctx context.Context, fsys fs.FS, scanners []Scanner, opts Options) (*Result, error) {
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	res := &Result{}
	track := newTracker(ctx, opts.Step)
	jobs, err := plan(ctx, fsys, scanners, opts, res, track.walked)
	if cerr := ctx.Err(); cerr != nil {
		return nil, fmt.Errorf("scan interrupted: %w", cerr)
	}
	if err != nil {
		return nil, err
	}
	res.Units = len(jobs)
	track.planned(len(jobs))
	log.Debug("scan planned", "files", res.Files, "units", len(jobs))

	budget := unitBudget{perInput: limits.From(ctx).PerInput, grace: opts.Grace}
	if budget.grace <= 0 {
		budget.grace = DefaultGrace
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type out struct {
		findings []finding.Finding
		assets   []finding.Asset
		skipped  []finding.Skipped
	}
	work := make(chan job)
	results := make(chan out)
	var wg sync.WaitGroup
	for range min(workers, max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				f, a, s := budget.run(track.unitContext(ctx, j.index, j), fsys, j, log)
				track.finished(j.index)
				results <- out{f, a, s}
			}
		}()
	}
	go func() {
		defer close(work)
		for _, j := range jobs {
			select {
			case work <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	done := 0
	for o := range results {
		res.Findings = append(res.Findings, o.findings...)
		res.Assets = append(res.Assets, o.assets...)
		res.Skipped = append(res.Skipped, o.skipped...)
		done++
		if opts.Progress != nil {
			opts.Progress(done, len(jobs))
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("scan interrupted: %w", err)
	}
	for i := range res.Findings {
		if res.Findings[i].Fingerprint == "" {
			res.Findings[i].Fingerprint = res.Findings[i].ComputeFingerprint("")
		}
	}
	finding.Sort(res.Findings)
	slices.SortFunc(res.Assets, func(a, b finding.Asset) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(res.Skipped, func(a, b finding.Skipped) int {
		return strings.Compare(a.Path+"\x00"+a.Scanner, b.Path+"\x00"+b.Scanner)
	})
	res.Duration = time.Since(start)
	return res, nil
}

// plan walks the tree and groups wanted files into jobs, in a stable order.
// walked, when set, is told the number of files found every
// walkReportEvery files and at the end; the walk stops when ctx ends.
func plan(ctx context.Context, fsys fs.FS, scanners []Scanner, opts Options, res *Result, walked func(files int)) ([]job, error) {
	exclude := opts.Exclude
	type key struct {
		scanner int
		unit    string
	}
	units := map[key][]string{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			res.Skipped = append(res.Skipped, finding.Skipped{Path: p, Scanner: "walk", Reason: unwrapPathError(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != "." && (skipDirs[d.Name()] || source.Excluded(p, exclude)) {
				return fs.SkipDir
			}
			return nil
		}
		if source.Excluded(p, exclude) || !within(p, opts.Only) {
			return nil
		}
		if t := d.Type(); !t.IsRegular() {
			// Symlinks are never followed (what they point to inside the
			// root is scanned where it is); FIFOs, sockets and devices are
			// never opened, which could block or read a device.
			if t&fs.ModeSymlink == 0 {
				res.Skipped = append(res.Skipped, finding.Skipped{Path: p, Scanner: "walk", Reason: "not a regular file (" + source.SpecialKind(t) + ")"})
			}
			return nil
		}
		res.Files++
		if res.Files%walkReportEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if walked != nil {
				walked(res.Files)
			}
		}
		for i, s := range scanners {
			if !s.Wants(p) {
				continue
			}
			u := p
			if g, ok := s.(Grouper); ok {
				u = g.Unit(p)
			}
			k := key{i, u}
			units[k] = append(units[k], p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walking scan root: %w", err)
	}
	if walked != nil {
		walked(res.Files)
	}
	keys := make([]key, 0, len(units))
	for k := range units {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].scanner != keys[j].scanner {
			return keys[i].scanner < keys[j].scanner
		}
		return keys[i].unit < keys[j].unit
	})
	jobs := make([]job, len(keys))
	for i, k := range keys {
		jobs[i] = job{index: i, scanner: scanners[k.scanner], unit: k.unit, paths: units[k]}
	}
	return jobs, nil
}

// runJob runs one unit and turns a panic into a skipped entry, so that one
// hostile input can never take the whole scan down.
func runJob(ctx context.Context, fsys fs.FS, j job, log *slog.Logger) (fs []finding.Finding, as []finding.Asset, sk []finding.Skipped) {
	defer func() {
		if r := recover(); r != nil {
			log.Debug("scanner panic", "scanner", j.scanner.Name(), "unit", j.unit, "panic", r, "stack", string(debug.Stack()))
			fs, as = nil, nil
			sk = []finding.Skipped{{Path: j.unit, Scanner: j.scanner.Name(), Reason: fmt.Sprintf("internal error: %v", r)}}
		}
	}()
	if ctx.Err() != nil {
		return nil, nil, nil
	}
	if a, ok := j.scanner.(AssetScanner); ok {
		return a.ScanAssets(ctx, fsys, j.paths)
	}
	fs, sk = j.scanner.Scan(ctx, fsys, j.paths)
	return fs, nil, sk
}

func within(p string, only []string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if o == "." || p == o || strings.HasPrefix(p, o+"/") {
			return true
		}
	}
	return false
}

func unwrapPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
