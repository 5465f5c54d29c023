package iac

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/source"
)

// Options tune the scanner. The zero value is the default.
type Options struct {
	// Exclude holds the path globs the scan skips, with the rules of
	// engine.Options.Exclude. A directory called as a module only from
	// excluded directories is scanned on its own, not left to callers
	// that will never be scanned.
	Exclude []string
	// Rules are the user's rules (fourc.yaml iac.rules), run beside
	// fourc's own.
	Rules *RuleSet
}

// Scanner audits Terraform modules, Terraform plan JSON, CloudFormation
// templates and Azure Resource Manager (ARM) JSON templates. It implements engine.Scanner and engine.Grouper: the unit of
// a Terraform module is its directory; a plan or template is its own unit.
type Scanner struct {
	opts    Options
	checks  *catalogue
	rules   []*RuleSet
	callers *callers
}

// NewScanner returns a scanner with every check of the package.
func NewScanner(opts Options) *Scanner {
	return &Scanner{opts: opts, checks: newCatalogue(), rules: []*RuleSet{mustBuiltinRules(), opts.Rules}, callers: &callers{exclude: opts.Exclude}}
}

// Checks lists the metadata of every check of the package: the Go checks
// and fourc's rules.
func Checks() []check.Meta { return append(newCatalogue().metas(), mustBuiltinRules().Checks()...) }

// mustBuiltinRules returns fourc's own rules. They are part of the
// program: a rule pack that does not compile fails every test.
func mustBuiltinRules() *RuleSet {
	set, err := builtinRules()
	if err != nil {
		panic(fmt.Sprintf("iac: fourc's rule packs: %v", err))
	}
	return set
}

// evaluate runs every check and rule over a module.
func (s *Scanner) evaluate(ctx context.Context, m *Module) ([]finding.Finding, []finding.Skipped) {
	out := s.checks.run(m)
	var skipped []finding.Skipped
	for _, rs := range s.rules {
		f, sk := rs.run(ctx, m)
		out = append(out, f...)
		skipped = append(skipped, sk...)
	}
	return out, skipped
}

// Name implements engine.Scanner.
func (s *Scanner) Name() string { return scannerName }

// Wants implements engine.Scanner: Terraform configuration and variable
// files, and JSON/YAML files that may be plans or templates (sniffed when
// scanned). Modules installed by `terraform init` (.terraform/) are loaded
// through their callers only.
func (s *Scanner) Wants(p string) bool {
	if strings.HasPrefix(p, ".terraform/") || strings.Contains(p, "/.terraform/") {
		return false
	}
	base := path.Base(p)
	switch {
	case isConfigFile(base), isAutoVarsFile(base):
		return true
	case strings.HasSuffix(base, ".json"):
		return !strings.HasSuffix(base, ".tfvars.json")
	case strings.HasSuffix(base, ".yaml"), strings.HasSuffix(base, ".yml"), strings.HasSuffix(base, ".template"):
		return true
	}
	return false
}

// Unit implements engine.Grouper: a Terraform file belongs to its
// directory's module; any other file stands alone.
func (s *Scanner) Unit(p string) string {
	base := path.Base(p)
	if isConfigFile(base) || isAutoVarsFile(base) {
		return path.Dir(p)
	}
	return p
}

// Describe implements engine.Describer.
func (s *Scanner) Describe(unit string) string {
	switch path.Ext(unit) {
	case ".json", ".yaml", ".yml", ".template":
		return "checking " + unit
	}
	return "evaluating Terraform module " + unit
}

// Scan implements engine.Scanner. A directory that another directory of
// the tree calls as a local module is not scanned on its own: its findings
// come from its callers' scans, with the inputs they give it.
func (s *Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string) ([]finding.Finding, []finding.Skipped) {
	f, _, sk := s.scan(ctx, fsys, paths)
	return f, sk
}

