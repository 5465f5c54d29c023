package catalogue

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/posture"
	"github.com/fourc-dev/fourc/internal/secret"
)

// TestRegistry validates every check of every capability (unique IDs,
// layers, severities, titles, descriptions, remediation, references) and
// checks that no capability's group is empty.
func TestRegistry(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, g := range Groups() {
		if len(g) == 0 {
			t.Errorf("group %d is empty", i)
		}
		n += len(g)
	}
	if len(reg.All()) != n {
		t.Errorf("registry holds %d checks, the groups %d", len(reg.All()), n)
	}
	if _, ok := reg.Lookup("FC-PATH-001"); !ok {
		t.Error("the attack-path rules are not in the registry")
	}
}

// TestWithUser adds a user's secret and posture rules to the registry, and
// refuses one ID used by both.
func TestWithUser(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	det, err := secret.NewDetector(secret.Options{ExtraRules: []secret.RuleConfig{{ID: "ACME-TOKEN", Title: "Acme token", Regex: `acme_[a-z0-9]{32}`}}})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := parseRules(t, "- {id: ACME-001, title: Exposed root, severity: high, when: 'workload.exposed'}\n")
	if err != nil {
		t.Fatal(err)
	}
	ext, err := WithUser(reg, det, rules)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"ACME-TOKEN", "ACME-001"} {
		if _, ok := ext.Lookup(id); !ok || check.ValidUserID(id) != nil {
			t.Errorf("%s: not a user rule of the registry", id)
		}
	}
	if len(ext.All()) != len(reg.All())+2 {
		t.Errorf("%d checks, want %d", len(ext.All()), len(reg.All())+2)
	}
	clash, err := parseRules(t, "- {id: ACME-TOKEN, title: t, severity: high, when: 'true'}\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WithUser(reg, det, clash); err == nil || !strings.Contains(err.Error(), "ACME-TOKEN: duplicate ID") {
		t.Errorf("a secret rule and a posture rule sharing an ID: error %v", err)
	}
	if _, err := WithUser(reg, nil, nil); err != nil {
		t.Errorf("no user rules: %v", err)
	}
}

// parseRules decodes posture rules as fourc.yaml's posture.rules holds
// them.
func parseRules(t *testing.T, doc string) (*posture.RuleSet, error) {
	t.Helper()
	var nodes []yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &nodes); err != nil {
		t.Fatal(err)
	}
	return posture.DecodeRules(nodes)
}
