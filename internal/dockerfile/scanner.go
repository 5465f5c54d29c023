// Package dockerfile audits Dockerfiles and Containerfiles: it parses them
// with BuildKit's own parser into a typed, multi-stage-aware model (base
// images with ARG expansion, stages, instructions with lines, the shell
// commands RUN executes, heredocs included) and runs the FC-DF checks over
// it. The model is exported so that other layers can link images to the
// Dockerfiles that build them.
package dockerfile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/source"
)

// scannerName is the scanner's stable name.
const scannerName = "dockerfile"

// Options tune the Dockerfile checks. The zero value is usable.
type Options struct {
	// AllowedRegistries, when not empty, turns on FC-DF-003: base images
	// must come from one of these registries ("ghcr.io") or registry path
	// prefixes ("ghcr.io/acme"). Bare names such as "alpine" are docker.io.
	AllowedRegistries []string
}

// Scanner runs the Dockerfile checks over Dockerfiles and Containerfiles.
type Scanner struct {
	checks []check.Check[*File]
}

// NewScanner returns a scanner configured by opts.
func NewScanner(opts Options) *Scanner {
	return &Scanner{checks: checks(opts)}
}

// Name implements engine.Scanner.
func (s *Scanner) Name() string { return scannerName }

// notDockerfile are suffixes of files named like Dockerfiles that are not:
// ignore files, documentation, source code, data and editor leftovers.
var notDockerfile = []string{".dockerignore", ".md", ".rst", ".txt", ".html", ".go", ".py", ".js", ".ts", ".rs",
	".java", ".rb", ".json", ".yaml", ".yml", ".toml", ".xml", ".swp", ".bak", ".orig", ".rej", "~"}

// Wants implements engine.Scanner: Dockerfile, Containerfile, *.Dockerfile,
// *.dockerfile and Dockerfile.* (or Containerfile.*), in any case, but not
// their .dockerignore files nor files whose extension says they are
// something else (Dockerfile.md, dockerfile.go, Dockerfile.yaml, …).
func (s *Scanner) Wants(p string) bool {
	base := strings.ToLower(path.Base(p))
	if hasAnySuffix(base, notDockerfile...) {
		return false
	}
	switch {
	case base == "dockerfile" || base == "containerfile":
		return true
	case strings.HasSuffix(base, ".dockerfile") || strings.HasSuffix(base, ".containerfile"):
		return true
	case strings.HasPrefix(base, "dockerfile.") || strings.HasPrefix(base, "containerfile."):
		return true
	}
	return false
}

// Describe implements engine.Describer.
func (s *Scanner) Describe(unit string) string { return "checking Dockerfile " + unit }

// Scan implements engine.Scanner. A file that cannot be read or parsed,
// or exceeds a budget (see [ParseContext]), is skipped with a one-line
// reason; the others are checked. Each file gets limits.PerInput for
// parsing and checks together.
func (s *Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string) ([]finding.Finding, []finding.Skipped) {
	out, _, skipped := s.ScanAssets(ctx, fsys, paths)
	return out, skipped
}

// scanOne loads and checks one Dockerfile within ctx's deadline.
func (s *Scanner) scanOne(ctx context.Context, fsys fs.FS, p string) (*File, []finding.Finding, error) {
	f, err := s.load(ctx, fsys, p)
	if err != nil {
		return nil, nil, err
	}
	out := s.check(ctx, f)
	if err := ctx.Err(); err != nil {
		if err == context.Canceled {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("checking %q: %w", p, limits.Exceeded("checking", limits.From(ctx).PerInput))
	}
	return f, out, nil
}

// load reads and parses one Dockerfile and looks for its .dockerignore.
func (s *Scanner) load(ctx context.Context, fsys fs.FS, p string) (*File, error) {
	limit := min(limits.From(ctx).FileBytes, maxFileBytes)
	data, err := source.ReadFile(fsys, p, limit)
	if err != nil {
		var pe *fs.PathError
		switch {
		case errors.Is(err, source.ErrTooLarge):
			return nil, fmt.Errorf("reading %q: %w", p, limits.Exceeded("Dockerfile size", limits.Bytes(limit)))
		case errors.As(err, &pe):
			return nil, fmt.Errorf("reading %q: %w", p, pe.Err)
		}
		return nil, err
	}
	f, err := ParseContext(ctx, p, data)
	if err != nil {
		return nil, err
	}
	dir := path.Dir(p)
	for _, ignore := range []string{".dockerignore", path.Base(p) + ".dockerignore"} {
		if st, err := fs.Stat(fsys, path.Join(dir, ignore)); err == nil && !st.IsDir() {
			f.HasDockerignore = true
		}
	}
	return f, nil
}

// Check runs every check over a parsed file and returns its findings.
func (s *Scanner) Check(f *File) []finding.Finding {
	return s.check(context.Background(), f)
}

// check runs the checks until ctx is done.
func (s *Scanner) check(ctx context.Context, f *File) []finding.Finding {
	ends := map[int]int{}
	for _, st := range f.Stages {
		ends[st.From.StartLine] = st.From.EndLine
		for _, in := range st.Instructions {
			ends[in.StartLine] = in.EndLine
		}
	}
	res := finding.Resource{Kind: "Dockerfile", Name: f.Path}
	var out []finding.Finding
	for _, c := range s.checks {
		if ctx.Err() != nil {
			return nil
		}
		for _, v := range c.Eval(f) {
			loc := finding.Location{Path: f.Path, StartLine: v.Line, EndLine: v.Line}
			if end, ok := ends[v.Line]; ok {
				loc.EndLine = end
			}
			v.Message = source.Printable(v.Message)
			out = append(out, c.Finding(res, loc, v))
		}
	}
	finding.Sort(out)
	return out
}

// oneLine folds a multi-line error into one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