// scan is Scan that also returns the Terraform module of the unit, nil
// when the unit has none or another directory calls it.
func (s *Scanner) scan(ctx context.Context, fsys fs.FS, paths []string) ([]finding.Finding, *Module, []finding.Skipped) {
	if len(paths) == 0 || ctx.Err() != nil {
		return nil, nil, nil
	}
	var tf []string
	var findings []finding.Finding
	var skipped []finding.Skipped
	for _, p := range paths {
		base := path.Base(p)
		if isConfigFile(base) || isAutoVarsFile(base) {
			tf = append(tf, p)
			continue
		}
		m, sk := loadDocument(ctx, fsys, p)
		skipped = append(skipped, sk...)
		if m != nil {
			f, sk := s.evaluate(ctx, m)
			findings = append(findings, f...)
			skipped = append(skipped, sk...)
		}
	}
	var mod *Module
	if len(tf) > 0 && !s.callers.isCalled(ctx, fsys, path.Dir(tf[0])) {
		m, sk := loadModule(ctx, fsys, path.Dir(tf[0]), tf)
		skipped = append(skipped, sk...)
		f, sk := s.evaluate(ctx, m)
		findings = append(findings, f...)
		skipped = append(skipped, sk...)
		mod = m
	}
	return findings, mod, skipped
}

// loadModule loads the Terraform module in dir (only the named files
// of it when files is not empty) (all its *.tf, *.tf.json,
// terraform.tfvars and *.auto.tfvars files) with the local modules it
// calls, evaluates it and returns its models. Files that cannot be read or
// parsed are returned as skipped; the rest of the module still loads.
//
// Loading is bounded by the budgets of [limits.From](ctx): nesting depth,
// the size of the values evaluation builds, evaluation steps, the
// per-input deadline, and ctx itself. A module tree that exceeds one is
// returned empty, with one skipped entry naming the directory and the
// budget.
func loadModule(ctx context.Context, fsys fs.FS, dir string, files []string) (*Module, []finding.Skipped) {
	g := newGuard(ctx)
	l := newLoader(g, fsys)
	l.manifest = readManifest(fsys, dir)
	cfg := l.dir(dir, files)
	if g.err != nil {
		return notEvaluated(dir, g.err, l.skipped)
	}
	root := l.evaluate(cfg, "", "", nil, nil)
	if g.err != nil {
		return notEvaluated(dir, g.err, l.skipped)
	}
	m := &Module{Dir: dir, Calls: root.moduleCalls()}
	for _, p := range cfg.providers {
		if p.Labels[0] == "aws" && len(m.AWS.Providers) == 0 {
			m.AWS.Providers = append(m.AWS.Providers, &AWSProvider{Block: Block{Type: "provider", Address: "provider.aws", Range: toRange(p.DefRange)}})
		}
	}
	build(m, root.instances())
	if g.err != nil {
		return notEvaluated(dir, g.err, l.skipped)
	}
	return m, l.skipped
}

// notEvaluated is the result of a module tree that exceeded a budget: no
// findings (a partial evaluation could report what is not there), and a
// skipped entry naming the directory and the budget.
func notEvaluated(dir string, err error, skipped []finding.Skipped) (*Module, []finding.Skipped) {
	return &Module{Dir: dir}, append(skipped, finding.Skipped{
		Path: dir, Scanner: scannerName,
		Reason: fmt.Sprintf("Terraform module not evaluated: %v", err),
	})
}

// loadDocument loads a JSON or YAML file that may be a Terraform plan, an
// ARM template or a CloudFormation template; a file that is none of them
// yields no module.
func loadDocument(ctx context.Context, fsys fs.FS, p string) (*Module, []finding.Skipped) {
	head, err := readHead(fsys, p, 4096)
	if err != nil {
		return nil, []finding.Skipped{{Path: p, Scanner: scannerName, Reason: err.Error()}}
	}
	switch {
	case strings.HasSuffix(p, ".tfplan.json"), strings.HasSuffix(p, ".json") && isPlan(head):
		return loadPlan(ctx, fsys, p)
	case strings.HasSuffix(p, ".json") && isARM(head):
		return loadARM(ctx, fsys, p)
	case isTemplate(head):
		return loadTemplate(ctx, fsys, p)
	}
	return nil, nil
}

// readHead reads up to n bytes from the start of a file.
func readHead(fsys fs.FS, p string, n int) ([]byte, error) {
	if st, err := fs.Stat(fsys, p); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%q: %w", p, source.ErrNotRegular)
	}
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	k, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("reading %q: %w", p, err)
	}
	return buf[:k], nil
}
