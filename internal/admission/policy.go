package admission

import (
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/config"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/ignore"
	"github.com/fourc-dev/fourc/internal/posture"
)

// Mode is what the webhook does with an object that fails the policy.
type Mode string

// The modes, as the namespace label and the policy spell them.
const (
	// ModeEnforce denies the request.
	ModeEnforce Mode = "enforce"
	// ModeWarn allows it with admission warnings the client shows.
	ModeWarn Mode = "warn"
	// ModeAudit allows it and records the violations (a log line, a
	// metric and an audit annotation).
	ModeAudit Mode = "audit"
	// ModeOff does not evaluate the object.
	ModeOff Mode = "off"
)

// ModeLabel is the Namespace label that sets the mode of its namespace;
// it wins over the policy.
const ModeLabel = "fourc.dev/admission"

// DefaultMode is the mode of a namespace neither its label nor the policy
// names: violations are shown, nothing is denied.
const DefaultMode = ModeWarn

// DefaultFailOn is the severity at which a finding is a violation when the
// policy does not say.
const DefaultFailOn = finding.SeverityHigh

// ParseMode parses a mode as the label and the policy write it.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case ModeEnforce, ModeWarn, ModeAudit, ModeOff:
		return m, nil
	}
	return "", fmt.Errorf("unknown mode %q (want enforce, warn, audit or off)", s)
}

// Policy is what the webhook judges objects by: a subset of fourc.yaml
// (see the package documentation for the format).
type Policy struct {
	// Name is the file the policy was read from, for messages.
	Name string
	// FailOn is the severity at and above which a finding is a violation.
	FailOn finding.Severity
	// Mode is the mode of namespaces that neither carry [ModeLabel] nor
	// match Namespaces, and of cluster-scoped objects.
	Mode Mode
	// Namespaces are per-namespace modes, by namespace name or glob.
	Namespaces map[string]Mode
	// Only, when set, limits the checks to these IDs (globs); Never
	// leaves these out.
	Only, Never []string
	// Exemptions are ignore entries (id, resource, expires, reason): a
	// matching finding is not a violation until the entry expires.
	Exemptions *ignore.File
	// KubernetesVersion is the version the Pod Security Standards are
	// judged at; empty means the cluster's.
	KubernetesVersion string
	// UntrustedNamespaceLabel is fourc.yaml's
	// kubernetes.untrusted-namespace-label.
	UntrustedNamespaceLabel string
	// Rules are the user's attack-path rules (posture.rules).
	Rules *posture.RuleSet
}

// DefaultPolicy is the policy without a file: every check, violations
// from HIGH, warn everywhere.
func DefaultPolicy() *Policy {
	return &Policy{Name: "(built-in default)", FailOn: DefaultFailOn, Mode: DefaultMode, Exemptions: &ignore.File{Name: "(none)"}}
}

// maxPolicyBytes bounds the policy file: real ones are a few KiB.
const maxPolicyBytes = 1 << 20

// LoadPolicy reads a policy file.
func LoadPolicy(name string) (*Policy, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("reading policy: %w", err)
	}
	if st.Size() > maxPolicyBytes {
		return nil, fmt.Errorf("reading policy %q: %d bytes, more than the %d a policy may have", name, st.Size(), maxPolicyBytes)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading policy: %w", err)
	}
	return ParsePolicy(name, data)
}

// policyKeys are the top-level keys of fourc.yaml a policy reads besides
// its sections (admission, kubernetes, posture), which config decodes.
var policyKeys = []string{"fail-on"}

// ParsePolicy parses a policy file's content. Errors name the file and
// the line.
func ParsePolicy(name string, data []byte) (*Policy, error) {
	if len(data) > maxPolicyBytes {
		return nil, fmt.Errorf("policy %q: %d bytes, more than the %d a policy may have", name, len(data), maxPolicyBytes)
	}
	cfg, err := config.Parse(name, data)
	if err != nil {
		return nil, err
	}
	p := DefaultPolicy()
	p.Name = name
	p.Exemptions = &ignore.File{Name: name}
	p.KubernetesVersion = cfg.Kubernetes.Version
	p.UntrustedNamespaceLabel = cfg.Kubernetes.UntrustedNamespaceLabel
	if p.Rules, err = posture.DecodeRules(cfg.Posture.Rules); err != nil {
		return nil, fmt.Errorf("policy %q: %w", name, err)
	}
	if err := p.setAdmission(cfg.Admission); err != nil {
		return nil, fmt.Errorf("policy %q%s: %w", name, keyLine(cfg.Admission.Node, err), err)
	}
	for _, f := range cfg.Flags {
		switch f.Key {
		case "fail-on":
			err = p.setFailOn(f.Value)
		default:
			err = fmt.Errorf("key %q is not an admission setting (a policy reads %s and the admission, kubernetes and posture sections)", f.Key, strings.Join(policyKeys, ", "))
		}
		if err != nil {
			return nil, fmt.Errorf("policy %q line %d: %w", name, f.Line, err)
		}
	}
	return p, nil
}

