package secret

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
)

// fixtureConfig is the Gitleaks config the FC-SEC-900 fixtures run with.
const fixtureConfig = "testdata/gitleaks/fixture.toml"

// TestCheckFixtures runs the scanner, through the engine, over every
// check's fixtures, each file on its own.
func TestCheckFixtures(t *testing.T) {
	s, err := NewScanner(Options{GitleaksConfig: fixtureConfig})
	if err != nil {
		t.Fatal(err)
	}
	checktest.Fixtures(t, Checks(), "testdata/checks", func(t *testing.T, file string) ([]finding.Finding, []finding.Skipped) {
		return scanOne(t, s, filepath.Dir(file), filepath.Base(file))
	}, checktest.PerEntry())
}

// scanOne scans one file of dir through the engine. The skip of the
// fixture config's lookahead rule is on purpose and left out.
func scanOne(t *testing.T, s *Scanner, dir, name string) ([]finding.Finding, []finding.Skipped) {
	t.Helper()
	res, err := engine.Run(context.Background(), os.DirFS(dir), []engine.Scanner{s}, engine.Options{Only: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	skipped := slices.DeleteFunc(res.Skipped, func(sk finding.Skipped) bool { return sk.Path == fixtureConfig })
	return res.Findings, skipped
}

// TestCatalogue validates the metadata of every rule the way the CLI's
// registry does, and checks that IDs and names are unique.
func TestCatalogue(t *testing.T) {
	if _, err := check.NewRegistry(Checks()); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, r := range BuiltinRules() {
		if names[r.Name] {
			t.Errorf("duplicate rule name %q", r.Name)
		}
		names[r.Name] = true
		if r.Label == "" || len(r.Keywords) == 0 || r.Pattern == "" {
			t.Errorf("%s: built-in rules need a label, keywords and a pattern", r.ID)
		}
		if r.Meta.Layer != finding.LayerCode {
			t.Errorf("%s: layer %v, want Code", r.ID, r.Meta.Layer)
		}
	}
	if _, err := compileRules(BuiltinRules(), nil, nil); err != nil {
		t.Fatal(err)
	}
}
