package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/fourc-dev/fourc/internal/catalogue"
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/config"
	"github.com/fourc-dev/fourc/internal/deps"
	"github.com/fourc-dev/fourc/internal/dockerfile"
	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/iac"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/reach"
	"github.com/fourc-dev/fourc/internal/sast"
	"github.com/fourc-dev/fourc/internal/secret"
	"github.com/fourc-dev/fourc/internal/vex"
	"github.com/fourc-dev/fourc/internal/vuln"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// registry builds the validated catalogue of every check fourc ships (see
// package catalogue).
func registry() (*check.Registry, error) { return catalogue.Registry() }

// staleAfter is the age from which the vulnerability database is reported
// as stale.
const staleAfter = 7 * 24 * time.Hour

// vulnOptions are the flags of the vulnerability scanner.
type vulnOptions struct {
	dbPath        string
	vexFiles      []string
	reachability  bool
	reachableOnly bool
	reachTimeout  time.Duration
	offline       bool
}

// scanSet is the configured scanners of one `fourc scan`, plus what they
// report besides findings.
type scanSet struct {
	scanners []engine.Scanner
	secret   *secret.Scanner
	vuln     *vuln.Scanner
	notices  []string
}

func (s *scanSet) Close() {
	if s.vuln != nil {
		s.vuln.Close()
	}
}

// suppressed returns findings the vulnerability scanner hid (VEX,
// --reachable-only) in the report's form.
func (s *scanSet) suppressed() []finding.Suppressed {
	if s.vuln == nil {
		return nil
	}
	return suppressedOf(s.vuln)
}

// suppressedOf converts what a vulnerability scanner hid to report entries.
func suppressedOf(vs *vuln.Scanner) []finding.Suppressed {
	var out []finding.Suppressed
	for _, sp := range vs.Suppressed() {
		out = append(out, finding.Suppressed{Finding: sp.Finding, By: sp.By, Reason: sp.Reason})
	}
	return out
}

// checks returns the catalogue plus the user's own secret rules, so that
// report formats with rule metadata (SARIF) describe them too.
func (s *scanSet) checks(reg *check.Registry) ([]check.Meta, error) {
	ext, err := catalogue.WithUser(reg, s.secret.Detector(), nil)
	if err != nil {
		return nil, fmt.Errorf("check catalogue: %w", err)
	}
	return ext.All(), nil
}

// vulnNotices returns what the vulnerability scanner wants the user to know.
func (s *scanSet) vulnNotices() []string {
	if s.vuln == nil {
		return nil
	}
	return s.vuln.Notices()
}

// scannerNames are the names (Name()) of the file scanners of `fourc scan`,
// as --scanners takes them; a test keeps them equal to the scanners built.
var scannerNames = []string{"secret", "dockerfile", "kube", "iac", "sast", "deps", "vuln"}

// selectScanners parses --scanners: an empty list selects every scanner.
func selectScanners(names []string) (map[string]bool, error) {
	on := map[string]bool{}
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" {
			continue
		}
		if !slices.Contains(scannerNames, n) {
			return nil, usageError{fmt.Errorf("--scanners: unknown scanner %q (want some of %s)", n, strings.Join(scannerNames, ", "))}
		}
		on[n] = true
	}
	if len(on) == 0 {
		for _, n := range scannerNames {
			on[n] = true
		}
	}
	return on, nil
}

// newScanSet builds the file scanners for `fourc scan`, configured from cfg
// and the flags. root is the scan root on disk; on names the scanners to
// run (see selectScanners).
func newScanSet(cfg *config.Config, vo vulnOptions, root string, now time.Time, on map[string]bool, exclude []string) (*scanSet, error) {
	rules := make([]secret.RuleConfig, len(cfg.Secrets.Rules))
	for i := range cfg.Secrets.Rules {
		if err := cfg.Secrets.Rules[i].Decode(&rules[i]); err != nil {
			return nil, fmt.Errorf("config secrets.rules[%d] (line %d): %w", i, cfg.Secrets.Rules[i].Line, err)
		}
	}
	sec, err := secret.NewScanner(secret.Options{
		DisabledRules:  cfg.Secrets.DisabledRules,
		ExtraRules:     rules,
		GitleaksConfig: cfg.Secrets.GitleaksConfig,
	})
	if err != nil {
		return nil, fmt.Errorf("secret rules: %w", err)
	}
	set := &scanSet{secret: sec}
	for _, s := range []engine.Scanner{
		sec,
		dockerfile.NewScanner(dockerfile.Options{AllowedRegistries: cfg.Dockerfile.AllowedRegistries}),
		kube.NewScanner(kube.Options{UntrustedNamespaceLabel: cfg.Kubernetes.UntrustedNamespaceLabel}),
		iac.NewScanner(iac.Options{Exclude: exclude}),
		sast.NewScanner(sast.Options{Root: root, Offline: vo.offline}),
		deps.NewScanner(deps.Options{}),
	} {
		if on[s.Name()] {
			set.scanners = append(set.scanners, s)
		}
	}
	if !on[vuln.ScannerName] {
		return set, nil
	}
	vs, notice, err := openVulnScanner(vo, root, now)
	if err != nil {
		return nil, err
	}
	if notice != "" {
		set.notices = append(set.notices, notice)
	}
	if vs != nil {
		set.vuln = vs
		set.scanners = append(set.scanners, vs)
	}
	return set, nil
}

// openVulnScanner opens the vulnerability database. A missing database is
// not an error: the scan goes on without dependency matching and says so.
func openVulnScanner(vo vulnOptions, root string, now time.Time) (*vuln.Scanner, string, error) {
	path := vo.dbPath
	if path == "" {
		p, err := vulndb.DefaultPath()
		if err != nil {
			return nil, "", err
		}
		path = p
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Sprintf("no vulnerability database at %s, so dependencies were not checked; run 'fourc db update' (online) or 'fourc db import --starter' (offline)", path), nil
	}
	var statements *vex.Statements
	if len(vo.vexFiles) > 0 {
		st, err := vex.Load(vo.vexFiles...)
		if err != nil {
			return nil, "", err
		}
		statements = st
	}
	vs, err := vuln.NewScanner(vuln.Options{
		DBPath:        path,
		VEX:           statements,
		Root:          root,
		Reachability:  vo.reachability,
		ReachableOnly: vo.reachableOnly,
		Offline:       vo.offline,

		ReachabilityTimeout: vo.reachTimeout,
		ReachabilityCache:   reach.DefaultCacheDir(),
	})
	if errors.Is(err, vulndb.ErrDamaged) {
		return nil, "", err // it names the file and the fix
	}
	if err != nil {
		return nil, "", fmt.Errorf("vulnerability database: %w", err)
	}
	st := vs.DB().Status()
	notice := fmt.Sprintf("vulnerability database: %d records, built %s (%s old)", st.Records, st.BuiltAt.UTC().Format(time.DateOnly), age(st.Age(now)))
	if st.Stale(now, staleAfter) {
		notice = "STALE " + notice + "; run 'fourc db update'"
	}
	return vs, notice, nil
}

func age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return "under an hour"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
