package kube

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"k8s.io/pod-security-admission/policy"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/finding"
)

// evaluateFile loads one fixture file as its own unit and evaluates it.
func evaluateFile(t *testing.T, s *Scanner, file string) []finding.Finding {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	objs, skipped := Load(filepath.ToSlash(file), data)
	if len(skipped) > 0 {
		t.Fatalf("%s: unexpected skipped documents: %v", file, skipped)
	}
	if len(objs) == 0 {
		t.Fatalf("%s: no objects loaded", file)
	}
	return s.Evaluate(NewSet(objs))
}

// fixtureHandlers are the runtime handlers the fixtures' nodes offer.
var fixtureHandlers = []string{"runc", "runsc"}

// TestCheckFixtures runs every check over its pass and fail fixtures, each
// file loaded as its own unit, with the nodes offering fixtureHandlers.
func TestCheckFixtures(t *testing.T) {
	s := NewScanner(Options{RuntimeHandlers: fixtureHandlers})
	checktest.Fixtures(t, Checks(), "testdata/checks", func(t *testing.T, file string) ([]finding.Finding, []finding.Skipped) {
		return evaluateFile(t, s, file), nil
	}, checktest.PerEntry())
}

// TestCatalogue validates every check's metadata through the shared
// registry and pins the ID areas and layer.
func TestCatalogue(t *testing.T) {
	metas := Checks()
	if _, err := check.NewRegistry(metas); err != nil {
		t.Fatal(err)
	}
	for _, m := range metas {
		if m.Layer != finding.LayerCluster {
			t.Errorf("%s: layer %v, want Cluster", m.ID, m.Layer)
		}
		if !strings.HasPrefix(m.ID, "FC-K8S-") && !strings.HasPrefix(m.ID, "FC-RBAC-") && !strings.HasPrefix(m.ID, "FC-NET-") {
			t.Errorf("%s: ID outside the K8S, RBAC and NET areas", m.ID)
		}
		if len(m.References) == 0 {
			t.Errorf("%s: no references", m.ID)
		}
	}
}

// TestPSSControlsMatchUpstream fails when pod-security-admission gains or
// loses a default check, so that a dependency bump cannot silently drop a
// control.
func TestPSSControlsMatchUpstream(t *testing.T) {
	var upstream, ours []string
	levels := map[string]string{}
	for _, c := range policy.DefaultChecks() {
		upstream = append(upstream, string(c.ID))
		levels[string(c.ID)] = string(c.Level)
	}
	for _, c := range pssControls() {
		ours = append(ours, string(c.upstream))
		if levels[string(c.upstream)] != string(c.level) {
			t.Errorf("%s: level %s, upstream says %s", c.id, c.level, levels[string(c.upstream)])
		}
		if c.pod == nil {
			t.Errorf("%s: no pod-level field", c.id)
		}
	}
	slices.Sort(upstream)
	slices.Sort(ours)
	if !slices.Equal(upstream, ours) {
		t.Errorf("PSS controls differ from upstream:\nupstream %v\nfourc    %v", upstream, ours)
	}
	if _, err := newPSSEvaluator(); err != nil {
		t.Fatal(err)
	}
}
