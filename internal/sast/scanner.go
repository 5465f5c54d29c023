package sast

import (
	"context"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/source"
)

// ScannerName is the scanner's name in skipped entries.
const ScannerName = "sast"

// goUnit is the engine unit every Go file belongs to: Go code is analysed
// one module at a time, and which module a file is in is only known by
// reading the tree, so the scanner gets all Go files at once and splits
// them itself.
const goUnit = "."

// maxSourceSize caps one source or configuration file.
const maxSourceSize = 4 << 20

// Options configure a Scanner. The zero value analyses Go code from the
// files alone (no go command for the module) and never touches the network.
type Options struct {
	// Root is the directory on disk that the scanned fs.FS is rooted at.
	// When set, Go modules are loaded in place with go/packages (full type
	// information); when empty, every package is type-checked from its own
	// files only.
	Root string
	// Offline stops the go command from downloading modules (GOPROXY=off).
	// A module whose dependencies are not in the module cache is then
	// analysed with partial types.
	Offline bool
	// LoadTimeout bounds loading one Go module; zero means 3 minutes.
	LoadTimeout time.Duration
}

// Scanner finds insecure code patterns. It implements engine.Scanner and
// engine.Grouper.
type Scanner struct {
	opts Options
	goc  []goCheck
	logc []logCheck
	urlc []urlCheck
	logs []logLanguage
}

// NewScanner returns a scanner with every SAST check.
func NewScanner(opts Options) *Scanner {
	if opts.LoadTimeout <= 0 {
		opts.LoadTimeout = 3 * time.Minute
	}
	return &Scanner{opts: opts, goc: gosecChecks(), logc: logChecks(), urlc: urlChecks(), logs: logLanguages()}
}

// Name implements engine.Scanner.
func (s *Scanner) Name() string { return ScannerName }

// Wants implements engine.Scanner: Go sources (not tests, vendored or test
// data), the sources of languages with a log analyser, and configuration
// files that may name endpoints.
func (s *Scanner) Wants(p string) bool {
	if skippedTree(p) {
		return false
	}
	if isGoSource(p) {
		return true
	}
	for _, l := range s.logs {
		if l.wants(p) {
			return true
		}
	}
	return endpointFile(p)
}

// Unit implements engine.Grouper: all Go files form one unit (split into
// modules by Scan); every other file is its own unit.
func (s *Scanner) Unit(p string) string {
	if isGoSource(p) {
		return goUnit
	}
	return p
}

// Describe implements engine.Describer.
func (s *Scanner) Describe(unit string) string {
	if unit == goUnit {
		return "analysing Go sources"
	}
	return "analysing " + unit
}

// Scan implements engine.Scanner.
func (s *Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string) ([]finding.Finding, []finding.Skipped) {
	var goFiles, others []string
	for _, p := range paths {
		if isGoSource(p) {
			goFiles = append(goFiles, p)
		} else {
			others = append(others, p)
		}
	}
	var out []finding.Finding
	var skipped []finding.Skipped
	if len(goFiles) > 0 {
		f, sk := s.scanGo(ctx, fsys, goFiles)
		out = append(out, f...)
		skipped = append(skipped, sk...)
	}
	for _, p := range others {
		if ctx.Err() != nil {
			break
		}
		f, sk := s.scanFile(fsys, p)
		out = append(out, f...)
		skipped = append(skipped, sk...)
	}
	return out, skipped
}

// scanFile runs the log and endpoint checks over one non-Go file.
func (s *Scanner) scanFile(fsys fs.FS, p string) ([]finding.Finding, []finding.Skipped) {
	data, err := source.ReadFile(fsys, p, maxSourceSize)
	if err != nil {
		return nil, []finding.Skipped{{Path: p, Scanner: ScannerName, Reason: unwrapPathError(err)}}
	}
	if source.IsBinary(data) {
		return nil, nil
	}
	var out []finding.Finding
	for _, l := range s.logs {
		if !l.wants(p) {
			continue
		}
		calls, err := l.calls(p, data)
		if err != nil {
			return nil, []finding.Skipped{{Path: p, Scanner: ScannerName, Reason: err.Error()}}
		}
		out = append(out, s.logFindings(p, calls)...)
	}
	if endpointFile(p) {
		out = append(out, s.urlFindings(p, textURLs(data))...)
	}
	return out, nil
}

// isGoSource reports whether p is a Go file the SAST checks analyse: test
// files are left out (their TLS shortcuts and fixtures are not shipped).
func isGoSource(p string) bool {
	return strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go")
}

// skippedTree reports whether p lies in a tree of third-party or test data
// code that the project does not own.
func skippedTree(p string) bool {
	for _, dir := range strings.Split(path.Dir(p), "/") {
		switch dir {
		case "vendor", "testdata", "node_modules", "third_party", "bower_components":
			return true
		}
	}
	return false
}

func unwrapPathError(err error) string {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}
