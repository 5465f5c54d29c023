package kube

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"k8s.io/pod-security-admission/policy"

	"github.com/fourc-dev/fourc/internal/check"
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

// TestCheckFixtures runs every check over its pass and fail fixtures. It
// fails on a check without both, and on fixture folders of unknown checks.
func TestCheckFixtures(t *testing.T) {
	s := NewScanner(Options{})
	known := map[string]bool{}
	for _, m := range Checks() {
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
	for _, m := range Checks() {
		t.Run(m.ID, func(t *testing.T) {
			for _, outcome := range []string{"pass", "fail"} {
				files, _ := filepath.Glob(filepath.Join("testdata/checks", m.ID, outcome, "*.yaml"))
				if len(files) == 0 {
					t.Errorf("no %s fixtures in testdata/checks/%s/%s", outcome, m.ID, outcome)
				}
				for _, f := range files {
					var got []finding.Finding
					for _, fd := range evaluateFile(t, s, f) {
						if fd.CheckID == m.ID {
							got = append(got, fd)
						}
					}
					switch {
					case outcome == "fail" && len(got) == 0:
						t.Errorf("%s: want a %s finding, got none", f, m.ID)
					case outcome == "pass" && len(got) > 0:
						t.Errorf("%s: want no %s finding, got %v", f, m.ID, got)
					}
					for _, fd := range got {
						if fd.Location.StartLine == 0 {
							t.Errorf("%s: finding without a line: %v", f, fd)
						}
						if fd.Message == "" || fd.Message == m.Title {
							t.Errorf("%s: finding without a precise message: %v", f, fd)
						}
					}
				}
			}
		})
	}
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
