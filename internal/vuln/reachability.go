package vuln

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/reach"
)

// Reachability is how far Go code reaches a vulnerability, as govulncheck
// decides it.
type Reachability string

// Reachability levels, from most to least exposed. The empty value means
// reachability was not analysed (not a Go module, or analysis could not run).
const (
	// ReachabilityCalled: the code calls a vulnerable function.
	ReachabilityCalled Reachability = "called"
	// ReachabilityImported: the code imports a vulnerable package but calls
	// none of its vulnerable functions.
	ReachabilityImported Reachability = "imported"
	// ReachabilityRequired: the module is only required; no vulnerable
	// package is imported.
	ReachabilityRequired Reachability = "required"
	// ReachabilityUnknown: analysis was tried and could not run (module
	// does not build, dependencies missing offline). The module is required;
	// the finding is kept.
	ReachabilityUnknown Reachability = "unknown"
)

func (r Reachability) rank() int {
	switch r {
	case ReachabilityCalled:
		return 3
	case ReachabilityImported:
		return 2
	case ReachabilityRequired:
		return 1
	}
	return 0
}

// Reachable reports whether the vulnerability may be exercised: its code is
// called, or reachability was not or could not be analysed.
func (r Reachability) Reachable() bool {
	return r == ReachabilityCalled || r == ReachabilityUnknown || r == ""
}

// pendingModule is a Go module whose matches wait for the call-path
// analysis that [Scanner.AnalyseReachability] runs after the scan.
type pendingModule struct {
	modFile string
	dir     string
	vulns   []Vulnerability
}

// defer records the Go matches of this unit's go.mod for the call-path
// analysis. The findings the scan returns meanwhile say "not analysed".
func (s *Scanner) deferReachability(paths []string, vs []Vulnerability) {
	if !s.opts.Reachability || s.opts.Root == "" {
		return
	}
	var modFile string
	for _, p := range paths {
		if path.Base(p) == "go.mod" {
			modFile = p
		}
	}
	if modFile == "" {
		return
	}
	var goVulns []Vulnerability
	for _, v := range vs {
		if v.Package.Ecosystem == "Go" && v.Package.Location.Path == modFile {
			goVulns = append(goVulns, v)
		}
	}
	if len(goVulns) == 0 {
		return
	}
	s.mu.Lock()
	s.pending = append(s.pending, pendingModule{
		modFile: modFile,
		dir:     filepath.Join(s.opts.Root, filepath.FromSlash(path.Dir(modFile))),
		vulns:   goVulns,
	})
	s.mu.Unlock()
}

// ReachabilityProgress is told, before each module, which one is analysed
// and how many there are.
type ReachabilityProgress func(modFile string, done, total int)

// AnalyseReachability runs the Go call-path analysis (package reach) over
// every Go module in which the scan matched advisories, one module at a
// time, and returns findings with those modules' findings replaced by ones
// that carry the outcome: called, imported, required, or not analysed with
// the reason in a notice. It is bounded by ReachabilityTimeout per module
// and stops when ctx is cancelled, leaving the rest not analysed.
func (s *Scanner) AnalyseReachability(ctx context.Context, findings []finding.Finding, progress ReachabilityProgress) []finding.Finding {
	s.mu.Lock()
	pending := slices.Clone(s.pending)
	s.pending = nil
	s.mu.Unlock()
	slices.SortFunc(pending, func(a, b pendingModule) int { return strings.Compare(a.modFile, b.modFile) })
	if len(pending) == 0 {
		return findings
	}
	at := map[string]int{}
	for i, f := range findings {
		at[f.Fingerprint] = i
	}
	drop := map[int]bool{}
	var noGo bool
	for n, m := range pending {
		if progress != nil {
			progress(m.modFile, n, len(pending))
		}
		levels, err := s.analyseModule(ctx, m)
		switch {
		case ctx.Err() != nil:
			// Cancelled: the findings stay as scanned, not analysed.
			return findings
		case errors.Is(err, reach.ErrNoGo):
			if !noGo {
				s.notice("Go call paths not analysed: %v; Go vulnerabilities are reported as not analysed", err)
			}
			noGo = true
			continue
		case err != nil:
			s.notice("Go call paths of %s not analysed (findings kept): %v", m.modFile, err)
			for i := range m.vulns {
				m.vulns[i].Reachability = ReachabilityUnknown
			}
		default:
			for i := range m.vulns {
				v := &m.vulns[i]
				v.Reachability = ReachabilityRequired
				for _, id := range v.IDs() {
					t := levels[reach.Key{OSV: id, Module: v.Package.Name}]
					if Reachability(t.Level).rank() > v.Reachability.rank() {
						v.Reachability, v.CallPath = Reachability(t.Level), t.CallPath
					}
				}
			}
		}
		for _, v := range m.vulns {
			for _, viol := range s.check.Eval(v) {
				f := s.newFinding(v, viol)
				i, ok := at[f.Fingerprint]
				if !ok {
					continue // VEX suppressed it during the scan
				}
				if s.opts.ReachableOnly && !v.Reachability.Reachable() {
					s.suppress(f, "reachable-only", "govulncheck: "+string(v.Reachability))
					drop[i] = true
					continue
				}
				findings[i] = f
			}
		}
	}
	if progress != nil {
		progress("", len(pending), len(pending))
	}
	if len(drop) == 0 {
		return findings
	}
	out := findings[:0]
	for i, f := range findings {
		if !drop[i] {
			out = append(out, f)
		}
	}
	return out
}

// analyseModule runs the analysis for the advisories matched in one module.
func (s *Scanner) analyseModule(ctx context.Context, m pendingModule) (reach.Result, error) {
	records := map[string][]byte{}
	for _, v := range m.vulns {
		if _, ok := records[v.ID]; ok {
			continue
		}
		raw, err := s.db.Raw(v.ID)
		if err != nil {
			return nil, fmt.Errorf("reading advisory %s: %w", v.ID, err)
		}
		records[v.ID] = raw
	}
	return reach.Analyse(ctx, m.dir, reach.Options{
		Records:  records,
		Offline:  s.opts.Offline,
		Timeout:  s.opts.ReachabilityTimeout,
		CacheDir: s.opts.ReachabilityCache,
	})
}
