package iac

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/strictyaml"
)

// Rule is a cloud check written as data: metadata, the resource types it
// applies to, and a CEL condition over one resource (the variable `r`,
// see view.go) that is true when the resource is insecure. fourc's own
// rules live in rules/<provider>/<service>.yaml with a failing and a
// passing fixture each; a user's live in fourc.yaml under iac.rules.
//
//   - id: FC-AWS-120
//     title: Lambda function environment holds a secret
//     severity: high
//     types: [aws_lambda_function]
//     condition: size(secretKeys(r.environment.variables)) > 0
//     at: environment
//     cfn: {types: ["AWS::Lambda::Function"], condition: size(secretKeys(r.Environment.Variables)) > 0}
//     fail: |
//     resource "aws_lambda_function" "f" { … }
//     pass: |
//     …
//
// A condition that reads a value that cannot be known offline is never
// true. The same condition serves Terraform HCL and plan JSON; CloudFormation
// and ARM resources are matched through their own types and, where their
// property names differ, their own condition. CloudFormation property names
// also resolve from Terraform's (storage_encrypted finds StorageEncrypted).
type Rule struct {
	ID       string `yaml:"id"`
	Title    string `yaml:"title"`
	Severity string `yaml:"severity"`
	// Service groups the rule in docs/coverage.md ("s3", "iam", "aks").
	Service     string `yaml:"service,omitempty"`
	Description string `yaml:"description,omitempty"`
	Remediation string `yaml:"remediation,omitempty"`
	// Types are the Terraform resource types ("data." prefixed for data
	// sources) the condition applies to.
	Types     []string `yaml:"types,omitempty"`
	Condition string   `yaml:"condition,omitempty"`
	// At is the field path (dot-separated) a finding points at when it is
	// set; by default the finding points at the last field the condition
	// read that is set, or the resource.
	At string `yaml:"at,omitempty"`
	// Message replaces the title as the finding's message.
	Message string   `yaml:"message,omitempty"`
	CFN     *Variant `yaml:"cfn,omitempty"`
	ARM     *Variant `yaml:"arm,omitempty"`

	AVD   []string `yaml:"avd,omitempty"`
	TFSec []string `yaml:"tfsec,omitempty"`
	CIS   []string `yaml:"cis,omitempty"`
	CWE   []int    `yaml:"cwe,omitempty"`
	Links []string `yaml:"links,omitempty"`

	// Fail and Pass are fixtures: each case is a tree of files (a bare
	// string is main.tf) on which the rule must fire, or must not.
	Fail Cases `yaml:"fail,omitempty"`
	Pass Cases `yaml:"pass,omitempty"`

	line int
	file string
}

// Variant applies a rule to another source format.
type Variant struct {
	Types []string `yaml:"types"`
	// Condition defaults to the rule's.
	Condition string `yaml:"condition,omitempty"`
}

// Cases are fixture trees: file name to content.
type Cases []map[string]string

// UnmarshalYAML accepts one case or a list of them; a case is a mapping
// of file names to contents, or a string that is main.tf.
func (c *Cases) UnmarshalYAML(n *yaml.Node) error {
	one := func(n *yaml.Node) (map[string]string, error) {
		if n.Kind == yaml.ScalarNode {
			return map[string]string{"main.tf": n.Value}, nil
		}
		var m map[string]string
		return m, n.Decode(&m)
	}
	if n.Kind != yaml.SequenceNode {
		m, err := one(n)
		*c = Cases{m}
		return err
	}
	for _, it := range n.Content {
		m, err := one(it)
		if err != nil {
			return err
		}
		*c = append(*c, m)
	}
	return nil
}

// compiledRule is a rule ready to run: one program per format.
type compiledRule struct {
	meta check.Meta
	rule Rule
	user bool
}

// RuleSet indexes compiled rules by format and resource type.
type RuleSet struct {
	rules  []*compiledRule
	byType map[string][]program
}

