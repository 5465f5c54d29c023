package host_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/host"
	"github.com/fourc-dev/fourc/internal/host/hosttest"
)

// TestCheckFixtures runs every OS check over its pass and fail fixtures:
// testdata/checks/<ID>/{pass,fail}/<case>/ is a root filesystem. It fails
// on a check without both, and on fixture folders of unknown checks.
func TestCheckFixtures(t *testing.T) {
	known := map[string]bool{}
	for _, m := range host.Checks() {
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
	for _, m := range host.Checks() {
		t.Run(m.ID, func(t *testing.T) {
			for _, outcome := range []string{"pass", "fail"} {
				cases, _ := filepath.Glob(filepath.Join("testdata/checks", m.ID, outcome, "*"))
				if len(cases) == 0 {
					t.Errorf("no %s fixtures in testdata/checks/%s/%s", outcome, m.ID, outcome)
				}
				for _, dir := range cases {
					n, err := hosttest.Node(dir)
					if err != nil {
						t.Fatal(err)
					}
					all, skipped := host.ScanNode(context.Background(), n, host.Options{})
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
						if f.Layer != finding.LayerCloud || f.Resource.Kind != "Node" {
							t.Errorf("%s: finding on %v in layer %v, want a Node in the Cloud layer", dir, f.Resource, f.Layer)
						}
					}
				}
			}
		})
	}
}

// TestCatalogue validates every OS check's metadata.
func TestCatalogue(t *testing.T) {
	if _, err := check.NewRegistry(host.Checks()); err != nil {
		t.Fatal(err)
	}
	for _, m := range host.Checks() {
		if !strings.HasPrefix(m.ID, "FC-HOST-") {
			t.Errorf("%s: ID outside the HOST area", m.ID)
		}
		if m.Layer != finding.LayerCloud {
			t.Errorf("%s: layer %v, want Cloud", m.ID, m.Layer)
		}
		if len(m.References) == 0 {
			t.Errorf("%s: no references", m.ID)
		}
	}
}
