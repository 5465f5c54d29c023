package vuln

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sync"
	"time"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/vex"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// ScannerName is the scanner's name in skipped entries.
const ScannerName = "vuln"

// Options configure a Scanner.
type Options struct {
	// DB is an open vulnerability database. When nil, DBPath is opened
	// (and closed by Scanner.Close); when both are empty, the default path.
	DB     *vulndb.DB
	DBPath string
	// VEX statements suppress findings they mark not_affected or fixed.
	VEX *vex.Statements
	// Root is the directory on disk that the scanned fs.FS is rooted at.
	// Go reachability needs it (govulncheck builds the module); empty
	// turns reachability off.
	Root string
	// Reachability runs govulncheck on each Go module that has matches.
	Reachability bool
	// ReachableOnly hides Go vulnerabilities govulncheck found imported
	// only or required only. Findings whose reachability could not be
	// analysed are kept.
	ReachableOnly bool
	// Offline stops govulncheck from downloading modules (GOPROXY=off).
	Offline bool
	// ReachabilityTimeout bounds the analysis of one module; zero means
	// reach.DefaultTimeout.
	ReachabilityTimeout time.Duration
	// ReachabilityCache is where analysis results are cached between runs;
	// empty disables the cache.
	ReachabilityCache string
}

// Suppression is a finding that VEX or --reachable-only hid.
type Suppression struct {
	Finding finding.Finding
	// By names what hid it: "VEX", "reachable-only".
	By string
	// Reason is the VEX justification or the reachability level.
	Reason string
}

// Scanner is the code-layer vulnerability scanner: it extracts packages
// from lockfiles, manifests and Go binaries, matches them against the
// database and reports FC-VULN-001 findings.
type Scanner struct {
	opts    Options
	db      *vulndb.DB
	ownDB   bool
	inv     *inventory.Extractor
	matcher *Matcher
	check   check.Check[Vulnerability]

	mu         sync.Mutex
	notices    []string
	suppressed []Suppression
	pending    []pendingModule
	// uncovered are the packages the scan saw whose ecosystem the
	// database has no records for: they could not be checked.
	uncovered []inventory.Package
}

// NewScanner builds the scanner, opening the database when opts.DB is nil.
func NewScanner(opts Options) (*Scanner, error) {
	s := &Scanner{opts: opts, db: opts.DB, check: CheckVulnerableDependency()}
	if s.db == nil {
		p := opts.DBPath
		if p == "" {
			var err error
			if p, err = vulndb.DefaultPath(); err != nil {
				return nil, err
			}
		}
		db, err := vulndb.Open(p)
		if err != nil {
			return nil, err
		}
		s.db, s.ownDB = db, true
	}
	inv, err := inventory.NewExtractor()
	if err != nil {
		s.Close()
		return nil, err
	}
	s.inv = inv
	s.matcher = NewMatcher(s.db)
	return s, nil
}

// Close releases the database (when the scanner opened it) and temporary
// files.
func (s *Scanner) Close() error {
	if s.ownDB && s.db != nil {
		return s.db.Close()
	}
	return nil
}

// DB returns the database the scanner reads.
func (s *Scanner) DB() *vulndb.DB { return s.db }

// noteUncovered remembers the packages of ecosystems the database cannot
// check.
func (s *Scanner) noteUncovered(pkgs []inventory.Package) {
	var out []inventory.Package
	for _, p := range pkgs {
		if p.Ecosystem != "" && p.Name != "" && !s.db.Covers(p.Ecosystem) {
			out = append(out, inventory.Package{Name: p.Name, Version: p.Version, Ecosystem: p.Ecosystem})
		}
	}
	if len(out) == 0 {
		return
	}
	s.mu.Lock()
	s.uncovered = append(s.uncovered, out...)
	s.mu.Unlock()
}

// Uncovered returns the packages the scan saw whose ecosystem the database
// holds no records for, so that the caller can say they were not checked.
func (s *Scanner) Uncovered() []inventory.Package {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.uncovered)
}

// Name implements engine.Scanner.
func (s *Scanner) Name() string { return ScannerName }

// Wants implements engine.Scanner with the extractors' path filters.
func (s *Scanner) Wants(p string) bool { return s.inv.Wants(p) }

// Unit implements engine.Grouper: the lockfiles and manifests of one
// directory (one module root) are scanned together.
func (s *Scanner) Unit(p string) string { return path.Dir(p) }

// Describe implements engine.Describer.
func (s *Scanner) Describe(unit string) string { return "matching the packages of " + unit }

