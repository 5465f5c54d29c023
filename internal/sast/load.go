package sast

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/progress"
	"github.com/fourc-dev/fourc/internal/source"
)

// loadMode is what gosec's rules read from a package.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedTypes | packages.NeedTypesSizes |
	packages.NeedTypesInfo | packages.NeedSyntax | packages.NeedModule

// fsysPrefix marks the names of files parsed from the fs.FS rather than
// loaded from disk, so that nothing mistakes them for paths on disk.
const fsysPrefix = "fsys:///"

// goModule is the set of Go files of one module of the scanned tree.
type goModule struct {
	// dir is the module root relative to the scan root ("." for the root);
	// empty for files outside any module.
	dir   string
	files []string
}

// loaded is Go code parsed and type-checked as far as possible.
type loaded struct {
	pkgs []*packages.Package
	// rel maps a file name in the packages' file set to its path relative
	// to the scan root; only the files the scan asked for are present.
	rel map[string]string
}

// splitModules groups Go files by the nearest enclosing go.mod, found by
// probing fsys, so that a scan of a single file still finds its module.
func splitModules(fsys fs.FS, files []string) []goModule {
	roots := map[string]string{} // dir → module root, "" for none
	var find func(dir string) string
	find = func(dir string) string {
		if r, ok := roots[dir]; ok {
			return r
		}
		r := ""
		if st, err := fs.Stat(fsys, path.Join(dir, "go.mod")); err == nil && st.Mode().IsRegular() {
			r = dir
		} else if dir != "." {
			r = find(path.Dir(dir))
		}
		roots[dir] = r
		return r
	}
	byRoot := map[string][]string{}
	for _, p := range files {
		r := find(path.Dir(p))
		byRoot[r] = append(byRoot[r], p)
	}
	out := make([]goModule, 0, len(byRoot))
	for r, fs := range byRoot {
		slices.Sort(fs)
		out = append(out, goModule{dir: r, files: fs})
	}
	slices.SortFunc(out, func(a, b goModule) int { return strings.Compare(a.dir, b.dir) })
	return out
}

// loadGo parses and type-checks Go files: each module in place with
// go/packages when the tree is on disk, and whatever that did not cover
// from the files alone, in one pass.
func (s *Scanner) loadGo(ctx context.Context, fsys fs.FS, files []string) ([]*loaded, []finding.Skipped) {
	var out []*loaded
	var rest []string
	for _, m := range splitModules(fsys, files) {
		if ctx.Err() != nil {
			return out, nil
		}
		if s.opts.Root == "" || m.dir == "" {
			rest = append(rest, m.files...)
			continue
		}
		progress.Label(ctx, "type-checking Go module "+m.dir)
		l, left := s.loadTyped(ctx, m)
		if len(l.pkgs) > 0 {
			out = append(out, l)
		}
		rest = append(rest, left...)
	}
	if len(rest) == 0 || ctx.Err() != nil {
		return out, nil
	}
	progress.Label(ctx, "parsing Go sources")
	l, skipped := s.loadFiles(ctx, fsys, rest)
	return append(out, l), skipped
}

// loadTyped loads a module in place and returns the files it did not cover
// (all of them when the module does not load; files excluded by build
// constraints).
func (s *Scanner) loadTyped(ctx context.Context, m goModule) (*loaded, []string) {
	l := &loaded{rel: map[string]string{}}
	want := map[string]bool{}
	for _, p := range m.files {
		want[p] = true
	}
	pkgs, err := s.loadPackages(ctx, m)
	if err == nil {
		for _, p := range pkgs {
			used := false
			for _, f := range p.Syntax {
				name := p.Fset.File(f.Pos()).Name()
				rel, err := filepath.Rel(s.opts.Root, name)
				if err != nil {
					continue
				}
				rel = filepath.ToSlash(rel)
				if want[rel] {
					l.rel[name] = rel
					delete(want, rel)
					used = true
				}
			}
			if used {
				l.pkgs = append(l.pkgs, p)
			}
		}
	}
	var rest []string
	for _, p := range m.files {
		if want[p] {
			rest = append(rest, p)
		}
	}
	return l, rest
}

