package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"go.yaml.in/yaml/v3"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/strictyaml"
)

// Rule is a user's audit rule: a CEL condition over one audit event (the
// variable `event`, with the fields of the API server's JSON log, see
// docs/runtime.md) that is true for a suspicious request. Fixtures are
// audit events as JSON lines: the rule must match every fail line and no
// pass line, or it is refused when loaded. In fourc.yaml rules live under
// audit.rules; with --rules FILE the file holds a list of them (or
// `rules:` and a list).
//
//   - id: ACME-RT-1
//     title: Secret deleted in production
//     severity: high
//     condition: event.verb == "delete" && event.objectRef.resource == "secrets" && event.objectRef.namespace == "prod"
//     fail: ['{"auditID":"1","stage":"ResponseComplete","verb":"delete","objectRef":{"resource":"secrets","namespace":"prod","name":"db"},"responseStatus":{"code":200}}']
//     pass: ['{"auditID":"2","stage":"ResponseComplete","verb":"get","objectRef":{"resource":"secrets","namespace":"prod","name":"db"},"responseStatus":{"code":200}}']
type Rule struct {
	ID          string   `yaml:"id"`
	Title       string   `yaml:"title"`
	Severity    string   `yaml:"severity"`
	Description string   `yaml:"description,omitempty"`
	Remediation string   `yaml:"remediation,omitempty"`
	Condition   string   `yaml:"condition"`
	Fail        []string `yaml:"fail,omitempty"`
	Pass        []string `yaml:"pass,omitempty"`
}

// RuleSet is a list of compiled rules. A nil set holds none.
type RuleSet struct {
	rules []compiledRule
	// body is true when a rule reads requestObject.
	body bool
}

type compiledRule struct {
	rule    Rule
	meta    check.Meta
	program cel.Program
	// body is true when the condition reads requestObject, which is then
	// decoded for it; annotations when it reads annotations.
	body, annotations bool
}

// ruleCostLimit bounds one evaluation of one rule on one event.
const ruleCostLimit = 100_000

// maxRulesBytes bounds a --rules file.
const maxRulesBytes = 4 << 20

// ReadRules reads rules from a YAML file's content: a list of rules, or a
// mapping whose only key `rules` holds one.
func ReadRules(r io.Reader, name string) (*RuleSet, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRulesBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if len(data) > maxRulesBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, maxRulesBytes>>20)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(doc.Content) == 0 {
		return CompileRules(nil, name)
	}
	root := doc.Content[0]
	if root.Kind == yaml.MappingNode {
		if len(root.Content) != 2 || root.Content[0].Value != "rules" {
			return nil, fmt.Errorf("%s: want a list of rules or `rules:` and a list", name)
		}
		root = root.Content[1]
	}
	if root.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s (line %d): want a list of rules", name, root.Line)
	}
	nodes := make([]yaml.Node, len(root.Content))
	for i, n := range root.Content {
		nodes[i] = *n
	}
	return DecodeRules(nodes, name)
}

// DecodeRules decodes and compiles rules from YAML nodes (fourc.yaml's
// audit.rules); unknown keys are errors naming their line.
func DecodeRules(nodes []yaml.Node, file string) (*RuleSet, error) {
	rules := make([]Rule, 0, len(nodes))
	for i := range nodes {
		var r Rule
		if err := strictyaml.Decode(&nodes[i], &r); err != nil {
			return nil, fmt.Errorf("%s: audit rule %d (line %d): %w", file, i+1, nodes[i].Line, err)
		}
		rules = append(rules, r)
	}
	return CompileRules(rules, file)
}

func ruleEnv() (*cel.Env, error) {
	return cel.NewEnv(cel.Variable("event", cel.MapType(cel.StringType, cel.DynType)))
}

