package secret

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// Options configure the rule set. The zero value runs every built-in rule.
type Options struct {
	// DisabledRules turns rules off, by check ID ("FC-SEC-020") or by rule
	// name ("generic-secret", or the id of a Gitleaks rule). "FC-SEC-900"
	// turns off every Gitleaks rule. An entry that names no rule is an error.
	DisabledRules []string
	// ExtraRules are user rules from fourc.yaml (see [RuleConfig]).
	ExtraRules []RuleConfig
	// GitleaksConfig is the path of a Gitleaks TOML config whose rules are
	// added; their findings carry the ID FC-SEC-900 (see [customMeta]).
	GitleaksConfig string
}

// RuleConfig is a user rule, as written under secrets.rules in fourc.yaml:
//
//	secrets:
//	  rules:
//	    - id: ACME-TOKEN
//	      title: Acme API token
//	      severity: high
//	      keywords: [acme_]
//	      regex: '\b(acme_[a-z0-9]{32})\b'
//	      entropy: 3.5
//	      allowlist:
//	        stopwords: [example]
//
// A user rule is a check of its own, in the user's namespace of the
// registry: its ID is a short name of letters, digits, '.', '_' and '-'
// that does not start with "FC-" (see [check.ValidUserID]), e.g.
// "ACME-TOKEN". It passes through the same registry, ignore file and SARIF
// output as every other check, and can never collide with a check fourc
// adds later.
type RuleConfig struct {
	// ID is the user's own, outside FC- (see [check.ValidUserID]).
	ID string `yaml:"id" json:"id"`
	// Name is a short slug; it defaults to the ID.
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Title is the check's title, e.g. "Acme API token".
	Title string `yaml:"title" json:"title"`
	// Description and Remediation default to generic text.
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	Remediation string `yaml:"remediation,omitempty" json:"remediation,omitempty"`
	// Severity defaults to HIGH.
	Severity finding.Severity `yaml:"severity,omitempty" json:"severity,omitempty"`
	// Keywords: see [Rule.Keywords].
	Keywords []string `yaml:"keywords,omitempty" json:"keywords,omitempty"`
	// Regex finds the secret (RE2 syntax); see [Rule.Pattern].
	Regex       string `yaml:"regex" json:"regex"`
	SecretGroup int    `yaml:"secret-group,omitempty" json:"secret_group,omitempty"`
	// Entropy is the minimum Shannon entropy of the secret.
	Entropy float64 `yaml:"entropy,omitempty" json:"entropy,omitempty"`
	// Path restricts the rule to paths matching this regexp.
	Path      string          `yaml:"path,omitempty" json:"path,omitempty"`
	Allowlist AllowlistConfig `yaml:"allowlist,omitempty" json:"allowlist,omitempty"`
}

// AllowlistConfig drops matches of a user rule: any stopword found in the
// secret, any regex matching the secret, or any path regex matching the
// file's path.
type AllowlistConfig struct {
	Stopwords []string `yaml:"stopwords,omitempty" json:"stopwords,omitempty"`
	Regexes   []string `yaml:"regexes,omitempty" json:"regexes,omitempty"`
	Paths     []string `yaml:"paths,omitempty" json:"paths,omitempty"`
}

func (rc RuleConfig) rule() (Rule, error) {
	if err := check.ValidUserID(rc.ID); err != nil {
		return Rule{}, fmt.Errorf("secret rule %q: %w", rc.ID, err)
	}
	if rc.Regex == "" {
		return Rule{}, fmt.Errorf("secret rule %s: regex is empty", rc.ID)
	}
	if strings.TrimSpace(rc.Title) == "" {
		return Rule{}, fmt.Errorf("secret rule %s: title is empty", rc.ID)
	}
	sev := rc.Severity
	if sev == finding.SeverityUnknown {
		sev = finding.SeverityHigh
	}
	name := rc.Name
	if name == "" {
		name = rc.ID
	}
	desc := rc.Description
	if desc == "" {
		desc = fmt.Sprintf("A value matching the user rule %q was found in a file; whoever reads the file can use it.", rc.Title)
	}
	rem := rc.Remediation
	if rem == "" {
		rem = "Revoke the credential, remove it from the file and its history, and load it from a secret store at run time."
	}
	var allow []Allowlist
	if a := rc.Allowlist; len(a.Stopwords)+len(a.Regexes)+len(a.Paths) > 0 {
		allow = []Allowlist{{Stopwords: a.Stopwords, Regexes: a.Regexes, Paths: a.Paths}}
	}
	return Rule{
		Meta:        check.New(rc.ID, rc.Title, sev, finding.LayerCode, desc, rem, cwe798()),
		Name:        name,
		Label:       rc.Title,
		Keywords:    rc.Keywords,
		Pattern:     rc.Regex,
		SecretGroup: rc.SecretGroup,
		Entropy:     rc.Entropy,
		Path:        rc.Path,
		Allowlists:  allow,
		Multiline:   true,
		Span:        4 << 10,
	}, nil
}

// rules assembles the rule set: built-ins, then user rules, then Gitleaks
// rules, minus the disabled ones. Order is priority among equal severities.
func (o Options) rules() ([]Rule, []Allowlist, []finding.Skipped, error) {
	rules := BuiltinRules()
	seen := map[string]bool{}
	for _, r := range rules {
		seen[r.ID] = true
	}
	var errs []error
	for _, rc := range o.ExtraRules {
		r, err := rc.rule()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[r.ID] {
			errs = append(errs, fmt.Errorf("secret rule %s: duplicate ID", r.ID))
			continue
		}
		seen[r.ID] = true
		rules = append(rules, r)
	}
	var (
		global  []Allowlist
		skipped []finding.Skipped
		extDis  []string
	)
	if o.GitleaksConfig != "" {
		gl, err := loadGitleaks(o.GitleaksConfig)
		if err != nil {
			errs = append(errs, err)
		} else {
			rules = append(rules, gl.rules...)
			global = gl.global
			skipped = gl.skipped
			extDis = gl.disabled
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, nil, err
	}
	off := map[string]bool{}
	for _, id := range o.DisabledRules {
		if !slices.ContainsFunc(rules, func(r Rule) bool { return r.ID == id || r.Name == id }) && id != customID {
			errs = append(errs, fmt.Errorf("disabled secret rule %q: no such rule", id))
		}
		off[id] = true
	}
	for _, id := range extDis {
		off[id] = true // names of Gitleaks default rules fourc does not have are fine
	}
	rules = slices.DeleteFunc(rules, func(r Rule) bool { return off[r.ID] || off[r.Name] })
	return rules, global, skipped, errors.Join(errs...)
}