// goEnv is the go command's environment: the local toolchain only (no
// toolchain download), no workspace, no cgo, the user's GOFLAGS replaced
// by ours, and, when offline, neither module downloads nor checksum
// database lookups (the scan only reads types; it never runs the code).
func goEnv(offline bool) []string {
	env := append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	if offline {
		env = append(env, "GOPROXY=off", "GOSUMDB=off")
	}
	return env
}

// loadPackages loads the packages of m's directories in place. The user's
// go.mod and go.sum are copied to a temporary directory and passed with
// -modfile, so that resolving missing requirements never writes to the
// scanned tree; a vendored module is loaded from its vendor directory.
func (s *Scanner) loadPackages(ctx context.Context, m goModule) ([]*packages.Package, error) {
	modDir := filepath.Join(s.opts.Root, filepath.FromSlash(m.dir))
	flags := []string{"-mod=vendor"}
	if _, err := os.Stat(filepath.Join(modDir, "vendor", "modules.txt")); err != nil {
		tmp, err := os.MkdirTemp("", "fourc-sast-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		for _, name := range []string{"go.mod", "go.sum"} {
			data, err := os.ReadFile(filepath.Join(modDir, name))
			if errors.Is(err, fs.ErrNotExist) && name == "go.sum" {
				continue
			}
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(filepath.Join(tmp, name), data, 0o600); err != nil {
				return nil, err
			}
		}
		flags = []string{"-mod=mod", "-modfile=" + filepath.Join(tmp, "go.mod")}
	}
	dirs := map[string]bool{}
	for _, p := range m.files {
		rel := strings.TrimPrefix(strings.TrimPrefix(path.Dir(p), m.dir), "/")
		if m.dir == "." {
			rel = path.Dir(p)
		}
		if rel == "" || rel == "." {
			dirs["."] = true
		} else {
			dirs["./"+rel] = true
		}
	}
	patterns := make([]string, 0, len(dirs))
	for d := range dirs {
		patterns = append(patterns, d)
	}
	slices.Sort(patterns)
	ctx, cancel := context.WithTimeout(ctx, s.opts.LoadTimeout)
	defer cancel()
	pkgs, err := packages.Load(&packages.Config{
		Context:    ctx,
		Mode:       loadMode,
		Dir:        modDir,
		Env:        goEnv(s.opts.Offline),
		BuildFlags: flags,
		Logf:       nil,
	}, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading Go module %q: %w", m.dir, err)
	}
	return pkgs, nil
}

