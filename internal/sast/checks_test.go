package sast

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/finding"
)

// scanDir runs s over every file of dir that it wants, with dir as the
// scan root on disk.
func scanDir(t *testing.T, s *Scanner, dir string) ([]finding.Finding, []finding.Skipped) {
	t.Helper()
	fsys := os.DirFS(dir)
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && s.Wants(p) {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("%s: no file for the scanner", dir)
	}
	// Group the way the engine does.
	units := map[string][]string{}
	var order []string
	for _, p := range paths {
		u := s.Unit(p)
		if _, ok := units[u]; !ok {
			order = append(order, u)
		}
		units[u] = append(units[u], p)
	}
	var all []finding.Finding
	var skipped []finding.Skipped
	for _, u := range order {
		f, sk := s.Scan(t.Context(), fsys, units[u])
		all = append(all, f...)
		skipped = append(skipped, sk...)
	}
	finding.Sort(all)
	return all, skipped
}

// TestCheckFixtures runs every check over its pass and fail fixtures, with
// Go modules type-checked in place (offline).
func TestCheckFixtures(t *testing.T) {
	checktest.Fixtures(t, Checks(), "testdata/checks", func(t *testing.T, dir string) ([]finding.Finding, []finding.Skipped) {
		dir, err := filepath.Abs(dir)
		if err != nil {
			t.Fatal(err)
		}
		return scanDir(t, NewScanner(Options{Root: dir, Offline: true}), dir)
	}, checktest.Parallel())
}

// TestCatalogue validates the metadata of every check.
func TestCatalogue(t *testing.T) {
	metas := Checks()
	if _, err := check.NewRegistry(metas); err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`^FC-SAST-\d{3}$`)
	for i, m := range metas {
		if !id.MatchString(m.ID) {
			t.Errorf("%s: ID outside the SAST area", m.ID)
		}
		if i > 0 && metas[i-1].ID >= m.ID {
			t.Errorf("%s: catalogue not in ID order after %s", m.ID, metas[i-1].ID)
		}
		if m.Layer != finding.LayerCode {
			t.Errorf("%s: layer %v, want Code", m.ID, m.Layer)
		}
		hasCWE := false
		for _, r := range m.References {
			hasCWE = hasCWE || strings.HasPrefix(r.Source, "CWE-")
		}
		if !hasCWE {
			t.Errorf("%s: no CWE reference", m.ID)
		}
	}
	for _, c := range gosecChecks() {
		for _, r := range c.Rules {
			found := false
			for _, ref := range c.References {
				found = found || ref.Source == "gosec "+r
			}
			if !found {
				t.Errorf("%s maps %s but does not reference it", c.ID, r)
			}
		}
	}
}
