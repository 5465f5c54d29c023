package catalogue

import (
	"bytes"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/coverage"
)

var update = flag.Bool("update", false, "rewrite the generated docs (docs/checks.md, docs/coverage.md)")

// TestDocsChecks fails when docs/checks.md is stale: regenerate it with
// `go test ./internal/catalogue -run Docs -update`.
func TestDocsChecks(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Markdown(&buf, reg.All()); err != nil {
		t.Fatal(err)
	}
	const name = "../../docs/checks.md"
	if *update {
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/catalogue -run Docs -update)", err)
	}
	if diff := cmp.Diff(buf.String(), string(got)); diff != "" {
		t.Errorf("docs/checks.md is stale; run go test ./internal/catalogue -run Docs -update\n%s", diff)
	}
}

// TestCoverageMarkdown fails when docs/coverage.md is stale: regenerate it
// with `go test ./internal/catalogue -run Coverage -update`.
func TestCoverageMarkdown(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := coverage.Markdown(&buf, reg.All()); err != nil {
		t.Fatal(err)
	}
	const name = "../../docs/coverage.md"
	if *update {
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/catalogue -run Coverage -update)", err)
	}
	if diff := cmp.Diff(buf.String(), string(got)); diff != "" {
		t.Errorf("docs/coverage.md is stale; run go test ./internal/catalogue -run Coverage -update\n%s", diff)
	}
}

// TestCoverageReferences fails on a cloud check that references a Trivy or
// tfsec ID the anchor table does not hold for the check's provider:
// usually a typo in a fact.
func TestCoverageReferences(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	anchors, err := coverage.Anchors()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range coverage.Build(reg.All(), anchors).Providers {
		for _, s := range p.Services {
			for _, r := range s.Rows {
				if len(r.Unknown) > 0 {
					t.Errorf("%s (%s) references %v, which internal/coverage/anchors.tsv does not list for %s", r.Check.ID, p.Name, r.Unknown, p.Name)
				}
			}
		}
	}
}

// TestSeverityAgainstTrivy: a cloud check rated differently from every
// Trivy check it references says why in its description (issue 16: each
// severity is reasoned, and a difference from the anchor is explained).
func TestSeverityAgainstTrivy(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	anchors, err := coverage.Anchors()
	if err != nil {
		t.Fatal(err)
	}
	sev := map[string]string{}
	for _, a := range anchors {
		sev[a.AVD] = a.Severity
	}
	for _, m := range reg.All() {
		var theirs []string
		for _, r := range m.References {
			if s := sev[r.Source]; s != "" {
				theirs = append(theirs, s)
			}
		}
		if len(theirs) == 0 || slices.Contains(theirs, strings.ToUpper(m.Severity.String())) {
			continue
		}
		if !strings.Contains(m.Description, "Trivy") {
			t.Errorf("%s is %s where Trivy rates %v: its description must say why", m.ID, m.Severity, theirs)
		}
	}
}
