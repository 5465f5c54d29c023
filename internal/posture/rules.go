package posture

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/strictyaml"
)

// Rule is a user-defined attack-path rule: a CEL expression evaluated for
// every workload of the graph (the variable `workload`, documented in
// docs/posture.md). Each workload for which it is true yields a path.
// In fourc.yaml rules live under posture.rules:
//
//	posture:
//	  rules:
//	    - id: ACME-001
//	      title: Exposed workload runs as root
//	      severity: high
//	      when: workload.exposed && !workload.runAsNonRoot
type Rule struct {
	// ID is the rule's stable ID; IDs starting with "FC-" are fourc's.
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	// Severity is the severity of the paths it finds (critical, high,
	// medium, low, info).
	Severity    string `yaml:"severity" json:"severity"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	Remediation string `yaml:"remediation,omitempty" json:"remediation,omitempty"`
	// When is a CEL expression over `workload` that yields a bool.
	When string `yaml:"when" json:"when"`
}

// DecodeRules decodes rules from YAML nodes, as a config file holds them
// (config keeps `posture.rules` as []yaml.Node), and compiles them. Unknown
// keys are errors, as in ParseRules, naming their line in the file.
func DecodeRules(nodes []yaml.Node) (*RuleSet, error) {
	rules := make([]Rule, 0, len(nodes))
	for i := range nodes {
		var r Rule
		if err := strictyaml.Decode(&nodes[i], &r); err != nil {
			return nil, fmt.Errorf("posture rule %d (line %d): %w", i+1, nodes[i].Line, err)
		}
		rules = append(rules, r)
	}
	return CompileRules(rules)
}

// RuleSet is a list of compiled rules, ready to run.
type RuleSet struct {
	rules []compiled
}

type compiled struct {
	Rule
	severity finding.Severity
	program  cel.Program
	checkIDs []string
}

var (
	checkIDRE = regexp.MustCompile(`FC-[A-Z0-9]+-[0-9]+`)
)

// ruleCostLimit bounds the work one evaluation may do (CEL's cost units,
// roughly one per operation); a rule that exceeds it fails.
const ruleCostLimit = 1_000_000

// ruleEnv is the CEL environment rules compile in.
func ruleEnv() (*cel.Env, error) {
	return cel.NewEnv(cel.Variable("workload", cel.MapType(cel.StringType, cel.DynType)))
}

// CompileRules checks and compiles rules: every rule needs an ID (unique,
// not starting with "FC-"), a title, a known severity and an expression
// that compiles to a bool.
func CompileRules(rules []Rule) (*RuleSet, error) {
	env, err := ruleEnv()
	if err != nil {
		return nil, fmt.Errorf("posture rules: %w", err)
	}
	set := &RuleSet{}
	seen := map[string]bool{}
	for i, r := range rules {
		name := fmt.Sprintf("posture rule %d", i+1)
		if r.ID != "" {
			name = fmt.Sprintf("posture rule %q", r.ID)
		}
		idErr := check.ValidUserID(r.ID)
		switch {
		case idErr != nil:
			return nil, fmt.Errorf("%s: %w", name, idErr)
		case seen[r.ID]:
			return nil, fmt.Errorf("%s: duplicate id", name)
		case strings.TrimSpace(r.Title) == "":
			return nil, fmt.Errorf("%s: title is required", name)
		case strings.TrimSpace(r.When) == "":
			return nil, fmt.Errorf("%s: when (a CEL expression) is required", name)
		}
		seen[r.ID] = true
		sev, err := finding.ParseSeverity(r.Severity)
		if err != nil || sev == finding.SeverityUnknown {
			return nil, fmt.Errorf("%s: severity %q: want critical, high, medium, low or info", name, r.Severity)
		}
		ast, iss := env.Compile(r.When)
		if iss != nil && iss.Err() != nil {
			return nil, fmt.Errorf("%s: compiling when: %w", name, iss.Err())
		}
		if t := ast.OutputType(); t != cel.BoolType && t != cel.DynType {
			return nil, fmt.Errorf("%s: when yields %s, want bool", name, t)
		}
		prg, err := env.Program(ast, cel.CostLimit(ruleCostLimit))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ids := slices.Compact(slices.Sorted(slices.Values(checkIDRE.FindAllString(r.When, -1))))
		set.rules = append(set.rules, compiled{Rule: r, severity: sev, program: prg, checkIDs: ids})
	}
	return set, nil
}

// run evaluates every rule for every workload. A rule that fails to
// evaluate (a missing key, the cost limit) yields a notice, not a path.
func (s *RuleSet) run(v *view) (paths []Path, notices []string) {
	if s == nil || len(s.rules) == 0 {
		return nil, nil
	}
	inputs := make([]map[string]any, len(v.workloads))
	for i, w := range v.workloads {
		inputs[i] = workloadInput(v, w)
	}
	for _, r := range s.rules {
		failed := 0
		var firstErr error
		for i, w := range v.workloads {
			out, _, err := r.program.Eval(map[string]any{"workload": inputs[i]})
			if err != nil {
				failed++
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			if b, ok := out.(types.Bool); !ok || !bool(b) {
				if !ok && firstErr == nil {
					failed++
					firstErr = fmt.Errorf("when yielded %s, want bool", out.Type().TypeName())
				}
				continue
			}
			paths = append(paths, customPath(v, r, w))
		}
		if failed > 0 {
			notices = append(notices, fmt.Sprintf("posture rule %s failed on %d workload(s): %v", r.ID, failed, firstErr))
		}
	}
	return paths, notices
}

// customPath explains a custom rule's match along the workload's
// neighbourhood. Findings whose check IDs the expression names are put on
// the steps.
func customPath(v *view, r compiled, w *Node) Path {
	keep := func(f finding.Finding) bool { return slices.Contains(r.checkIDs, f.CheckID) }
	var steps []Step
	steps = append(steps, exposureSteps(v, w)...)
	steps = append(steps, step(w, fmt.Sprintf("%s matches rule %s", w.Label(), r.ID), pick(w.Findings, keep)))
	if sa := v.sa[w.ID]; sa != nil && (len(pick(sa.Findings, keep)) > 0 || sa.Attrs["clusterAdmin"] == "true" || sa.Attrs["readSecrets"] == "true") {
		steps = append(steps, step(sa, fmt.Sprintf("it runs as service account %q", sa.Name), pick(sa.Findings, keep)))
	}
	for _, b := range v.builds(w) {
		steps = append(steps, step(b.image, fmt.Sprintf("it runs image %q", b.image.Name), pick(b.image.Findings, keep)))
		for _, d := range b.dockerfiles {
			steps = append(steps, step(d, buildText(v, d, b.image), pick(d.Findings, keep)))
		}
		for _, c := range b.code {
			if fs := pick(c.Findings, keep); len(fs) > 0 {
				steps = append(steps, step(c, fmt.Sprintf("%s ships in the image", c.Name), fs))
			}
		}
	}
	if ns := v.ns[w.ID]; ns != nil {
		if fs := pick(ns.Findings, keep); len(fs) > 0 {
			steps = append(steps, step(ns, fmt.Sprintf("namespace %q", ns.Name), fs))
		}
		if c := v.cluster[ns.ID]; c != nil {
			if fs := pick(c.Findings, keep); len(fs) > 0 {
				steps = append(steps, step(c, fmt.Sprintf("cluster %s runs it", c.Name), fs))
			}
		}
	}
	summary := fmt.Sprintf("%s matches %s", w.Label(), r.When)
	if r.Description != "" {
		summary = fmt.Sprintf("%s: %s", w.Label(), r.Description)
	}
	return newPath(r.ID, w.ID, r.Title, r.severity, summary, r.Remediation, steps)
}

// workloadInput is the value of `workload` in a rule's expression; its
// fields are documented in docs/posture.md.
func workloadInput(v *view, w *Node) map[string]any {
	flag := func(k string) bool { return w.Attrs[k] == "true" }
	in := map[string]any{
		"id":                     w.ID,
		"name":                   w.Name,
		"kind":                   w.Attrs["kind"],
		"exposed":                v.exposed(w),
		"privileged":             flag("privileged"),
		"hostNetwork":            flag("hostNetwork"),
		"hostPID":                flag("hostPID"),
		"hostIPC":                flag("hostIPC"),
		"hostPath":               flag("hostPath"),
		"token":                  w.Attrs["token"] != "false",
		"limits":                 flag("limits"),
		"runAsNonRoot":           flag("runAsNonRoot"),
		"readOnlyRootFilesystem": flag("readOnlyRootFilesystem"),
		"networkPolicy":          v.isolated(w),
	}
	sa := map[string]any{"name": w.Attrs["serviceAccount"], "clusterAdmin": false, "readSecrets": false}
	if n := v.sa[w.ID]; n != nil {
		sa["clusterAdmin"] = n.Attrs["clusterAdmin"] == "true"
		sa["readSecrets"] = n.Attrs["readSecrets"] == "true"
	}
	in["serviceAccount"] = sa
	ns := map[string]any{"name": w.Attrs["namespace"], "psaEnforce": "", "declared": false}
	var cluster *Node
	if n := v.ns[w.ID]; n != nil {
		ns["psaEnforce"] = n.Attrs["psaEnforce"]
		ns["declared"] = n.Attrs["declared"] == "true"
		cluster = v.cluster[n.ID]
	}
	in["namespace"] = ns
	in["cluster"] = ""
	if cluster != nil {
		in["cluster"] = cluster.Name
	}

	var images, findings, vulns []any
	secrets := 0
	seen := map[string]bool{}
	addFindings := func(n *Node) {
		if n == nil || seen[n.ID] {
			return
		}
		seen[n.ID] = true
		for _, f := range n.Findings {
			findings = append(findings, map[string]any{
				"check":         f.CheckID,
				"severity":      f.Severity.String(),
				"severityLevel": int64(effectiveSeverity(f)),
				"layer":         f.Layer.String(),
				"kind":          n.Kind,
				"resource":      f.Resource.String(),
				"message":       f.Message,
			})
			if isSecret(f) {
				secrets++
			}
			if isVulnerability(f) {
				vulns = append(vulns, map[string]any{
					"id":            advisoryID(f),
					"package":       n.Name,
					"severity":      f.Severity.String(),
					"severityLevel": int64(effectiveSeverity(f)),
					"reachability":  Reachability(f),
				})
			}
		}
	}
	addFindings(w)
	for _, chain := range v.exposure[w.ID] {
		for _, n := range chain {
			addFindings(n)
		}
	}
	if n := v.sa[w.ID]; n != nil {
		addFindings(n)
		for _, b := range v.bindings[n.ID] {
			addFindings(b)
		}
	}
	addFindings(v.ns[w.ID])
	addFindings(cluster)
	for _, b := range v.builds(w) {
		dfs := make([]any, 0, len(b.dockerfiles))
		for _, d := range b.dockerfiles {
			dfs = append(dfs, d.Name)
			addFindings(d)
		}
		images = append(images, map[string]any{"ref": b.image.Name, "digest": b.image.Attrs["digest"], "dockerfiles": dfs})
		addFindings(b.image)
		for _, c := range b.code {
			addFindings(c)
		}
	}
	open := []any{}
	for _, l := range openLayers(v, w) {
		open = append(open, l.String())
	}
	in["images"] = nonNilAny(images)
	in["findings"] = nonNilAny(findings)
	in["vulnerabilities"] = nonNilAny(vulns)
	in["secrets"] = int64(secrets)
	in["openLayers"] = open
	return in
}

func nonNilAny(s []any) []any {
	if s == nil {
		return []any{}
	}
	return s
}
