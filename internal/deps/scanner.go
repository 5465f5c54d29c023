package deps

import (
	"context"
	"io/fs"
	"path"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/source"
)

// ScannerName is the scanner's name in skipped entries.
const ScannerName = "deps"

// maxSourceSize caps a source file read for its imports; larger files are
// generated or bundled and passed over.
const maxSourceSize = 2 << 20

// Options configure a Scanner. The zero value is ready to use.
type Options struct{}

// Scanner reports unneeded dependencies of Go modules and npm packages. It
// implements engine.Scanner; each manifest is one unit, and the sources
// that use it are read from the fs.FS around it.
type Scanner struct {
	checks []check.Check[dependency]
}

// NewScanner returns a scanner with every dependency check.
func NewScanner(Options) *Scanner { return &Scanner{checks: checks()} }

// Name implements engine.Scanner.
func (s *Scanner) Name() string { return ScannerName }

// Wants implements engine.Scanner: go.mod and package.json files outside
// vendored and installed trees.
func (s *Scanner) Wants(p string) bool {
	base := path.Base(p)
	if base != "go.mod" && base != "package.json" {
		return false
	}
	for _, dir := range strings.Split(path.Dir(p), "/") {
		switch dir {
		case "node_modules", "vendor", "testdata", "bower_components":
			return false
		}
	}
	return true
}

// Scan implements engine.Scanner.
func (s *Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string) ([]finding.Finding, []finding.Skipped) {
	var out []finding.Finding
	var skipped []finding.Skipped
	for _, p := range paths {
		if ctx.Err() != nil {
			break
		}
		data, err := source.ReadFile(fsys, p, 0)
		if err != nil {
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: ScannerName, Reason: reason(err)})
			continue
		}
		var deps []dependency
		switch path.Base(p) {
		case "go.mod":
			deps, err = goDependencies(ctx, fsys, p, data)
		case "package.json":
			deps, err = npmDependencies(ctx, fsys, p, data)
		}
		if err != nil {
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: ScannerName, Reason: err.Error()})
			continue
		}
		out = append(out, s.evaluate(p, deps)...)
	}
	return out, skipped
}

// evaluate runs every check over the dependencies of one manifest.
func (s *Scanner) evaluate(manifest string, deps []dependency) []finding.Finding {
	var out []finding.Finding
	for _, d := range deps {
		res := finding.Resource{Kind: d.resourceKind(), Name: d.Name}
		if d.Version != "" && d.Ecosystem == "Go" {
			res.Name += "@" + d.Version
		}
		for _, c := range s.checks {
			for _, v := range c.Eval(d) {
				out = append(out, c.Finding(res, finding.Location{Path: manifest, StartLine: d.Line}, v))
			}
		}
	}
	return out
}

func reason(err error) string {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}