// Scan implements engine.Scanner.
func (s *Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string) ([]finding.Finding, []finding.Skipped) {
	pkgs, skipped := s.inv.Extract(ctx, fsys, paths)
	s.noteUncovered(pkgs)
	vs, err := s.matcher.Match(ctx, pkgs)
	if err != nil {
		return nil, append(skipped, finding.Skipped{Path: path.Dir(paths[0]), Scanner: ScannerName, Reason: err.Error()})
	}
	s.deferReachability(paths, vs)
	return s.report(vs), skipped
}

// Findings matches packages from anywhere (an SBOM, an image) and returns
// the findings, VEX applied. No reachability analysis is done.
func (s *Scanner) Findings(ctx context.Context, pkgs []inventory.Package) ([]finding.Finding, error) {
	vs, err := s.matcher.Match(ctx, pkgs)
	if err != nil {
		return nil, err
	}
	fs := s.report(vs)
	finding.Sort(fs)
	return fs, nil
}

// Match exposes the matcher for callers that want vulnerabilities rather
// than findings.
func (s *Scanner) Match(ctx context.Context, pkgs []inventory.Package) ([]Vulnerability, error) {
	return s.matcher.Match(ctx, pkgs)
}

// Notices returns one-line messages gathered while scanning (reachability
// that could not run), sorted.
func (s *Scanner) Notices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.notices)
	slices.Sort(out)
	return slices.Compact(out)
}

// Suppressed returns the findings VEX or ReachableOnly hid.
func (s *Scanner) Suppressed() []Suppression {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.suppressed)
	slices.SortFunc(out, func(a, b Suppression) int { return finding.Compare(a.Finding, b.Finding) })
	return out
}

func (s *Scanner) notice(format string, args ...any) {
	s.mu.Lock()
	s.notices = append(s.notices, fmt.Sprintf(format, args...))
	s.mu.Unlock()
}

// report turns vulnerabilities into findings, setting aside what VEX or
// ReachableOnly hide.
func (s *Scanner) report(vs []Vulnerability) []finding.Finding {
	out := make([]finding.Finding, 0, len(vs))
	for _, v := range vs {
		for _, viol := range s.check.Eval(v) {
			f := s.newFinding(v, viol)
			if status, why, ok := s.vexFor(v); ok {
				f.Vulnerability.VEXStatus = string(status)
				if status.Suppresses() {
					s.suppress(f, "VEX", fmt.Sprintf("%s: %s", status, why))
					continue
				}
			}
			if s.opts.ReachableOnly && !v.Reachability.Reachable() {
				s.suppress(f, "reachable-only", "govulncheck: "+string(v.Reachability))
				continue
			}
			out = append(out, f)
		}
	}
	return out
}

func (s *Scanner) suppress(f finding.Finding, by, reason string) {
	s.mu.Lock()
	s.suppressed = append(s.suppressed, Suppression{Finding: f, By: by, Reason: reason})
	s.mu.Unlock()
}

// vexFor asks the VEX statements about every ID of the vulnerability.
func (s *Scanner) vexFor(v Vulnerability) (vex.Status, string, bool) {
	if s.opts.VEX == nil || v.Package.PURL == "" {
		return "", "", false
	}
	for _, id := range v.IDs() {
		if st, why, ok := s.opts.VEX.Applies(id, v.Package.PURL); ok {
			return st, why, true
		}
	}
	return "", "", false
}

func (s *Scanner) newFinding(v Vulnerability, viol check.Violation) finding.Finding {
	res := finding.Resource{Kind: v.Package.Kind(), Name: displayName(v)}
	loc := finding.Location{Path: v.Package.Location.Path, StartLine: v.Package.Location.Line}
	f := s.check.Finding(res, loc, viol)
	Apply(&f, v)
	switch {
	case v.FixedVersion == "":
	case v.Package.Ecosystem == "Go" && (v.Package.Name == "stdlib" || v.Package.Name == "toolchain"):
		f.Remediation = fmt.Sprintf("Build with Go %s or later (raise the go or toolchain directive, or rebuild the binary).", v.FixedVersion)
	default:
		f.Remediation = fmt.Sprintf("Upgrade %s to %s or later.", v.Package.Name, displayVersion(v.Package.Ecosystem, v.FixedVersion))
	}
	f.References = append(slices.Clone(f.References), finding.Reference{Source: "OSV " + v.ID, URL: "https://osv.dev/vulnerability/" + v.ID})
	return f
}
