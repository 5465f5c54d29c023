package secret

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/fourc-dev/fourc/internal/finding"
)

// The part of a Gitleaks (v8) TOML config that fourc reads. Keys are
// matched ignoring case, as Gitleaks does.
type gitleaksFile struct {
	Title  string `toml:"title"`
	Extend struct {
		Path          string   `toml:"path"`
		URL           string   `toml:"url"`
		UseDefault    bool     `toml:"useDefault"`
		DisabledRules []string `toml:"disabledRules"`
	} `toml:"extend"`
	Rules []gitleaksRule `toml:"rules"`
	// Allowlist is the older single global allowlist; Allowlists the newer
	// list, whose entries may target rules.
	Allowlist  *gitleaksAllowlist  `toml:"allowlist"`
	Allowlists []gitleaksAllowlist `toml:"allowlists"`
}

type gitleaksRule struct {
	ID          string              `toml:"id"`
	Description string              `toml:"description"`
	Regex       string              `toml:"regex"`
	SecretGroup int                 `toml:"secretGroup"`
	Entropy     float64             `toml:"entropy"`
	Path        string              `toml:"path"`
	Keywords    []string            `toml:"keywords"`
	Tags        []string            `toml:"tags"`
	Allowlist   *gitleaksAllowlist  `toml:"allowlist"`
	Allowlists  []gitleaksAllowlist `toml:"allowlists"`
	Required    []struct {
		ID string `toml:"id"`
	} `toml:"required"`
	SkipReport bool `toml:"skipReport"`
}

type gitleaksAllowlist struct {
	Description string   `toml:"description"`
	Condition   string   `toml:"condition"`
	Commits     []string `toml:"commits"`
	Paths       []string `toml:"paths"`
	RegexTarget string   `toml:"regexTarget"`
	Regexes     []string `toml:"regexes"`
	StopWords   []string `toml:"stopwords"`
	TargetRules []string `toml:"targetRules"`
}

// gitleaksSet is what a Gitleaks config contributes: rules (all reported as
// FC-SEC-900), global allowlists, the rules it could not use and why, and
// the names its [extend] section disables.
type gitleaksSet struct {
	rules    []Rule
	global   []Allowlist
	skipped  []finding.Skipped
	disabled []string
}

// maxExtendDepth bounds [extend] path chains, as Gitleaks does.
const maxExtendDepth = 2

// loadGitleaks reads a Gitleaks config file and the files it extends.
func loadGitleaks(path string) (gitleaksSet, error) {
	return loadGitleaksDepth(path, 0)
}

func loadGitleaksDepth(path string, depth int) (gitleaksSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return gitleaksSet{}, fmt.Errorf("reading gitleaks config: %w", err)
	}
	set, ext, err := parseGitleaks(data, path)
	if err != nil {
		return set, err
	}
	if ext == "" {
		return set, nil
	}
	if depth >= maxExtendDepth {
		set.skipped = append(set.skipped, finding.Skipped{Path: path, Scanner: scannerName,
			Reason: fmt.Sprintf("gitleaks config: extend.path %q not loaded: more than %d levels of extend", ext, maxExtendDepth)})
		return set, nil
	}
	if !filepath.IsAbs(ext) {
		ext = filepath.Join(filepath.Dir(path), ext)
	}
	base, err := loadGitleaksDepth(ext, depth+1)
	if err != nil {
		return set, fmt.Errorf("gitleaks config %q: extend: %w", path, err)
	}
	// The extending file wins: its rules replace base rules of the same id.
	mine := map[string]bool{}
	for _, r := range set.rules {
		mine[r.Name] = true
	}
	var merged []Rule
	for _, r := range base.rules {
		if !mine[r.Name] {
			merged = append(merged, r)
		}
	}
	set.rules = append(merged, set.rules...)
	set.global = append(base.global, set.global...)
	set.skipped = append(base.skipped, set.skipped...)
	set.disabled = append(base.disabled, set.disabled...)
	return set, nil
}

