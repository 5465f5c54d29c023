package controlplane_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/controlplane"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/host/hosttest"
)

// scanFixture runs the suite over a fixture root filesystem.
func scanFixture(t *testing.T, dir string, opts controlplane.Options) ([]finding.Finding, []finding.Skipped, map[string]string) {
	t.Helper()
	n, err := hosttest.Node(dir)
	if err != nil {
		t.Fatal(err)
	}
	facts := map[string]string{}
	fs, sk := controlplane.NewSuite(opts).Scan(context.Background(), n, func(k, v string) { facts[k] = v })
	return fs, sk, facts
}

// TestCheckFixtures runs every check over its pass and fail fixtures:
// testdata/checks/<ID>/{pass,fail}/<case>/ is a node's root filesystem. It
// fails on a check without both, and on fixture folders of unknown checks.
func TestCheckFixtures(t *testing.T) {
	known := map[string]bool{}
	for _, m := range controlplane.Checks() {
		known[m.ID] = true
	}
	dirs, err := os.ReadDir("testdata/checks")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !known[d.Name()] {
			t.Errorf("testdata/checks/%s: fixtures for an unknown check", d.Name())
		}
	}
	for _, m := range controlplane.Checks() {
		t.Run(m.ID, func(t *testing.T) {
			for _, outcome := range []string{"pass", "fail"} {
				cases, _ := filepath.Glob(filepath.Join("testdata/checks", m.ID, outcome, "*"))
				if len(cases) == 0 {
					t.Errorf("no %s fixtures in testdata/checks/%s/%s", outcome, m.ID, outcome)
				}
				for _, dir := range cases {
					all, skipped, _ := scanFixture(t, dir, controlplane.Options{})
					if len(skipped) > 0 {
						t.Errorf("%s: skipped %v", dir, skipped)
					}
					var got []finding.Finding
					for _, f := range all {
						if f.CheckID == m.ID {
							got = append(got, f)
						}
					}
					switch {
					case outcome == "fail" && len(got) == 0:
						t.Errorf("%s: want a %s finding, got none", dir, m.ID)
					case outcome == "pass" && len(got) > 0:
						t.Errorf("%s: want no %s finding, got %v", dir, m.ID, got)
					}
					for _, f := range got {
						if f.Message == "" || f.Message == m.Title {
							t.Errorf("%s: finding without a precise message: %v", dir, f)
						}
						if f.Location.Path == "" {
							t.Errorf("%s: finding without a location: %v", dir, f)
						}
						if f.Layer != finding.LayerCluster {
							t.Errorf("%s: layer %v", dir, f.Layer)
						}
					}
				}
			}
		})
	}
}

// TestCatalogue validates the metadata and pins the ID area, the layer and
// the CIS references.
func TestCatalogue(t *testing.T) {
	metas := controlplane.Checks()
	if _, err := check.NewRegistry(metas); err != nil {
		t.Fatal(err)
	}
	for _, r := range controlplane.Rules() {
		m := r.Meta()
		if !strings.HasPrefix(m.ID, "FC-CIS-") {
			t.Errorf("%s: ID outside the CIS area", m.ID)
		}
		if m.Layer != finding.LayerCluster {
			t.Errorf("%s: layer %v", m.ID, m.Layer)
		}
		if len(m.References) == 0 {
			t.Errorf("%s: no references", m.ID)
		}
		if r.CIS != "" && !strings.Contains(m.References[0].Source, "v2.0.1 "+r.CIS) {
			t.Errorf("%s: first reference %q, want the v2.0.1 number", m.ID, m.References[0].Source)
		}
		if len(r.Components) == 0 {
			t.Errorf("%s: no component", m.ID)
		}
		if r.Eval == nil && r.Op == 0 {
			t.Errorf("%s: neither an operation nor an evaluator", m.ID)
		}
	}
}
