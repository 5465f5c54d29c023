package iac

import (
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/finding"
)

// scanTree runs the scanner the way the engine does: every wanted file of
// the tree, grouped into units.
func scanTree(t testing.TB, fsys fs.FS) ([]finding.Finding, []finding.Skipped) {
	t.Helper()
	s := NewScanner(Options{})
	units := map[string][]string{}
	var order []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !s.Wants(p) {
			return nil
		}
		u := s.Unit(p)
		if _, ok := units[u]; !ok {
			order = append(order, u)
		}
		units[u] = append(units[u], p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var fs []finding.Finding
	var sk []finding.Skipped
	for _, u := range order {
		f, k := s.Scan(context.Background(), fsys, units[u])
		fs = append(fs, f...)
		sk = append(sk, k...)
	}
	finding.Sort(fs)
	return fs, sk
}

func TestChecksRegistry(t *testing.T) {
	if _, err := check.NewRegistry(Checks()); err != nil {
		t.Fatal(err)
	}
	for _, m := range Checks() {
		if !strings.HasPrefix(m.ID, "FC-AWS-") && !strings.HasPrefix(m.ID, "FC-GCP-") && !strings.HasPrefix(m.ID, "FC-AZ-") {
			t.Errorf("check %s: ID outside the AWS, GCP and AZ areas", m.ID)
		}
		if m.Layer != finding.LayerCloud {
			t.Errorf("check %s: layer %s, want Cloud", m.ID, m.Layer)
		}
		if len(m.References) == 0 {
			t.Errorf("check %s: no references", m.ID)
		}
	}
}

// TestCheckFixtures runs every check over its pass and fail fixtures, each
// folder scanned as a tree.
func TestCheckFixtures(t *testing.T) {
	checktest.Fixtures(t, newCatalogue().metas(), "testdata/checks", func(t *testing.T, dir string) ([]finding.Finding, []finding.Skipped) {
		return scanTree(t, os.DirFS(dir))
	}, checktest.Also(mustBuiltinRules().Checks()))
}