// program is one condition of a rule. fourc's own rules compile on first
// use, so that a scan pays only for the resource types it meets (their
// tests compile them all); a user's compile when they are read, so that a
// mistake stops the run before any scan.
type program struct {
	rule *compiledRule
	cond string
	prg  func() (cel.Program, error)
}

// typeKey indexes programs; ARM resource types are case-insensitive.
func typeKey(format, typ string) string {
	if format == FormatARM {
		typ = strings.ToLower(typ)
	}
	return format + "\x00" + typ
}

//go:embed rules
var ruleFiles embed.FS

// builtinRules parses and compiles fourc's rule packs once.
var builtinRules = sync.OnceValues(func() (*RuleSet, error) {
	rules, err := readRulePacks(ruleFiles)
	if err != nil {
		return nil, err
	}
	return compileRules(rules, false, false)
})

// readRulePacks reads every rules/<provider>/*.yaml file.
func readRulePacks(fsys fs.FS) ([]Rule, error) {
	var out []Rule
	err := fs.WalkDir(fsys, "rules", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".yaml" {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if len(doc.Content) == 0 {
			return nil
		}
		rs, err := decodeRules(doc.Content[0].Content, p)
		if err != nil {
			return err
		}
		out = append(out, rs...)
		return nil
	})
	return out, err
}

// DecodeRules decodes the user's rules (fourc.yaml iac.rules, kept as
// YAML nodes by config), strictly: an unknown key names its line.
func DecodeRules(nodes []yaml.Node, file string) ([]Rule, error) {
	ptrs := make([]*yaml.Node, len(nodes))
	for i := range nodes {
		ptrs[i] = &nodes[i]
	}
	return decodeRules(ptrs, file)
}

func decodeRules(nodes []*yaml.Node, file string) ([]Rule, error) {
	out := make([]Rule, 0, len(nodes))
	for i, n := range nodes {
		var r Rule
		if err := strictyaml.Decode(n, &r); err != nil {
			return nil, fmt.Errorf("%s: iac rule %d (line %d): %w", file, i+1, n.Line, err)
		}
		r.line, r.file = n.Line, file
		out = append(out, r)
	}
	return out, nil
}

// ruleEnv is the environment conditions compile in: `r` is the resource,
// plus the helper functions of rule_funcs.go.
var ruleEnv = sync.OnceValues(func() (*cel.Env, error) {
	return cel.NewEnv(append([]cel.EnvOption{cel.Variable("r", cel.DynType)}, ruleFunctions()...)...)
})

// ruleCostLimit bounds one evaluation of one rule on one resource.
const ruleCostLimit = 100_000

// CompileRules checks and compiles the user's rules: an ID outside fourc's
// FC- namespace, a title, a severity, types and a condition that compiles.
func CompileRules(rules []Rule) (*RuleSet, error) { return compileRules(rules, true, true) }

