package deps

import (
	"io/fs"
	"os"
	"regexp"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/finding"
)

// scanDir runs the scanner over every manifest of dir, one unit each, as
// the engine does.
func scanDir(t *testing.T, s *Scanner, dir string) ([]finding.Finding, []finding.Skipped) {
	t.Helper()
	fsys := os.DirFS(dir)
	var all []finding.Finding
	var skipped []finding.Skipped
	n := 0
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !s.Wants(p) {
			return err
		}
		n++
		f, sk := s.Scan(t.Context(), fsys, []string{p})
		all = append(all, f...)
		skipped = append(skipped, sk...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("%s: no manifest", dir)
	}
	finding.Sort(all)
	return all, skipped
}

// TestCheckFixtures runs every check over its pass and fail fixtures.
func TestCheckFixtures(t *testing.T) {
	s := NewScanner(Options{})
	checktest.Fixtures(t, Checks(), "testdata/checks", func(t *testing.T, dir string) ([]finding.Finding, []finding.Skipped) {
		return scanDir(t, s, dir)
	})
}

// TestCatalogue validates the metadata of every check.
func TestCatalogue(t *testing.T) {
	metas := Checks()
	if _, err := check.NewRegistry(metas); err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`^FC-DEP-\d{3}$`)
	for i, m := range metas {
		if !id.MatchString(m.ID) {
			t.Errorf("%s: ID outside the DEP area", m.ID)
		}
		if i > 0 && metas[i-1].ID >= m.ID {
			t.Errorf("%s: catalogue not in ID order after %s", m.ID, metas[i-1].ID)
		}
		if m.Layer != finding.LayerCode {
			t.Errorf("%s: layer %v, want Code", m.ID, m.Layer)
		}
	}
}
