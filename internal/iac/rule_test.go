package iac

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// TestRules runs every rule of fourc's rule packs over its fixtures: each
// failing case must yield the rule's finding, located, and each passing
// case must not.
func TestRules(t *testing.T) {
	rules, err := readRulePacks(ruleFiles)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compileRules(rules, false, true); err != nil {
		t.Fatal(err)
	}
	if _, err := check.NewRegistry(Checks()); err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		t.Run(r.ID, func(t *testing.T) {
			t.Parallel()
			lintRule(t, r)
			for i, c := range r.Fail {
				fs := scanCase(t, c)
				hits := withID(fs, r.ID)
				if len(hits) == 0 {
					t.Errorf("fail case %d (%s): no %s finding; got %v", i+1, r.file, r.ID, ids(fs))
				}
				for _, f := range hits {
					if f.Location.StartLine == 0 && f.Location.Object == "" {
						t.Errorf("fail case %d: finding without a location: %+v", i+1, f.Location)
					}
				}
			}
			for i, c := range r.Pass {
				if hits := withID(scanCase(t, c), r.ID); len(hits) > 0 {
					t.Errorf("pass case %d (%s): unexpected %s finding at %s:%d: %s", i+1, r.file, r.ID, hits[0].Location.Path, hits[0].Location.StartLine, hits[0].Message)
				}
			}
		})
	}
}

// lintRule holds the rule packs to the catalogue's standard.
func lintRule(t *testing.T, r Rule) {
	t.Helper()
	switch {
	case len(r.Fail) == 0 || len(r.Pass) == 0:
		t.Error("a rule needs a failing and a passing fixture")
	case r.Description == "" || r.Remediation == "":
		t.Error("a rule needs a description and a remediation")
	case len(r.AVD)+len(r.TFSec)+len(r.CIS)+len(r.CWE)+len(r.Links) == 0:
		t.Error("a rule needs a reference (avd, tfsec, cis, cwe or links)")
	case r.Service == "":
		t.Error("a rule needs a service")
	}
	prefix := map[string]string{"aws": "FC-AWS-", "azure": "FC-AZ-", "gcp": "FC-GCP-"}[filepath.Base(filepath.Dir(r.file))]
	if prefix == "" || !strings.HasPrefix(r.ID, prefix) {
		t.Errorf("rule %s in %s: the ID must start with %q", r.ID, r.file, prefix)
	}
	for _, v := range []struct {
		name string
		v    *Variant
		exts []string
	}{{"cfn", r.CFN, []string{".yaml", ".yml", ".json", ".template"}}, {"arm", r.ARM, []string{".json"}}} {
		if v.v == nil {
			continue
		}
		found := false
		for _, c := range r.Fail {
			for name := range c {
				found = found || slices.Contains(v.exts, filepath.Ext(name)) && !strings.HasSuffix(name, ".tf.json")
			}
		}
		if !found {
			t.Errorf("the %s variant needs a failing fixture of its own", v.name)
		}
	}
}

func scanCase(t *testing.T, files map[string]string) []finding.Finding {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs, skipped := scanTree(t, os.DirFS(dir))
	for _, s := range skipped {
		t.Errorf("fixture skipped: %s: %s", s.Path, s.Reason)
	}
	return fs
}

func withID(fs []finding.Finding, id string) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.CheckID == id {
			out = append(out, f)
		}
	}
	return out
}

func ids(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.CheckID)
	}
	return out
}
