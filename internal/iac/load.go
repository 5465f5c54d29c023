package iac

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/source"
)

// scannerName names this scanner in findings and skipped inputs.
const scannerName = "iac"

// dirConfig is the parsed, not yet evaluated, configuration of one
// Terraform directory.
type dirConfig struct {
	dir       string
	variables []*hcl.Block
	locals    []*hcl.Attribute
	resources []*hcl.Block
	data      []*hcl.Block
	modules   []*hcl.Block
	outputs   []*hcl.Block
	providers []*hcl.Block
	// tfvars are the values of terraform.tfvars and *.auto.tfvars, in the
	// order Terraform applies them.
	tfvars map[string]cty.Value
}

func rootSchema() *hcl.BodySchema {
	return &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "terraform"},
		{Type: "provider", LabelNames: []string{"name"}},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "output", LabelNames: []string{"name"}},
		{Type: "module", LabelNames: []string{"name"}},
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "data", LabelNames: []string{"type", "name"}},
	}}
}

// isConfigFile reports whether name is a Terraform configuration file.
func isConfigFile(name string) bool {
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")
}

// isAutoVarsFile reports whether Terraform loads name's variable values
// without being told: terraform.tfvars(.json) and *.auto.tfvars(.json).
func isAutoVarsFile(name string) bool {
	base := path.Base(name)
	return base == "terraform.tfvars" || base == "terraform.tfvars.json" ||
		strings.HasSuffix(base, ".auto.tfvars") || strings.HasSuffix(base, ".auto.tfvars.json")
}

// listDir returns the Terraform files of a directory, sorted.
func listDir(fsys fs.FS, dir string) ([]string, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		if isConfigFile(e.Name()) || isAutoVarsFile(e.Name()) {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// parseDir parses the given files of one directory. A file that cannot be
// read or parsed is skipped with a reason; the others are still used. A
// file nested deeper than the depth budget fails the guard, and with it
// the whole module tree.
func parseDir(g *guard, fsys fs.FS, dir string, files []string) (*dirConfig, []finding.Skipped) {
	cfg := &dirConfig{dir: dir, tfvars: map[string]cty.Value{}}
	var skipped []finding.Skipped
	p := hclparse.NewParser()
	skip := func(name, reason string) {
		skipped = append(skipped, finding.Skipped{Path: name, Scanner: scannerName, Reason: reason})
	}
	files = slices.Clone(files)
	// Terraform applies terraform.tfvars first, then *.auto.tfvars in
	// lexical order; sorting puts "terraform.tfvars" after "a.auto.tfvars",
	// so order the auto files explicitly.
	slices.SortFunc(files, func(a, b string) int {
		return strings.Compare(varsOrder(a), varsOrder(b))
	})
	for _, name := range files {
		if !isConfigFile(name) && !isAutoVarsFile(name) {
			continue
		}
		src, err := readRegular(fsys, name, 0)
		if err != nil {
			skip(name, fmt.Sprintf("reading Terraform file: %v", err))
			continue
		}
		if source.IsBinary(src) {
			skip(name, "binary content in a Terraform file")
			continue
		}
		f, err := parseFile(p, src, name, g.lim.Depth)
		if err != nil {
			g.fail(fmt.Errorf("parsing %q: %w", name, err))
			return cfg, skipped
		}
		if f == nil {
			skip(name, "parsing HCL: no content")
			continue
		}
		if f.diags.HasErrors() {
			skip(name, diagReason(f.diags))
			continue
		}
		if isAutoVarsFile(name) {
			attrs, _ := f.Body.JustAttributes()
			for n, a := range attrs {
				cfg.tfvars[n] = g.eval(a.Expr, nil)
			}
			continue
		}
		content, _, _ := f.Body.PartialContent(rootSchema())
		if content == nil {
			continue
		}
		for _, b := range content.Blocks {
			switch b.Type {
			case "variable":
				cfg.variables = append(cfg.variables, b)
			case "locals":
				attrs, _ := b.Body.JustAttributes()
				names := make([]string, 0, len(attrs))
				for n := range attrs {
					names = append(names, n)
				}
				slices.Sort(names)
				for _, n := range names {
					cfg.locals = append(cfg.locals, attrs[n])
				}
			case "resource":
				cfg.resources = append(cfg.resources, b)
			case "data":
				cfg.data = append(cfg.data, b)
			case "module":
				cfg.modules = append(cfg.modules, b)
			case "output":
				cfg.outputs = append(cfg.outputs, b)
			case "provider":
				cfg.providers = append(cfg.providers, b)
			}
		}
	}
	cfg.locals = orderLocals(cfg.locals)
	return cfg, skipped
}

// parsedFile is a parsed file and the parser's diagnostics.
type parsedFile struct {
	*hcl.File
	diags hcl.Diagnostics
}

// parseFile parses one Terraform file after checking its nesting against
// the depth budget, and instruments a native-syntax file for the guard.
// The error is a budget error; syntax errors are in the diagnostics.
func parseFile(p *hclparse.Parser, src []byte, name string, depth int) (*parsedFile, error) {
	if strings.HasSuffix(name, ".json") {
		if err := checkJSONSyntax(src, depth); err != nil {
			return nil, err
		}
		f, diags := p.ParseJSON(src, name)
		if f == nil {
			return nil, nil
		}
		return &parsedFile{f, diags}, nil
	}
	if hclTooDeep(src, depth) {
		return nil, limits.Exceeded("expression depth", depth)
	}
	f, diags := p.ParseHCL(src, name)
	if f == nil {
		return nil, nil
	}
	if body, ok := f.Body.(*hclsyntax.Body); ok && !diags.HasErrors() {
		if err := instrument(body, depth); err != nil {
			return nil, err
		}
	}
	return &parsedFile{f, diags}, nil
}

// orderLocals sorts locals so that each comes after the locals it refers
// to (cycles keep their order), so that one evaluation pass usually
// settles them all.
func orderLocals(locals []*hcl.Attribute) []*hcl.Attribute {
	byName := map[string]*hcl.Attribute{}
	for _, a := range locals {
		byName[a.Name] = a
	}
	state := map[string]int{} // 1 visiting, 2 done
	out := make([]*hcl.Attribute, 0, len(locals))
	var visit func(a *hcl.Attribute)
	visit = func(a *hcl.Attribute) {
		if state[a.Name] != 0 {
			return
		}
		state[a.Name] = 1
		for _, tr := range a.Expr.Variables() {
			if tr.RootName() != "local" || len(tr) < 2 {
				continue
			}
			if ta, ok := tr[1].(hcl.TraverseAttr); ok {
				if dep := byName[ta.Name]; dep != nil {
					visit(dep)
				}
			}
		}
		state[a.Name] = 2
		out = append(out, a)
	}
	for _, a := range locals {
		visit(a)
	}
	return out
}

func varsOrder(name string) string {
	switch base := path.Base(name); {
	case isConfigFile(name):
		return "0" + base
	case base == "terraform.tfvars", base == "terraform.tfvars.json":
		return "1" + base
	default:
		return "2" + base
	}
}

// diagReason is a one-line reason naming the line of the first error.
func diagReason(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		line := 0
		if d.Subject != nil {
			line = d.Subject.Start.Line
		}
		msg := strings.Join(strings.Fields(d.Summary), " ")
		if d.Detail != "" {
			detail := strings.Join(strings.Fields(d.Detail), " ")
			if r := []rune(detail); len(r) > 160 {
				detail = string(r[:160]) + "…"
			}
			msg += ": " + detail
		}
		return fmt.Sprintf("parsing HCL: line %d: %s", line, msg)
	}
	return "parsing HCL: no content"
}
