package controlplane_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
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
// testdata/checks/<ID>/{pass,fail}/<case>/ is a node's root filesystem.
func TestCheckFixtures(t *testing.T) {
	checktest.Fixtures(t, controlplane.Checks(), "testdata/checks", func(t *testing.T, dir string) ([]finding.Finding, []finding.Skipped) {
		fs, skipped, _ := scanFixture(t, dir, controlplane.Options{})
		return fs, skipped
	}, checktest.PerEntry(), checktest.WithoutLine())
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