// parseGitleaks translates one Gitleaks config. A rule fourc cannot run
// (a regexp RE2 rejects, a composite rule) is left out and listed as
// skipped with the reason; only a file that is not valid TOML is an error.
// It returns the extend.path to load, if any.
func parseGitleaks(data []byte, name string) (gitleaksSet, string, error) {
	var set gitleaksSet
	var f gitleaksFile
	if _, err := toml.Decode(string(data), &f); err != nil {
		return set, "", fmt.Errorf("parsing gitleaks config %q: %w", name, err)
	}
	skip := func(format string, args ...any) {
		set.skipped = append(set.skipped, finding.Skipped{Path: name, Scanner: scannerName, Reason: "gitleaks config: " + fmt.Sprintf(format, args...)})
	}
	if f.Extend.URL != "" {
		skip("extend.url %q not fetched: fourc reads configs offline", f.Extend.URL)
	}
	if f.Extend.Path != "" && f.Extend.UseDefault {
		skip("extend.path and extend.useDefault are both set; extend.path is ignored")
		f.Extend.Path = ""
	}
	// extend.useDefault needs nothing: fourc's built-in rules play the part
	// of Gitleaks' defaults and stay on unless disabled.
	set.disabled = f.Extend.DisabledRules

	targeted := map[string][]Allowlist{}
	globals := f.Allowlists
	if f.Allowlist != nil {
		globals = append([]gitleaksAllowlist{*f.Allowlist}, globals...)
	}
	for i, ga := range globals {
		a, err := ga.translate()
		if err != nil {
			skip("global allowlist #%d: %v", i+1, err)
			continue
		}
		if len(ga.TargetRules) == 0 {
			set.global = append(set.global, a)
			continue
		}
		for _, id := range ga.TargetRules {
			targeted[id] = append(targeted[id], a)
		}
	}

	known := map[string]bool{}
	for i, gr := range f.Rules {
		r, err := gr.translate()
		if err != nil {
			id := gr.ID
			if id == "" {
				id = fmt.Sprintf("#%d", i+1)
			}
			skip("rule %q skipped: %v", id, err)
			continue
		}
		if known[r.Name] {
			skip("rule %q skipped: duplicate id", r.Name)
			continue
		}
		known[r.Name] = true
		r.Allowlists = append(r.Allowlists, targeted[r.Name]...)
		set.rules = append(set.rules, r)
	}
	for id := range targeted {
		if !known[id] {
			skip("allowlist targets rule %q, which is not defined here", id)
		}
	}
	return set, f.Extend.Path, nil
}

func (gr gitleaksRule) translate() (Rule, error) {
	switch {
	case gr.ID == "":
		return Rule{}, errors.New("no id")
	case gr.Regex == "" && gr.Path == "":
		return Rule{}, errors.New("neither regex nor path")
	case len(gr.Required) > 0:
		return Rule{}, errors.New("composite rules ([[rules.required]]) are not supported")
	case gr.SkipReport:
		return Rule{}, errors.New("skipReport is set: the rule only feeds composite rules")
	case gr.SecretGroup < 0:
		return Rule{}, fmt.Errorf("negative secretGroup %d", gr.SecretGroup)
	}
	if gr.Regex != "" {
		re, err := compileRE(gr.Regex)
		if err != nil {
			return Rule{}, err
		}
		if gr.SecretGroup > re.NumSubexp() {
			return Rule{}, fmt.Errorf("secretGroup %d but the regex has %d groups", gr.SecretGroup, re.NumSubexp())
		}
	}
	if gr.Path != "" {
		if _, err := compileRE(gr.Path); err != nil {
			return Rule{}, fmt.Errorf("path: %w", err)
		}
	}
	lists := gr.Allowlists
	if gr.Allowlist != nil {
		lists = append([]gitleaksAllowlist{*gr.Allowlist}, lists...)
	}
	var allow []Allowlist
	for i, ga := range lists {
		a, err := ga.translate()
		if err != nil {
			return Rule{}, fmt.Errorf("allowlist #%d: %w", i+1, err)
		}
		allow = append(allow, a)
	}
	keywords := make([]string, 0, len(gr.Keywords))
	for _, k := range gr.Keywords {
		if k = strings.ToLower(k); k != "" {
			keywords = append(keywords, k)
		}
	}
	label := fmt.Sprintf("secret (gitleaks rule %q)", gr.ID)
	if gr.Regex == "" {
		label = fmt.Sprintf("file matching gitleaks rule %q", gr.ID)
	}
	// Gitleaks runs a rule's regexp over the whole fragment; the pattern
	// here sees 4 KiB from the start of a keyword's line, which covers
	// multi-line secrets such as private keys.
	return Rule{
		Meta:        customMeta(),
		Name:        gr.ID,
		Label:       label,
		Keywords:    keywords,
		Pattern:     gr.Regex,
		SecretGroup: gr.SecretGroup,
		Entropy:     gr.Entropy,
		Path:        gr.Path,
		Allowlists:  allow,
		Multiline:   true,
		Span:        4 << 10,
	}, nil
}

func (ga gitleaksAllowlist) translate() (Allowlist, error) {
	a := Allowlist{Stopwords: ga.StopWords, Regexes: ga.Regexes, Paths: ga.Paths}
	switch strings.ToUpper(ga.Condition) {
	case "", "OR", "||":
	case "AND", "&&":
		a.And = true
	default:
		return a, fmt.Errorf("unknown condition %q (want AND or OR)", ga.Condition)
	}
	switch t := strings.ToLower(ga.RegexTarget); t {
	case "", targetSecret, targetMatch, targetLine:
		a.Target = t
	default:
		return a, fmt.Errorf("unknown regexTarget %q (want secret, match or line)", ga.RegexTarget)
	}
	if _, err := compileAllowlist(a); err != nil {
		return a, err
	}
	return a, nil
}