// loadFiles parses files from fsys and type-checks them one package (a
// directory and package name) at a time. Imports of the standard library
// get their real types from the go command's export data; every other
// import is an empty package, and type errors are ignored.
func (s *Scanner) loadFiles(ctx context.Context, fsys fs.FS, files []string) (*loaded, []finding.Skipped) {
	fset := token.NewFileSet()
	rel := map[string]string{}
	var skipped []finding.Skipped
	type key struct{ dir, name string }
	groups := map[key][]*ast.File{}
	std := map[string]bool{}
	for _, p := range files {
		data, err := source.ReadFile(fsys, p, maxSourceSize)
		if err != nil {
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: ScannerName, Reason: unwrapPathError(err)})
			continue
		}
		name := fsysPrefix + p
		f, err := parser.ParseFile(fset, name, data, parser.ParseComments)
		if err != nil {
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: ScannerName, Reason: "parsing Go: " + firstLine(err.Error())})
			continue
		}
		rel[name] = p
		k := key{path.Dir(p), f.Name.Name}
		groups[k] = append(groups[k], f)
		for _, im := range f.Imports {
			if ip := importPath(im); isStd(ip) {
				std[ip] = true
			}
		}
	}
	stdPkgs, stdErr := s.loadStd(ctx, std)
	imp := importerFunc(func(p string) (*types.Package, error) {
		if t, ok := stdPkgs[p]; ok {
			return t, nil
		}
		t := types.NewPackage(p, guessName(p))
		t.MarkComplete()
		return t, nil
	})
	keys := make([]key, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int { return strings.Compare(a.dir+"\x00"+a.name, b.dir+"\x00"+b.name) })
	sizes := types.SizesFor("gc", "amd64")
	var pkgs []*packages.Package
	for _, k := range keys {
		info := &types.Info{
			Types:      map[ast.Expr]types.TypeAndValue{},
			Defs:       map[*ast.Ident]types.Object{},
			Uses:       map[*ast.Ident]types.Object{},
			Implicits:  map[ast.Node]types.Object{},
			Selections: map[*ast.SelectorExpr]*types.Selection{},
			Scopes:     map[ast.Node]*types.Scope{},
			Instances:  map[*ast.Ident]types.Instance{},
		}
		conf := types.Config{Importer: imp, Error: func(error) {}, FakeImportC: true, Sizes: sizes}
		tp, _ := conf.Check(k.dir, fset, groups[k], info) // errors are expected: imports are stand-ins
		pkgs = append(pkgs, &packages.Package{
			ID: k.dir, Name: k.name, PkgPath: k.dir,
			Fset: fset, Syntax: groups[k], Types: tp, TypesInfo: info, TypesSizes: sizes,
		})
	}
	if stdErr != nil {
		for _, k := range keys {
			skipped = append(skipped, finding.Skipped{Path: k.dir, Scanner: ScannerName,
				Reason: "Go package " + k.name + " not type-checked (" + firstLine(stdErr.Error()) + "): only syntax-based checks ran"})
		}
	}
	return &loaded{pkgs: pkgs, rel: rel}, skipped
}

// loadStd loads the types of standard-library packages from export data,
// outside any module.
func (s *Scanner) loadStd(ctx context.Context, std map[string]bool) (map[string]*types.Package, error) {
	out := map[string]*types.Package{}
	if len(std) == 0 {
		return out, nil
	}
	patterns := make([]string, 0, len(std))
	for p := range std {
		patterns = append(patterns, p)
	}
	slices.Sort(patterns)
	ctx, cancel := context.WithTimeout(ctx, s.opts.LoadTimeout)
	defer cancel()
	pkgs, err := packages.Load(&packages.Config{
		Context: ctx,
		Mode:    packages.NeedName | packages.NeedTypes,
		Dir:     os.TempDir(),
		Env:     append(goEnv(true), "GO111MODULE=off"),
	}, patterns...)
	if err != nil {
		return out, fmt.Errorf("loading the standard library: %w", err)
	}
	for _, p := range pkgs {
		if p.Types != nil && len(p.Errors) == 0 {
			out[p.PkgPath] = p.Types
		}
	}
	if len(out) == 0 {
		return out, errors.New("no standard-library package could be loaded")
	}
	return out, nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func importPath(im *ast.ImportSpec) string {
	return strings.Trim(im.Path.Value, "\"`")
}

// isStd reports whether an import path belongs to the standard library: its
// first element has no dot.
func isStd(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return p != "" && p != "C" && !strings.Contains(first, ".")
}

// guessName is the package name an import path most likely declares: its
// last element, without a major-version suffix or a "go-" prefix.
func guessName(p string) string {
	parts := strings.Split(p, "/")
	name := parts[len(parts)-1]
	if len(parts) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = parts[len(parts)-2]
	}
	name = strings.TrimPrefix(name, "go-")
	name = strings.TrimSuffix(name, ".go")
	name = strings.Map(func(r rune) rune {
		if r == '-' || r == '.' {
			return '_'
		}
		return r
	}, name)
	return name
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