// compileRules indexes rules; eager compiles every condition now.
func compileRules(rules []Rule, user, eager bool) (*RuleSet, error) {
	set := &RuleSet{byType: map[string][]program{}}
	seen := map[string]bool{}
	for i := range rules {
		r := rules[i]
		name := fmt.Sprintf("%s: iac rule %q (line %d)", r.file, r.ID, r.line)
		if user {
			if err := check.ValidUserID(r.ID); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
		if seen[r.ID] {
			return nil, fmt.Errorf("%s: duplicate id", name)
		}
		seen[r.ID] = true
		sev, err := finding.ParseSeverity(r.Severity)
		switch {
		case err != nil || sev == finding.SeverityUnknown:
			return nil, fmt.Errorf("%s: severity %q: want critical, high, medium, low or info", name, r.Severity)
		case strings.TrimSpace(r.Title) == "":
			return nil, fmt.Errorf("%s: title is required", name)
		case len(r.Types) == 0 && r.CFN == nil && r.ARM == nil:
			return nil, fmt.Errorf("%s: types is required", name)
		}
		c := &compiledRule{rule: r, user: user, meta: ruleMeta(r, sev)}
		set.rules = append(set.rules, c)
		for _, v := range []struct {
			format string
			types  []string
			cond   string
		}{
			{FormatTerraform, r.Types, r.Condition},
			{FormatCloudFormation, variantTypes(r.CFN), variantCond(r.CFN, r.Condition)},
			{FormatARM, variantTypes(r.ARM), variantCond(r.ARM, r.Condition)},
		} {
			if len(v.types) == 0 {
				continue
			}
			cond := v.cond
			prg := sync.OnceValues(func() (cel.Program, error) {
				env, err := ruleEnv()
				if err != nil {
					return nil, err
				}
				return compileCondition(env, cond)
			})
			if eager {
				if _, err := prg(); err != nil {
					return nil, fmt.Errorf("%s: %s condition: %w", name, v.format, err)
				}
			}
			for _, t := range v.types {
				set.byType[typeKey(v.format, t)] = append(set.byType[typeKey(v.format, t)], program{rule: c, cond: cond, prg: prg})
			}
		}
	}
	return set, nil
}

func variantTypes(v *Variant) []string {
	if v == nil {
		return nil
	}
	return v.Types
}

func variantCond(v *Variant, dflt string) string {
	if v == nil || v.Condition == "" {
		return dflt
	}
	return v.Condition
}

func compileCondition(env *cel.Env, cond string) (cel.Program, error) {
	if strings.TrimSpace(cond) == "" {
		return nil, fmt.Errorf("empty")
	}
	ast, iss := env.Compile(cond)
	if iss != nil && iss.Err() != nil {
		return nil, iss.Err()
	}
	if t := ast.OutputType(); t != cel.BoolType && t != cel.DynType {
		return nil, fmt.Errorf("yields %s, want bool", t)
	}
	return env.Program(ast, cel.CostLimit(ruleCostLimit))
}

// ruleMeta builds a rule's check metadata with its references.
func ruleMeta(r Rule, sev finding.Severity) check.Meta {
	var refs []finding.Reference
	for _, id := range r.AVD {
		refs = append(refs, finding.Reference{Source: id, URL: "https://avd.aquasec.com/misconfig/" + strings.ToLower(id)})
	}
	for _, id := range r.TFSec {
		refs = append(refs, finding.Reference{Source: "tfsec:" + id, URL: tfsecURL(id)})
	}
	for _, c := range r.CIS {
		refs = append(refs, finding.Reference{Source: c, URL: cisURL(c)})
	}
	for _, n := range r.CWE {
		refs = append(refs, cwe(n))
	}
	for _, l := range r.Links {
		refs = append(refs, finding.Reference{Source: linkSource(l), URL: l})
	}
	desc := r.Description
	if desc == "" {
		desc = r.Title + "."
	}
	fix := r.Remediation
	if fix == "" && r.user() {
		fix = "See the rule's description."
	}
	return check.New(r.ID, r.Title, sev, finding.LayerCloud, desc, fix, refs...)
}

func (r Rule) user() bool { return !strings.HasPrefix(r.ID, "FC-") }

// tfsecURL is the documentation page of a tfsec check ID
// ("aws-s3-enable-versioning" → …/checks/aws/s3/enable-versioning/).
// A few of tfsec's service names hold a dash themselves.
func tfsecURL(id string) string {
	prov, rest, _ := strings.Cut(id, "-")
	svc, code, ok := strings.Cut(rest, "-")
	for _, dashed := range []string{"api-gateway", "elastic-search", "security-center"} {
		if c, found := strings.CutPrefix(rest, dashed+"-"); found {
			svc, code, ok = dashed, c, true
		}
	}
	if !ok {
		return "https://aquasecurity.github.io/tfsec/latest/checks/"
	}
	return fmt.Sprintf("https://aquasecurity.github.io/tfsec/latest/checks/%s/%s/%s/", prov, svc, code)
}

func cisURL(item string) string {
	switch {
	case strings.Contains(item, "AWS"):
		return "https://www.cisecurity.org/benchmark/amazon_web_services"
	case strings.Contains(item, "Azure"):
		return "https://www.cisecurity.org/benchmark/azure"
	case strings.Contains(item, "Google"), strings.Contains(item, "GCP"):
		return "https://www.cisecurity.org/benchmark/google_cloud_computing_platform"
	}
	return "https://www.cisecurity.org/cis-benchmarks"
}

func linkSource(u string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if i := strings.IndexByte(s, '/'); i > 0 {
		s = s[:i]
	}
	return s
}

// Checks lists the rules' metadata, for the catalogue.
func (s *RuleSet) Checks() []check.Meta {
	if s == nil {
		return nil
	}
	out := make([]check.Meta, len(s.rules))
	for i, r := range s.rules {
		out[i] = r.meta
	}
	return out
}

// run evaluates the rules over every resource of a module, until ctx is
// done. A user rule that fails to evaluate is reported once as a skipped
// entry.
func (s *RuleSet) run(ctx context.Context, m *Module) ([]finding.Finding, []finding.Skipped) {
	if s == nil || len(s.byType) == 0 {
		return nil, nil
	}
	var out []finding.Finding
	failed := map[*compiledRule]error{}
	for _, res := range m.Resources {
		if ctx.Err() != nil {
			return nil, nil
		}
		progs := s.byType[typeKey(res.Format, res.Type)]
		if len(progs) == 0 {
			continue
		}
		track := &reads{}
		view := newResourceView(res.node, track)
		for _, p := range progs {
			track.last = Range{}
			prg, err := p.prg()
			if err != nil {
				failed[p.rule] = err
				continue
			}
			v, _, err := prg.Eval(map[string]any{"r": view})
			if b, ok := v.(types.Bool); err != nil || !ok || !bool(b) {
				if err != nil && p.rule.user && failed[p.rule] == nil {
					failed[p.rule] = err
				}
				continue
			}
			r := track.last
			if p.rule.rule.At != "" {
				r = fieldRange(view, track, p.rule.rule.At)
			}
			viol := check.Violation{Message: p.rule.rule.Message, Field: p.rule.rule.At}
			if r.Path == res.Range.Path && r.StartLine > 0 {
				viol.Line = r.StartLine
			}
			emit(&out, m.Dir, &res.Block, p.rule.meta, viol)
		}
	}
	var skipped []finding.Skipped
	for _, r := range s.rules {
		if err := failed[r]; err != nil {
			skipped = append(skipped, finding.Skipped{Path: m.Dir, Scanner: scannerName,
				Reason: fmt.Sprintf("iac rule %s (%s line %d) failed to evaluate: %v", r.rule.ID, r.rule.file, r.rule.line, err)})
		}
	}
	return out, skipped
}

// fieldRange resolves a dot-separated field path on a resource view and
// returns the range of the deepest part that is set.
func fieldRange(o *object, track *reads, at string) Range {
	track.last = Range{}
	var cur any = o
	for _, part := range strings.Split(at, ".") {
		switch c := cur.(type) {
		case *object:
			cur = c.get(part)
		case *blockList:
			cur = c.Get(types.String(part))
		default:
			return track.last
		}
	}
	return track.last
}

// RuleFixture is one fixture tree of one of fourc's rules.
type RuleFixture struct {
	// Name is unique: the rule's ID, "fail" or "pass", and the case number.
	Name  string
	Files map[string]string
}

// RuleFixtures lists the fixture trees of fourc's rules, for benchmarks
// that scan a realistic mix of modules.
func RuleFixtures() ([]RuleFixture, error) {
	rules, err := readRulePacks(ruleFiles)
	if err != nil {
		return nil, err
	}
	var out []RuleFixture
	for _, r := range rules {
		for kind, cases := range map[string]Cases{"fail": r.Fail, "pass": r.Pass} {
			for i, c := range cases {
				out = append(out, RuleFixture{Name: fmt.Sprintf("%s/%s%d", r.ID, kind, i+1), Files: c})
			}
		}
	}
	slices.SortFunc(out, func(a, b RuleFixture) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