// CompileRules validates and compiles rules and runs their fixtures.
func CompileRules(rules []Rule, file string) (*RuleSet, error) {
	env, err := ruleEnv()
	if err != nil {
		return nil, err
	}
	set := &RuleSet{}
	seen := map[string]bool{}
	for i, r := range rules {
		name := fmt.Sprintf("%s: audit rule %d", file, i+1)
		if r.ID != "" {
			name = fmt.Sprintf("%s: audit rule %q", file, r.ID)
		}
		if seen[r.ID] {
			return nil, fmt.Errorf("%s: duplicate id", name)
		}
		seen[r.ID] = true
		c, err := compileRule(env, r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := c.fixtures(r); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		set.rules = append(set.rules, c)
		set.body = set.body || c.body
	}
	return set, nil
}

func compileRule(env *cel.Env, r Rule) (compiledRule, error) {
	sev, err := finding.ParseSeverity(r.Severity)
	if err != nil || sev == finding.SeverityUnknown {
		return compiledRule{}, fmt.Errorf("severity %q: want critical, high, medium, low or info", r.Severity)
	}
	desc := r.Description
	if strings.TrimSpace(desc) == "" {
		desc = "Audit events matching " + r.Condition
	}
	fix := r.Remediation
	if strings.TrimSpace(fix) == "" {
		fix = "Check the requests this rule matched."
	}
	m := check.New(r.ID, r.Title, sev, finding.LayerCluster, desc, fix)
	if err := check.ValidateUser(m); err != nil {
		return compiledRule{}, err
	}
	if strings.TrimSpace(r.Condition) == "" {
		return compiledRule{}, fmt.Errorf("condition (a CEL expression) is required")
	}
	ast, iss := env.Compile(r.Condition)
	if iss != nil && iss.Err() != nil {
		return compiledRule{}, fmt.Errorf("compiling condition: %w", iss.Err())
	}
	if t := ast.OutputType(); t != cel.BoolType && t != cel.DynType {
		return compiledRule{}, fmt.Errorf("condition yields %s, want bool", t)
	}
	prg, err := env.Program(ast, cel.CostLimit(ruleCostLimit))
	if err != nil {
		return compiledRule{}, err
	}
	return compiledRule{rule: r, meta: m, program: prg, body: strings.Contains(r.Condition, "requestObject"),
		annotations: strings.Contains(r.Condition, "annotations")}, nil
}

// fixtures checks the rule against its own examples.
func (c compiledRule) fixtures(r Rule) error {
	for kind, lines := range map[bool][]string{true: r.Fail, false: r.Pass} {
		for i, line := range lines {
			var ev auditv1.Event
			if err := Decode(bytes.TrimSpace([]byte(line)), &ev); err != nil {
				return fmt.Errorf("fixture %d: %w", i+1, err)
			}
			got, err := c.eval(&ev)
			if err != nil {
				return fmt.Errorf("fixture %d: %w", i+1, err)
			}
			if got != kind {
				word := map[bool]string{true: "fail", false: "pass"}[kind]
				return fmt.Errorf("%s fixture %d: condition is %t, want %t", word, i+1, got, kind)
			}
		}
	}
	return nil
}

func (c compiledRule) eval(ev *auditv1.Event) (bool, error) {
	return c.evalInput(map[string]any{"event": eventInput(ev, c.body)})
}

// evalInput evaluates the condition on a prepared `event`.
func (c compiledRule) evalInput(in map[string]any) (bool, error) {
	out, _, err := c.program.Eval(in)
	if err != nil {
		return false, err
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, fmt.Errorf("condition yielded %s, want bool", out.Type().TypeName())
	}
	return bool(b), nil
}

// Checks returns the rules' metadata, for the registry of one run.
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

// needsAnnotations reports whether a rule reads the events' annotations.
func (s *RuleSet) needsAnnotations() bool {
	if s == nil {
		return false
	}
	for _, r := range s.rules {
		if r.annotations {
			return true
		}
	}
	return false
}

// Rules returns the rules as written, to compile them with others.
func (s *RuleSet) Rules() []Rule {
	if s == nil {
		return nil
	}
	out := make([]Rule, len(s.rules))
	for i, r := range s.rules {
		out[i] = r.rule
	}
	return out
}

// match evaluates every rule on a completed request.
func (s *RuleSet) match(a *Analyzer, ev *auditv1.Event) []hit {
	if s == nil {
		return nil
	}
	in := map[string]any{"event": eventInput(ev, s.body)}
	var out []hit
	for _, r := range s.rules {
		ok, err := r.evalInput(in)
		if err != nil {
			a.ruleErr[r.meta.ID]++
			continue
		}
		if ok {
			res, what := object(ev)
			out = append(out, hit{meta: r.meta, key: actor(ev) + "\x00" + ev.Verb + "\x00" + res.String(), res: res,
				subject: subject(ev), text: fmt.Sprintf("did %s on %s", ev.Verb, what)})
		}
	}
	return out
}

// eventInput is the value of `event`: the audit event's fields under
// their JSON names. Absent objects are empty maps, so conditions can read
// event.objectRef.resource without a has() first; requestObject is
// decoded only for rules that read it.
func eventInput(ev *auditv1.Event, body bool) map[string]any {
	user := func(u string, uid string, groups []string) map[string]any {
		return map[string]any{"username": u, "uid": uid, "groups": strs(groups)}
	}
	in := map[string]any{
		"level": string(ev.Level), "auditID": string(ev.AuditID), "stage": string(ev.Stage),
		"requestURI": ev.RequestURI, "verb": ev.Verb, "userAgent": ev.UserAgent,
		"user":                     user(ev.User.Username, ev.User.UID, ev.User.Groups),
		"impersonatedUser":         map[string]any{},
		"sourceIPs":                strs(ev.SourceIPs),
		"objectRef":                map[string]any{},
		"responseStatus":           map[string]any{"code": int64(code(ev))},
		"annotations":              map[string]any{},
		"requestObject":            map[string]any{},
		"requestReceivedTimestamp": eventTime(ev).UTC(),
	}
	if u := ev.ImpersonatedUser; u != nil {
		in["impersonatedUser"] = user(u.Username, u.UID, u.Groups)
	}
	if r := ev.ObjectRef; r != nil {
		in["objectRef"] = map[string]any{"resource": r.Resource, "namespace": r.Namespace, "name": r.Name,
			"apiGroup": r.APIGroup, "apiVersion": r.APIVersion, "subresource": r.Subresource}
	}
	ann := map[string]any{}
	for k, v := range ev.Annotations {
		ann[k] = v
	}
	in["annotations"] = ann
	if body && ev.RequestObject != nil {
		var obj any
		if json.Unmarshal(ev.RequestObject.Raw, &obj) == nil && obj != nil {
			in["requestObject"] = obj
		}
	}
	return in
}

func strs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
