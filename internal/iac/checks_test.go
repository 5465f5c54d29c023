package iac

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
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

func TestCheckFixtures(t *testing.T) {
	root := filepath.Join("testdata", "checks")
	known := map[string]bool{}
	for _, m := range Checks() {
		known[m.ID] = true
		t.Run(m.ID, func(t *testing.T) {
			for _, kind := range []string{"pass", "fail"} {
				dir := filepath.Join(root, m.ID, kind)
				if st, err := os.Stat(dir); err != nil || !st.IsDir() {
					t.Errorf("missing %s fixture %s", kind, dir)
					continue
				}
				fs, sk := scanTree(t, os.DirFS(dir))
				if len(sk) > 0 {
					t.Errorf("%s fixture skipped inputs: %v", kind, sk)
				}
				var got []finding.Finding
				for _, f := range fs {
					if f.CheckID == m.ID {
						got = append(got, f)
					}
				}
				switch {
				case kind == "fail" && len(got) == 0:
					t.Errorf("fail fixture produced no %s finding", m.ID)
				case kind == "pass" && len(got) > 0:
					t.Errorf("pass fixture produced %s findings: %v", m.ID, got)
				}
				for _, f := range got {
					if f.Location.Path == "" || f.Location.StartLine == 0 || f.Message == "" {
						t.Errorf("finding without file:line or message: %+v", f)
					}
				}
			}
		})
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !known[e.Name()] {
			t.Errorf("orphan fixture folder %s: no check has that ID", e.Name())
		}
		if sub, err := os.ReadDir(filepath.Join(root, e.Name())); err == nil {
			for _, s := range sub {
				if !slices.Contains([]string{"pass", "fail"}, s.Name()) {
					t.Errorf("fixture folder %s/%s: want only pass and fail", e.Name(), s.Name())
				}
			}
		}
	}
}
