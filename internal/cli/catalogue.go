package cli

import (
	"fmt"
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
	"github.com/fourc-dev/fourc/internal/malware"
	"github.com/fourc-dev/fourc/internal/posture"
	"github.com/fourc-dev/fourc/internal/reach"
	"github.com/fourc-dev/fourc/internal/sast"
	"github.com/fourc-dev/fourc/internal/secret"
	"github.com/fourc-dev/fourc/internal/strictyaml"
	"github.com/fourc-dev/fourc/internal/vex"
	"github.com/fourc-dev/fourc/internal/vuln"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// registry builds the validated catalogue of every check fourc ships (see
// package catalogue).
func registry() (*check.Registry, error) { return catalogue.Registry() }

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
	malware  *malware.Scanner
	vuln     *vuln.Scanner
	iacRules *iac.RuleSet
	notices  []string
}

// iacRuleSet compiles the user's cloud rules of fourc.yaml.
func iacRuleSet(cfg *config.Config) (*iac.RuleSet, error) {
	rules, err := iac.DecodeRules(cfg.IaC.Rules, cfg.Name)
	if err != nil {
		return nil, err
	}
	return iac.CompileRules(rules)
}

func (s *scanSet) Close() {
	closeVuln(s.vuln)
}

// closeVuln closes a scanner from openVulnScanner and its database.
func closeVuln(vs *vuln.Scanner) {
	if vs != nil {
		vs.Close()
		vs.DB().Close()
	}
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
func (s *scanSet) checks(reg *check.Registry, rules *posture.RuleSet) ([]check.Meta, error) {
	ext, err := catalogue.WithUser(reg, s.secret.Detector(), rules, s.iacRules.Checks()...)
	if err != nil {
		return nil, fmt.Errorf("check catalogue: %w", err)
	}
	return ext.All(), nil
}

// scannerNames are the names (Name()) of the file scanners of `fourc scan`,
// as --scanners takes them; a test keeps them equal to the scanners built.
var scannerNames = []string{"secret", "dockerfile", "kube", "iac", "sast", "deps", malware.ScannerName, "vuln"}

// selectScanners parses --scanners: an empty list selects every scanner.
func selectScanners(names []string) (map[string]bool, error) {
	on := map[string]bool{}
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" {
			continue
		}
		if !slices.Contains(scannerNames, n) {
			return nil, usageError{Err: fmt.Errorf("--scanners: unknown scanner %q (want some of %s)", n, strings.Join(scannerNames, ", "))}
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
// ko carry the values of the Helm charts (see helmOptions.chartValues) and
// the nodes' runtime handlers; the rest of the Kubernetes options come
// from cfg. mo configure the malware scanner (see malwareOptions).
func newScanSet(cfg *config.Config, vo vulnOptions, root string, now time.Time, on map[string]bool, exclude []string, ko kube.Options, mo malware.Options) (*scanSet, error) {
	rules := make([]secret.RuleConfig, len(cfg.Secrets.Rules))
	for i := range cfg.Secrets.Rules {
		if err := strictyaml.Decode(&cfg.Secrets.Rules[i], &rules[i]); err != nil {
			return nil, usageError{Err: fmt.Errorf("config file %q: secrets.rules[%d]: %w", cfg.Name, i, err)}
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
	iacRules, err := iacRuleSet(cfg)
	if err != nil {
		return nil, usageError{Err: err}
	}
	set := &scanSet{secret: sec, iacRules: iacRules, malware: malware.NewScanner(malware.NewDetector(mo))}
	for _, s := range []engine.Scanner{
		sec,
		dockerfile.NewScanner(dockerfile.Options{AllowedRegistries: cfg.Dockerfile.AllowedRegistries}),
		kube.NewScanner(kube.Options{UntrustedNamespaceLabel: cfg.Kubernetes.UntrustedNamespaceLabel, KubernetesVersion: cfg.Kubernetes.Version,
			HelmValues: ko.HelmValues, RuntimeHandlers: ko.RuntimeHandlers}),
		iac.NewScanner(iac.Options{Exclude: exclude, Rules: iacRules}),
		sast.NewScanner(sast.Options{Root: root, Offline: vo.offline}),
		deps.NewScanner(deps.Options{}),
		set.malware,
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

// malwareOptions reads the known-bad hash lists of --malware-hashes (or
// the malware-hashes key of fourc.yaml) and compiles the rules of
// --yara-rules for the malware detector. Rules left out are notices.
func malwareOptions(hashFiles, yaraPaths []string) (malware.Options, []string, error) {
	hs, err := malware.LoadHashes(hashFiles...)
	if err != nil {
		return malware.Options{}, nil, fmt.Errorf("--malware-hashes: %w", err)
	}
	rules, notices, err := loadYaraRules(yaraPaths)
	if err != nil {
		return malware.Options{}, nil, err
	}
	return malware.Options{Hashes: hs, Rules: rules}, notices, nil
}

// openVulnScanner opens the vulnerability database (vulndb.OpenForScan:
// one opener, one staleness rule for every command) and the VEX documents.
// A missing database is not an error: the scanner is nil and the notice
// says what was not checked.
func openVulnScanner(vo vulnOptions, root string, now time.Time) (*vuln.Scanner, string, error) {
	var statements *vex.Statements
	if len(vo.vexFiles) > 0 {
		st, err := vex.Load(vo.vexFiles...)
		if err != nil {
			return nil, "", err
		}
		statements = st
	}
	db, notice, err := vulndb.OpenForScan(vo.dbPath, now)
	if err != nil || db == nil {
		return nil, notice, err
	}
	vs, err := vuln.NewScanner(vuln.Options{
		DB:            db,
		VEX:           statements,
		Root:          root,
		Reachability:  vo.reachability,
		ReachableOnly: vo.reachableOnly,
		Offline:       vo.offline,

		ReachabilityTimeout: vo.reachTimeout,
		ReachabilityCache:   reach.DefaultCacheDir(),
	})
	if err != nil {
		db.Close()
		return nil, "", fmt.Errorf("vulnerability database: %w", err)
	}
	return vs, notice, nil
}
