package dockerfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/secret"
)

// fixtureOptions is the configuration every fixture runs with, so that
// FC-DF-003 has an allow-list to enforce.
var fixtureOptions = Options{AllowedRegistries: []string{"docker.io", "gcr.io/distroless"}}

// scanDir runs the scanner over every Dockerfile in dir.
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
		t.Fatalf("%s: no Dockerfile", dir)
	}
	return s.Scan(t.Context(), fsys, paths)
}

// TestCheckFixtures runs every check over its pass and fail fixtures.
func TestCheckFixtures(t *testing.T) {
	s := NewScanner(fixtureOptions)
	checktest.Fixtures(t, Checks(), "testdata/checks", func(t *testing.T, dir string) ([]finding.Finding, []finding.Skipped) {
		return scanDir(t, s, dir)
	}, checktest.Also(secret.Checks()))
}

// TestCatalogue validates the metadata of every check.
func TestCatalogue(t *testing.T) {
	metas := Checks()
	if _, err := check.NewRegistry(metas); err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`^FC-DF-\d{3}$`)
	for i, m := range metas {
		if !id.MatchString(m.ID) {
			t.Errorf("%s: ID outside the DF area", m.ID)
		}
		if i > 0 && metas[i-1].ID >= m.ID {
			t.Errorf("%s: catalogue not in ID order after %s", m.ID, metas[i-1].ID)
		}
		if m.Layer != finding.LayerContainer {
			t.Errorf("%s: layer %v, want Container", m.ID, m.Layer)
		}
		if len(m.References) == 0 {
			t.Errorf("%s: no references", m.ID)
		}
		if !strings.HasSuffix(m.Remediation, ".") || !strings.HasSuffix(m.Description, ".") {
			t.Errorf("%s: description and remediation must be sentences", m.ID)
		}
	}
	// Every check is in a file of its own that names it.
	files, err := filepath.Glob("check_*.go")
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, string(b))
	}
	for _, m := range metas {
		n := 0
		for _, src := range sources {
			if strings.Contains(src, `"`+m.ID+`"`) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s is defined in %d check_*.go files, want 1", m.ID, n)
		}
	}
	if !slices.IsSortedFunc(metas, func(a, b check.Meta) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("Checks() is not sorted by ID")
	}
}