func (p *Policy) setFailOn(v *yaml.Node) error {
	sev, err := finding.ParseSeverity(v.Value)
	if v.Kind != yaml.ScalarNode || err != nil || sev == finding.SeverityUnknown {
		return fmt.Errorf("fail-on %q: want critical, high, medium, low or info", v.Value)
	}
	p.FailOn = sev
	return nil
}

// keyLine is " line N" for the key of the admission section an error
// names (admission.mode, admission.namespaces, …), else the section's.
func keyLine(section *yaml.Node, err error) string {
	if section == nil {
		return ""
	}
	line := section.Line
	for i := 0; i+1 < len(section.Content); i += 2 {
		if k := section.Content[i]; strings.HasPrefix(err.Error(), "admission."+k.Value) {
			line = k.Line
		}
	}
	return fmt.Sprintf(" line %d", line)
}

func (p *Policy) setAdmission(a config.Admission) error {
	if a.Mode != "" {
		m, err := ParseMode(a.Mode)
		if err != nil {
			return fmt.Errorf("admission.mode: %w", err)
		}
		p.Mode = m
	}
	if len(a.Namespaces) > 0 {
		p.Namespaces = map[string]Mode{}
	}
	for ns, s := range a.Namespaces {
		m, err := ParseMode(s)
		if err != nil {
			return fmt.Errorf("admission.namespaces %q: %w", ns, err)
		}
		if _, err := path.Match(ns, ""); err != nil {
			return fmt.Errorf("admission.namespaces: bad pattern %q: %w", ns, err)
		}
		p.Namespaces[ns] = m
	}
	for _, g := range slices.Concat(a.Checks.Only, a.Checks.Never) {
		if _, err := path.Match(g, ""); err != nil || g == "" {
			return fmt.Errorf("admission.checks: bad check ID pattern %q", g)
		}
	}
	p.Only, p.Never = a.Checks.Only, a.Checks.Never
	ex, err := ignore.ParseEntries(p.Name, a.Exemptions)
	if err != nil {
		return fmt.Errorf("admission.exemptions: %w", err)
	}
	for i := range ex.Entries {
		e := &ex.Entries[i]
		if e.Path != "" || e.Fingerprint != "" || e.Package != "" || e.ID == "" {
			return fmt.Errorf("admission.exemptions entry at line %d: an exemption names a check id and a resource (Kind/namespace/name glob); path, fingerprint and package do not apply", e.Line())
		}
	}
	p.Exemptions = ex
	return nil
}

// ModeFor returns the mode of a namespace: its label (labels is the
// Namespace's, nil when unknown) wins, then the policy's entry for the
// namespace (an exact name before the longest matching glob), then the
// policy's default. An invalid label value is reported as the error, with
// the policy's mode, so that a typo in a label never switches enforcement
// off.
func (p *Policy) ModeFor(namespace string, labels map[string]string) (Mode, error) {
	fallback := p.namespaceMode(namespace)
	v, ok := labels[ModeLabel]
	if !ok {
		return fallback, nil
	}
	m, err := ParseMode(v)
	if err != nil {
		return fallback, fmt.Errorf("namespace %q label %s: %w", namespace, ModeLabel, err)
	}
	return m, nil
}

func (p *Policy) namespaceMode(namespace string) Mode {
	if namespace == "" {
		return p.Mode
	}
	if m, ok := p.Namespaces[namespace]; ok {
		return m
	}
	best, mode := "", p.Mode
	for pat, m := range p.Namespaces {
		if ok, _ := path.Match(pat, namespace); ok && (len(pat) > len(best) || len(pat) == len(best) && pat < best) {
			best, mode = pat, m
		}
	}
	return mode
}

// selects reports whether the policy's check lists let a check ID through.
func (p *Policy) selects(id string) bool {
	if len(p.Only) > 0 && !slices.ContainsFunc(p.Only, func(g string) bool { return globMatch(g, id) }) {
		return false
	}
	return !slices.ContainsFunc(p.Never, func(g string) bool { return globMatch(g, id) })
}

func globMatch(pattern, s string) bool {
	ok, _ := path.Match(pattern, s)
	return ok
}

// Violations applies the policy to the findings about one object, as of
// now: the check lists, then the exemptions, then the severity threshold.
// It returns the violations and the findings an exemption let through.
func (p *Policy) Violations(fs []finding.Finding, now time.Time) (violations []finding.Finding, exempted []finding.Suppressed) {
	selected := slices.DeleteFunc(slices.Clone(fs), func(f finding.Finding) bool { return !p.selects(f.CheckID) })
	applied := ignore.Apply(selected, p.Exemptions, nil, now)
	for _, f := range applied.Kept {
		if f.Severity >= p.FailOn {
			violations = append(violations, f)
		}
	}
	return violations, applied.Suppressed
}

// Expired returns the exemptions that have expired as of now.
func (p *Policy) Expired(now time.Time) []ignore.Entry {
	if p.Exemptions == nil {
		return nil
	}
	var out []ignore.Entry
	for _, e := range p.Exemptions.Entries {
		if e.Expired(now) {
			out = append(out, e)
		}
	}
	return out
}
