package deps

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/fourc-dev/fourc/internal/source"
)

// goDependencies reads a go.mod and the imports of its module's Go files.
func goDependencies(ctx context.Context, fsys fs.FS, manifest string, data []byte) ([]dependency, error) {
	mf, err := modfile.Parse(manifest, data, nil)
	if err != nil {
		return nil, fmt.Errorf("parsing go.mod: %s", firstLine(err.Error()))
	}
	var deps []dependency
	for _, r := range mf.Require {
		line := 0
		if r.Syntax != nil {
			line = r.Syntax.Start.Line
		}
		deps = append(deps, dependency{Ecosystem: "Go", Name: r.Mod.Path, Version: r.Mod.Version, Line: line, Group: "require", Indirect: r.Indirect})
	}
	if len(deps) == 0 {
		return nil, nil
	}
	uses, err := goModuleUses(ctx, fsys, path.Dir(manifest))
	if err != nil {
		return nil, err
	}
	var tools []string
	for _, t := range mf.Tool {
		tools = append(tools, t.Path)
	}
	mods := make([]string, 0, len(deps)+1)
	for _, d := range deps {
		mods = append(mods, d.Name)
	}
	if mf.Module != nil {
		mods = append(mods, mf.Module.Mod.Path)
	}
	for imp, u := range uses.imports {
		if m := provider(imp, mods); m != "" {
			for i := range deps {
				if deps[i].Name == m {
					deps[i].Files += u.files
					deps[i].TestFiles += u.tests
				}
			}
		}
	}
	for _, t := range tools {
		mark(deps, provider(t, mods), "the tool directive "+t)
	}
	for _, g := range uses.generate {
		mark(deps, provider(g.pkg, mods), "the go:generate line in "+g.file)
	}
	for i := range deps {
		deps[i].Sources = uses.sources
	}
	return deps, nil
}

// mark records a non-import use of a dependency.
func mark(deps []dependency, mod, by string) {
	for i := range deps {
		if deps[i].Name == mod && deps[i].UsedBy == "" {
			deps[i].UsedBy = by
		}
	}
}

// provider returns the module of mods that provides the package path: the
// longest module path that is the package path or a prefix of it.
func provider(pkg string, mods []string) string {
	best := ""
	for _, m := range mods {
		if (pkg == m || strings.HasPrefix(pkg, m+"/")) && len(m) > len(best) {
			best = m
		}
	}
	return best
}

// importUse counts the files that import a package.
type importUse struct{ files, tests int }

type generateUse struct{ pkg, file string }

type goUses struct {
	imports  map[string]importUse
	generate []generateUse
	sources  int
}

// goGenerateRun finds `go run PKG` in go:generate lines; PKG@version runs
// outside the module and does not count.
var goGenerateRun = regexp.MustCompile(`(?m)^//go:generate\s+go\s+run\s+(?:-\S+\s+)*([^\s@]+)(\s|$)`)

// goModuleUses reads the imports of every Go file of the module rooted at
// dir: nested modules, vendor, testdata and directories whose name starts
// with "." or "_" are left out, as the go command does, and so is
// node_modules (JavaScript dependencies, large and never Go).
func goModuleUses(ctx context.Context, fsys fs.FS, dir string) (*goUses, error) {
	u := &goUses{imports: map[string]importUse{}}
	fset := token.NewFileSet()
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // an unreadable directory hides only its own imports
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.IsDir() {
			if p != dir && !inModule(fsys, p, d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(p, ".go") || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_") {
			return nil
		}
		u.read(fsys, fset, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the module's Go files: %w", err)
	}
	return u, nil
}

// inModule reports whether the directory p (named name) below a module's
// root holds Go files of that module, as the go command sees it.
func inModule(fsys fs.FS, p, name string) bool {
	if name == "vendor" || name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
		return false
	}
	if st, err := fs.Stat(fsys, path.Join(p, "go.mod")); err == nil && !st.IsDir() {
		return false // a nested module has its own go.mod
	}
	return true
}

// read counts the imports and go:generate runs of the Go file p. A file
// that cannot be read or parsed, or that go mod tidy ignores, counts for
// nothing.
func (u *goUses) read(fsys fs.FS, fset *token.FileSet, p string) {
	data, err := source.ReadFile(fsys, p, maxSourceSize)
	if err != nil {
		return
	}
	f, err := parser.ParseFile(fset, p, data, parser.ImportsOnly|parser.ParseComments)
	if err != nil || ignored(f.Comments, f.Package) {
		return
	}
	u.sources++
	test := strings.HasSuffix(p, "_test.go")
	for _, im := range f.Imports {
		ip, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			continue
		}
		c := u.imports[ip]
		if test {
			c.tests++
		} else {
			c.files++
		}
		u.imports[ip] = c
	}
	if bytes.Contains(data, []byte("//go:generate")) {
		for _, m := range goGenerateRun.FindAllSubmatch(data, -1) {
			u.generate = append(u.generate, generateUse{pkg: string(m[1]), file: p})
		}
	}
}

// ignored reports whether a file's build constraint excludes it from `go
// mod tidy`, which satisfies every tag and its negation except "ignore".
func ignored(comments []*ast.CommentGroup, pkg token.Pos) bool {
	for _, g := range comments {
		if g.Pos() > pkg {
			break
		}
		for _, c := range g.List {
			if !constraint.IsGoBuild(c.Text) {
				continue
			}
			x, err := constraint.Parse(c.Text)
			if err != nil {
				return false
			}
			return !anyTags(x, true)
		}
	}
	return false
}

// anyTags evaluates a constraint the way `go mod tidy` does: every tag is
// satisfied, whether wanted or negated, except "ignore".
func anyTags(x constraint.Expr, prefer bool) bool {
	switch x := x.(type) {
	case *constraint.TagExpr:
		if x.Tag == "ignore" {
			return false
		}
		return prefer
	case *constraint.NotExpr:
		return !anyTags(x.X, !prefer)
	case *constraint.AndExpr:
		return anyTags(x.X, prefer) && anyTags(x.Y, prefer)
	case *constraint.OrExpr:
		return anyTags(x.X, prefer) || anyTags(x.Y, prefer)
	}
	return true
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
