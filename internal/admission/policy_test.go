package admission

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

const fullPolicy = `fail-on: medium
kubernetes:
  version: "1.33"
admission:
  mode: enforce
  namespaces:
    kube-system: off
    "team-*": warn
    "team-audit-*": audit
  checks:
    only: ["FC-K8S-*", "FC-RBAC-*"]
    never: [FC-K8S-009]
  exemptions:
    - id: FC-K8S-101
      resource: "Pod/legacy/*"
      expires: 2027-01-31
      reason: vendor image
    - id: FC-K8S-102
      resource: "*/old/*"
      expires: 2026-01-31
posture:
  rules:
    - id: ACME-001
      title: Exposed root workload
      severity: high
      when: workload.exposed && !workload.runAsNonRoot
`

func TestParsePolicy(t *testing.T) {
	p, err := ParsePolicy("policy.yaml", []byte(fullPolicy))
	if err != nil {
		t.Fatal(err)
	}
	if p.FailOn != finding.SeverityMedium || p.Mode != ModeEnforce || p.KubernetesVersion != "1.33" {
		t.Errorf("fail-on %v, mode %v, version %q", p.FailOn, p.Mode, p.KubernetesVersion)
	}
	want := map[string]Mode{"kube-system": ModeOff, "team-*": ModeWarn, "team-audit-*": ModeAudit}
	if diff := cmp.Diff(want, p.Namespaces); diff != "" {
		t.Errorf("namespaces (-want +got):\n%s", diff)
	}
	if len(p.Exemptions.Entries) != 2 || len(p.Rules.Checks()) != 1 {
		t.Errorf("%d exemptions, %d rules", len(p.Exemptions.Entries), len(p.Rules.Checks()))
	}
	for ns, want := range map[string]Mode{"kube-system": ModeOff, "team-a": ModeWarn, "team-audit-x": ModeAudit, "shop": ModeEnforce, "": ModeEnforce} {
		if got, err := p.ModeFor(ns, nil); got != want || err != nil {
			t.Errorf("ModeFor(%q) = %v, %v; want %v", ns, got, err, want)
		}
	}
	// The label wins; a bad label keeps the policy's mode and says why.
	if got, _ := p.ModeFor("kube-system", map[string]string{ModeLabel: "enforce"}); got != ModeEnforce {
		t.Errorf("label enforce: %v", got)
	}
	if got, err := p.ModeFor("shop", map[string]string{ModeLabel: "of"}); got != ModeEnforce || err == nil {
		t.Errorf("bad label: %v, %v", got, err)
	}
}

func TestDefaultPolicy(t *testing.T) {
	p, err := ParsePolicy("empty.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.FailOn != DefaultFailOn || p.Mode != DefaultMode {
		t.Errorf("empty policy: %v %v", p.FailOn, p.Mode)
	}
}

func TestParsePolicyErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown key", "fail-on: high\nformat: sarif\n", `line 2: key "format" is not an admission setting`},
		{"typo in admission", "admission:\n  mdoe: warn\n", "mdoe"},
		{"bad mode", "admission:\n  mode: block\n", `unknown mode "block"`},
		{"bad namespace mode", "admission:\n  namespaces:\n    a: maybe\n", `admission.namespaces "a"`},
		{"bad fail-on", "fail-on: severe\n", `fail-on "severe"`},
		{"bad glob", "admission:\n  checks:\n    only: ['[']\n", "bad check ID pattern"},
		{"exemption path", "admission:\n  exemptions:\n    - id: FC-K8S-101\n      path: a.yaml\n", "path, fingerprint and package do not apply"},
		{"exemption without id", "admission:\n  exemptions:\n    - resource: Pod/a/b\n", "needs an id"},
		{"exemption bad date", "admission:\n  exemptions:\n    - id: FC-K8S-101\n      expires: 31/01/2027\n", "not a date"},
		{"bad rule", "posture:\n  rules:\n    - id: X-1\n      title: t\n      severity: high\n      when: 1 +\n", "posture rule"},
		{"bad version", "kubernetes:\n  version: banana\n", ""},
		{"not a mapping", "- a\n", "mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy("p.yaml", []byte(tt.yaml))
			if err == nil && tt.name == "bad version" {
				// The version is judged when the evaluator is built.
				_, err = NewEvaluator(p, nil, "")
			}
			if err == nil {
				t.Fatalf("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestViolations(t *testing.T) {
	p, err := ParsePolicy("policy.yaml", []byte(fullPolicy))
	if err != nil {
		t.Fatal(err)
	}
	fs := []finding.Finding{
		{CheckID: "FC-K8S-101", Severity: finding.SeverityHigh, Resource: finding.Resource{Kind: "Pod", Name: "legacy/a"}},
		{CheckID: "FC-K8S-102", Severity: finding.SeverityHigh, Resource: finding.Resource{Kind: "Pod", Name: "old/a"}},
		{CheckID: "FC-K8S-009", Severity: finding.SeverityCritical, Resource: finding.Resource{Kind: "Pod", Name: "legacy/a"}},
		{CheckID: "FC-NET-009", Severity: finding.SeverityCritical, Resource: finding.Resource{Kind: "Pod", Name: "legacy/a"}},
		{CheckID: "FC-K8S-004", Severity: finding.SeverityLow, Resource: finding.Resource{Kind: "Pod", Name: "legacy/a"}},
		{CheckID: "FC-K8S-003", Severity: finding.SeverityMedium, Resource: finding.Resource{Kind: "Pod", Name: "legacy/a"}},
	}
	ids := func(fs []finding.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.CheckID)
		}
		return out
	}
	// Before 2026-01-31 ends both exemptions apply; FC-K8S-009 is never
	// judged, FC-NET-009 is not in only, FC-K8S-004 is below medium.
	v, ex := p.Violations(fs, time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC))
	if diff := cmp.Diff([]string{"FC-K8S-003"}, ids(v)); diff != "" || len(ex) != 2 {
		t.Errorf("before expiry: %d exempted, violations (-want +got):\n%s", len(ex), diff)
	}
	// A day later the second exemption has expired and stops applying.
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	v, ex = p.Violations(fs, now)
	if diff := cmp.Diff([]string{"FC-K8S-102", "FC-K8S-003"}, ids(v)); diff != "" || len(ex) != 1 {
		t.Errorf("after expiry: %d exempted, violations (-want +got):\n%s", len(ex), diff)
	}
	if exp := p.Expired(now); len(exp) != 1 || exp[0].ID != "FC-K8S-102" {
		t.Errorf("expired: %+v", exp)
	}
}
