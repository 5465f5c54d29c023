package deps

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
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

// TestCheckFixtures runs every check over its pass and fail fixtures. It
// fails on a check without both, and on fixture folders for unknown IDs.
func TestCheckFixtures(t *testing.T) {
	s := NewScanner(Options{})
	known := map[string]bool{}
	for _, m := range Checks() {
		known[m.ID] = true
	}
	entries, err := os.ReadDir("testdata/checks")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !known[e.Name()] {
			t.Errorf("testdata/checks/%s: fixtures for an unknown check (orphan)", e.Name())
		}
	}
	for _, m := range Checks() {
		for _, kind := range []string{"pass", "fail"} {
			t.Run(m.ID+"/"+kind, func(t *testing.T) {
				dir := filepath.Join("testdata", "checks", m.ID, kind)
				if _, err := os.Stat(dir); err != nil {
					t.Fatalf("check %s has no %s fixture: %v", m.ID, kind, err)
				}
				fs, skipped := scanDir(t, s, dir)
				if len(skipped) > 0 {
					t.Fatalf("fixture skipped: %v", skipped)
				}
				var hits []finding.Finding
				for _, f := range fs {
					if f.CheckID == m.ID {
						hits = append(hits, f)
					}
				}
				switch {
				case kind == "fail" && len(hits) == 0:
					t.Errorf("fail fixture produced no %s finding; got %v", m.ID, messages(fs))
				case kind == "pass" && len(hits) > 0:
					t.Errorf("pass fixture produced %s: %v", m.ID, messages(hits))
				}
				for _, h := range hits {
					if h.Location.StartLine == 0 || h.Location.Path == "" {
						t.Errorf("finding without file:line: %+v", h.Location)
					}
				}
			})
		}
	}
}

func messages(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.CheckID+" "+f.Location.String()+" "+f.Message)
	}
	return out
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
