package secret

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
)

// fixtureConfig is the Gitleaks config the FC-SEC-900 fixtures run with.
const fixtureConfig = "testdata/gitleaks/fixture.toml"

// TestCheckFixtures runs the scanner, through the engine, over every
// check's fixtures: each file of testdata/checks/<ID>/fail must produce a
// finding of that check, and no file of testdata/checks/<ID>/pass may. A
// check without both folders, or a folder for an unknown ID, fails.
func TestCheckFixtures(t *testing.T) {
	s, err := NewScanner(Options{GitleaksConfig: fixtureConfig})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range Checks() {
		ids[m.ID] = true
	}
	entries, err := os.ReadDir("testdata/checks")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !ids[e.Name()] {
			t.Errorf("testdata/checks/%s: fixtures for an unknown check", e.Name())
		}
	}
	for _, m := range Checks() {
		t.Run(m.ID, func(t *testing.T) {
			for _, kind := range []string{"fail", "pass"} {
				dir := filepath.Join("testdata/checks", m.ID, kind)
				files, err := os.ReadDir(dir)
				if err != nil || len(files) == 0 {
					t.Errorf("%s: no %s fixtures", m.ID, kind)
					continue
				}
				for _, f := range files {
					got := scanOne(t, s, dir, f.Name())
					fired := slices.ContainsFunc(got, func(f finding.Finding) bool { return f.CheckID == m.ID })
					switch {
					case kind == "fail" && !fired:
						t.Errorf("%s/%s: want a %s finding, got %v", dir, f.Name(), m.ID, got)
					case kind == "pass" && fired:
						t.Errorf("%s/%s: want no %s finding, got %v", dir, f.Name(), m.ID, got)
					}
				}
			}
		})
	}
}

func scanOne(t *testing.T, s *Scanner, dir, name string) []finding.Finding {
	t.Helper()
	res, err := engine.Run(context.Background(), os.DirFS(dir), []engine.Scanner{s}, engine.Options{Only: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	for _, sk := range res.Skipped {
		if sk.Path != fixtureConfig { // its lookahead rule is skipped on purpose
			t.Errorf("%s/%s skipped: %v", dir, name, sk)
		}
	}
	return res.Findings
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
