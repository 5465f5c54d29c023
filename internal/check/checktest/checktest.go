// Package checktest gives every scanner its pass/fail fixture test in one
// line. Fixtures live beside the checks, one folder per check ID:
//
//	testdata/checks/<ID>/pass/...   inputs on which the check must stay silent
//	testdata/checks/<ID>/fail/...   inputs on which it must report
//
// [Fixtures] fails on a check without both folders, on a folder of an
// unknown ID (an orphan), on a skipped input, on a finding without a
// location or a precise message, and on a finding of a check the scanner
// does not declare.
package checktest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// Scan evaluates one fixture, a folder or (with [PerEntry]) one entry of a
// pass or fail folder, the way the scanner runs in fourc, and returns every
// finding and every skipped input.
type Scan func(t *testing.T, path string) ([]finding.Finding, []finding.Skipped)

// Option changes what [Fixtures] expects.
type Option func(*options)

type options struct {
	perEntry    bool
	withoutLine bool
	parallel    bool
	also        map[string]bool
}

// PerEntry makes every file or folder inside pass/ and fail/ a fixture of
// its own, instead of the folder as a whole.
func PerEntry() Option { return func(o *options) { o.perEntry = true } }

// WithoutLine accepts findings located by a path or an object alone, for
// checks over things without lines (a node's files, a bucket, an image).
func WithoutLine() Option { return func(o *options) { o.withoutLine = true } }

// Parallel runs the fixtures in parallel; scan must be safe for that.
func Parallel() Option { return func(o *options) { o.parallel = true } }

// Also declares checks of other packages the scanner may report as well,
// e.g. the secret findings of the Dockerfile scanner.
func Also(metas ...[]check.Meta) Option {
	return func(o *options) {
		for _, g := range metas {
			for _, m := range g {
				o.also[m.ID] = true
			}
		}
	}
}

// Fixtures runs every check of metas over its fixtures under root.
func Fixtures(t *testing.T, metas []check.Meta, root string, scan Scan, opts ...Option) {
	t.Helper()
	o := options{also: map[string]bool{}}
	for _, opt := range opts {
		opt(&o)
	}
	known := map[string]check.Meta{}
	for _, m := range metas {
		known[m.ID] = m
	}
	orphans(t, root, known)
	for _, m := range metas {
		for _, kind := range []string{"pass", "fail"} {
			dir := filepath.Join(root, m.ID, kind)
			cases := []string{dir}
			if o.perEntry {
				cases = entries(dir)
			}
			if !isNonEmptyDir(dir) || len(cases) == 0 {
				t.Errorf("check %s has no %s fixture in %s", m.ID, kind, dir)
				continue
			}
			for _, c := range cases {
				name := m.ID + "/" + kind
				if o.perEntry {
					name += "/" + filepath.Base(c)
				}
				t.Run(name, func(t *testing.T) {
					if o.parallel {
						t.Parallel()
					}
					fs, skipped := scan(t, c)
					verify(t, o, known, m, kind == "fail", c, fs, skipped)
				})
			}
		}
	}
}

// orphans fails on fixture folders of unknown IDs and on anything but pass
// and fail inside a check's folder.
func orphans(t *testing.T, root string, known map[string]check.Meta) {
	t.Helper()
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatalf("reading fixtures: %v", err)
	}
	for _, e := range ents {
		if _, ok := known[e.Name()]; !ok {
			t.Errorf("%s: fixtures of an unknown check (orphan)", filepath.Join(root, e.Name()))
			continue
		}
		for _, sub := range entries(filepath.Join(root, e.Name())) {
			if b := filepath.Base(sub); b != "pass" && b != "fail" {
				t.Errorf("%s: want only pass and fail in a check's fixture folder", sub)
			}
		}
	}
}

func verify(t *testing.T, o options, known map[string]check.Meta, m check.Meta, fail bool, path string, fs []finding.Finding, skipped []finding.Skipped) {
	t.Helper()
	for _, s := range skipped {
		t.Errorf("%s: skipped %s", path, s)
	}
	var hits []finding.Finding
	for _, f := range fs {
		if _, ok := known[f.CheckID]; !ok && !o.also[f.CheckID] {
			t.Errorf("%s: finding of a check the scanner does not declare: %s %s", path, f.CheckID, f.Message)
		}
		if f.CheckID == m.ID {
			hits = append(hits, f)
		}
	}
	switch {
	case fail && len(hits) == 0:
		t.Errorf("%s: want a %s finding, got none (all: %v)", path, m.ID, describe(fs))
	case !fail && len(hits) > 0:
		t.Errorf("%s: want no %s finding, got %v", path, m.ID, describe(hits))
	}
	for _, f := range hits {
		if f.Message == "" || f.Message == m.Title {
			t.Errorf("%s: finding without a precise message (only the title): %s", path, describe([]finding.Finding{f}))
		}
		located := f.Location.Path != "" && f.Location.StartLine > 0
		if o.withoutLine {
			located = f.Location.Path != "" || f.Location.Object != ""
		}
		if !located {
			t.Errorf("%s: finding without a location (file:line): %s", path, describe([]finding.Finding{f}))
		}
		if f.Layer != m.Layer || f.Fingerprint == "" {
			t.Errorf("%s: finding of layer %v with fingerprint %q; want the check's layer %v and a fingerprint", path, f.Layer, f.Fingerprint, m.Layer)
		}
	}
}

func describe(fs []finding.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.CheckID+" "+f.Location.String()+" "+f.Message)
	}
	return out
}

func isNonEmptyDir(dir string) bool {
	return len(entries(dir)) > 0
}

// entries lists the entries of dir, sorted.
func entries(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		out = append(out, filepath.Join(dir, e.Name()))
	}
	slices.Sort(out)
	return out
}
