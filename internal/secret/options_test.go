package secret

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/finding"
)

func TestDisabledRules(t *testing.T) {
	d, err := NewDetector(Options{DisabledRules: []string{"FC-SEC-006", "generic-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	if ms := d.Scan([]byte(`token = "` + fakeGitHubPAT + `"`)); len(ms) != 0 {
		t.Errorf("disabled rules still report: %+v", ms)
	}
	if _, ok := d.Meta("FC-SEC-006"); ok {
		t.Error("a disabled rule is still in the detector's checks")
	}
	if _, err := NewDetector(Options{DisabledRules: []string{"FC-SEC-777"}}); err == nil ||
		!strings.Contains(err.Error(), `disabled secret rule "FC-SEC-777": no such rule`) {
		t.Errorf("unknown disabled rule: got %v", err)
	}
}

// TestUserRules decodes rules the way fourc.yaml carries them and runs them.
func TestUserRules(t *testing.T) {
	const doc = `
- id: ACME-TOKEN
  title: Acme API token
  severity: critical
  keywords: [acme_]
  regex: '\b(acme_[a-z0-9]{32})\b'
  entropy: 3.5
  allowlist:
    stopwords: [acme_0000]
    paths: ['^docs/']
`
	var rcs []RuleConfig
	if err := yaml.Unmarshal([]byte(doc), &rcs); err != nil {
		t.Fatal(err)
	}
	d, err := NewDetector(Options{ExtraRules: rcs})
	if err != nil {
		t.Fatal(err)
	}
	meta, ok := d.Meta("ACME-TOKEN")
	if !ok || meta.Severity != finding.SeverityCritical || meta.Title != "Acme API token" {
		t.Fatalf("user rule meta = %+v", meta)
	}
	tok := "acme_k3v9q2m8x7w1z5r4t6y0u2i8o3p7l1a9"
	var got []string
	for _, c := range []struct{ path, data string }{
		{"app.env", "ACME=" + tok},
		{"docs/setup.md", "ACME=" + tok},
		{"app.env", "ACME=acme_0000q2m8x7w1z5r4t6y0u2i8o3p7l1a9"},
	} {
		for _, m := range d.ScanFile(c.path, []byte(c.data)) {
			got = append(got, c.path+" "+m.RuleID)
		}
	}
	if diff := cmp.Diff([]string{"app.env ACME-TOKEN"}, got); diff != "" {
		t.Errorf("matches (-want +got):\n%s", diff)
	}
}

func TestUserRuleErrors(t *testing.T) {
	tests := []struct {
		rule RuleConfig
		want string
	}{
		{RuleConfig{ID: "FC-SEC-020", Title: "x", Regex: "x"}, "reserved for fourc"},
		{RuleConfig{ID: "FC-SEC-900", Title: "x", Regex: "x"}, "reserved for fourc"},
		{RuleConfig{ID: "acme token", Title: "x", Regex: "x"}, "must match"},
		{RuleConfig{ID: "ACME-TOKEN", Title: "x"}, "regex is empty"},
		{RuleConfig{ID: "ACME-TOKEN", Regex: "x"}, "title is empty"},
		{RuleConfig{ID: "ACME-TOKEN", Title: "x", Regex: "a(?=b)"}, "lookahead"},
		{RuleConfig{ID: "ACME-TOKEN", Title: "x", Regex: "(a)", SecretGroup: 2}, "secret group 2"},
	}
	for _, tt := range tests {
		_, err := NewDetector(Options{ExtraRules: []RuleConfig{tt.rule}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: got error %v, want one containing %q", tt.rule, err, tt.want)
		}
	}
	dup := RuleConfig{ID: "ACME-TOKEN", Title: "x", Regex: "x"}
	if _, err := NewDetector(Options{ExtraRules: []RuleConfig{dup, dup}}); err == nil || !strings.Contains(err.Error(), "duplicate ID") {
		t.Errorf("duplicate user rule: got %v", err)
	}
}
