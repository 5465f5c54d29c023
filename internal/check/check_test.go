package check_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func good(id string) check.Meta {
	return check.New(id, "Container is privileged", finding.SeverityHigh, finding.LayerCluster,
		"A privileged container is root on the node.", "Remove securityContext.privileged.",
		finding.Reference{Source: "PSS baseline"})
}

func TestNew(t *testing.T) {
	ref := finding.Reference{Source: "CWE-798", URL: "https://cwe.mitre.org/data/definitions/798.html"}
	got := check.New("FC-SEC-001", "t", finding.SeverityLow, finding.LayerCode, "d", "r", ref)
	want := check.Meta{ID: "FC-SEC-001", Title: "t", Severity: finding.SeverityLow, Layer: finding.LayerCode,
		Description: "d", Remediation: "r", References: []finding.Reference{ref}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestValidate pins every rule of the validation, each with a case that
// must be refused: a registry whose validation is weakened fails here.
func TestValidate(t *testing.T) {
	mod := func(f func(*check.Meta)) check.Meta {
		m := good("FC-K8S-001")
		f(&m)
		return m
	}
	tests := []struct {
		name string
		meta check.Meta
		want string // "" when valid
	}{
		{"valid", good("FC-K8S-001"), ""},
		{"valid six-letter area", good("FC-CLOUDS-123"), ""},
		{"no references", mod(func(m *check.Meta) { m.References = nil }), ""},
		{"empty ID", mod(func(m *check.Meta) { m.ID = "" }), "ID must match"},
		{"lower-case ID", mod(func(m *check.Meta) { m.ID = "fc-k8s-001" }), "ID must match"},
		{"two digits", mod(func(m *check.Meta) { m.ID = "FC-K8S-01" }), "ID must match"},
		{"four digits", mod(func(m *check.Meta) { m.ID = "FC-K8S-0001" }), "ID must match"},
		{"no prefix", mod(func(m *check.Meta) { m.ID = "K8S-001" }), "ID must match"},
		{"area too long", mod(func(m *check.Meta) { m.ID = "FC-KUBERNETES-001" }), "ID must match"},
		{"trailing text", mod(func(m *check.Meta) { m.ID = "FC-K8S-001 " }), "ID must match"},
		{"user ID", mod(func(m *check.Meta) { m.ID = "ACME-001" }), "ID must match"},
		{"empty title", mod(func(m *check.Meta) { m.Title = "" }), "title is empty"},
		{"blank title", mod(func(m *check.Meta) { m.Title = " \t" }), "title is empty"},
		{"empty description", mod(func(m *check.Meta) { m.Description = "" }), "description is empty"},
		{"empty remediation", mod(func(m *check.Meta) { m.Remediation = "  " }), "remediation is empty"},
		{"unknown severity", mod(func(m *check.Meta) { m.Severity = finding.SeverityUnknown }), "invalid severity 0"},
		{"out-of-range severity", mod(func(m *check.Meta) { m.Severity = 9 }), "invalid severity 9"},
		{"negative severity", mod(func(m *check.Meta) { m.Severity = -1 }), "invalid severity -1"},
		{"zero layer", mod(func(m *check.Meta) { m.Layer = 0 }), "invalid layer 0"},
		{"out-of-range layer", mod(func(m *check.Meta) { m.Layer = 5 }), "invalid layer 5"},
		{"reference without source", mod(func(m *check.Meta) {
			m.References = []finding.Reference{{Source: "CIS 1.1"}, {URL: "https://example.org"}}
		}), "reference without source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := check.Validate(tt.meta)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("want valid, got %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("want an error containing %q, got none", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), `check "`+tt.meta.ID+`"`) {
				t.Errorf("error %q does not name the check", err)
			}
			// The registry refuses what Validate refuses.
			_, rerr := check.NewRegistry([]check.Meta{tt.meta})
			if (rerr == nil) != (err == nil) {
				t.Errorf("NewRegistry error %v, Validate error %v", rerr, err)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	err := check.Validate(check.Meta{ID: "bad"})
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"ID must match", "title is empty", "invalid severity", "invalid layer", "remediation is empty", "description is empty"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestRegistry(t *testing.T) {
	reg, err := check.NewRegistry(
		[]check.Meta{good("FC-K8S-002"), good("FC-K8S-001")},
		[]check.Meta{good("FC-DF-001")},
	)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range reg.All() {
		ids = append(ids, m.ID)
	}
	if diff := cmp.Diff([]string{"FC-DF-001", "FC-K8S-001", "FC-K8S-002"}, ids); diff != "" {
		t.Errorf("All() not sorted by ID (-want +got):\n%s", diff)
	}
	for _, id := range ids {
		m, ok := reg.Lookup(id)
		if !ok || m.ID != id {
			t.Errorf("Lookup(%s) = %v, %v", id, m.ID, ok)
		}
	}
	if _, ok := reg.Lookup("FC-K8S-003"); ok {
		t.Error("Lookup of an unknown ID succeeded")
	}
}

func TestRegistryRefusesDuplicates(t *testing.T) {
	for name, groups := range map[string][][]check.Meta{
		"same group":   {{good("FC-K8S-001"), good("FC-K8S-001")}},
		"two groups":   {{good("FC-K8S-001")}, {good("FC-K8S-001")}},
		"and an error": {{good("FC-K8S-001"), good("FC-K8S-001"), {ID: "FC-K8S-002"}}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := check.NewRegistry(groups...)
			if err == nil || !strings.Contains(err.Error(), "check FC-K8S-001: duplicate ID") {
				t.Fatalf("want a duplicate-ID error, got %v", err)
			}
		})
	}
}

func TestRegistryWithUser(t *testing.T) {
	reg, err := check.NewRegistry([]check.Meta{good("FC-SEC-001")})
	if err != nil {
		t.Fatal(err)
	}
	user := good("ACME-001")
	ext, err := reg.WithUser([]check.Meta{user}, []check.Meta{good("acme.token_2")})
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.All()) != 1 {
		t.Errorf("WithUser changed the original registry: %d checks", len(reg.All()))
	}
	if _, ok := ext.Lookup("ACME-001"); len(ext.All()) != 3 || !ok {
		t.Errorf("extended registry: %v", ext.All())
	}
	if m, ok := ext.Lookup("ACME-001"); !ok || m.Title != user.Title {
		t.Errorf("Lookup(ACME-001) = %v, %v", m, ok)
	}
	tests := []struct {
		name string
		meta check.Meta
		want string
	}{
		{"fourc's namespace", good("FC-SEC-901"), "reserved for fourc"},
		{"fourc's namespace, lower case", good("fc-path-007"), "reserved for fourc"},
		{"empty", good(""), "must match"},
		{"space", good("acme token"), "must match"},
		{"leading dash", good("-acme"), "must match"},
		{"too long", good(strings.Repeat("a", 65)), "must match"},
		{"duplicate of a user rule", good("ACME-001"), "duplicate ID"},
		{"no title", func() check.Meta { m := good("ACME-002"); m.Title = ""; return m }(), "title is empty"},
		{"no remediation", func() check.Meta { m := good("ACME-002"); m.Remediation = ""; return m }(), "remediation is empty"},
		{"bad layer", func() check.Meta { m := good("ACME-002"); m.Layer = 0; return m }(), "invalid layer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ext.WithUser([]check.Meta{tt.meta})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("want an error containing %q, got %v", tt.want, err)
			}
		})
	}
	if err := check.ValidUserID("ACME-001"); err != nil {
		t.Error(err)
	}
}

func TestMetaFinding(t *testing.T) {
	m := good("FC-K8S-001")
	res := finding.Resource{Kind: "Deployment", Name: "shop/api"}
	loc := finding.Location{Path: "deploy.yaml"}
	f := m.Finding(res, loc, check.Violation{Message: `container "api" is privileged`, Line: 12, Field: "spec.containers[0]"})
	if f.CheckID != m.ID || f.Title != m.Title || f.Severity != m.Severity || f.Layer != m.Layer || f.Remediation != m.Remediation {
		t.Errorf("metadata not carried: %+v", f)
	}
	if f.Location.StartLine != 12 || f.Message != `container "api" is privileged` || f.Fingerprint == "" {
		t.Errorf("finding %+v", f)
	}
	// The fingerprint tells apart discriminators and fields, not lines.
	moved := m.Finding(res, loc, check.Violation{Message: "x", Line: 40, Field: "spec.containers[0]"})
	other := m.Finding(res, loc, check.Violation{Message: `container "api" is privileged`, Line: 12, Field: "spec.containers[1]"})
	disc := m.Finding(res, loc, check.Violation{Message: `container "api" is privileged`, Line: 12, Field: "spec.containers[0]", Discriminator: "b"})
	if moved.Fingerprint != f.Fingerprint {
		t.Error("fingerprint changed with the line or the message")
	}
	if other.Fingerprint == f.Fingerprint || disc.Fingerprint == f.Fingerprint {
		t.Error("fingerprint does not tell apart fields or discriminators")
	}
	// No message: the title stands in; an explicit location line wins.
	bare := m.Finding(res, finding.Location{Path: "a", StartLine: 3}, check.Violation{Line: 9})
	if bare.Message != m.Title || bare.Location.StartLine != 3 {
		t.Errorf("finding %+v", bare)
	}
}

func TestMetas(t *testing.T) {
	cs := []check.Check[int]{
		{Meta: good("FC-K8S-001"), Eval: func(int) []check.Violation { return nil }},
		{Meta: good("FC-K8S-002"), Eval: func(int) []check.Violation { return nil }},
	}
	got := check.Metas(cs)
	if len(got) != 2 || got[0].ID != "FC-K8S-001" || got[1].ID != "FC-K8S-002" {
		t.Errorf("Metas = %v", got)
	}
}
