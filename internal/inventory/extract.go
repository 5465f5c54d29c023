package inventory

import (
	"bytes"
	"context"
	"fmt"
	goversion "go/version"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	cpb "github.com/google/osv-scalibr/binary/proto/config_go_proto"
	scalibrextractor "github.com/google/osv-scalibr/extractor"
	"github.com/google/osv-scalibr/extractor/filesystem"
	"github.com/google/osv-scalibr/extractor/filesystem/language/dotnet/packagesconfig"
	"github.com/google/osv-scalibr/extractor/filesystem/language/dotnet/packageslockjson"
	"github.com/google/osv-scalibr/extractor/filesystem/language/golang/gobinary"
	"github.com/google/osv-scalibr/extractor/filesystem/language/golang/gomod"
	"github.com/google/osv-scalibr/extractor/filesystem/language/java/gradlelockfile"
	"github.com/google/osv-scalibr/extractor/filesystem/language/java/pomxml"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/bunlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/packagelockjson"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/pnpmlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/yarnlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/php/composerlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/pdmlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/pipfilelock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/poetrylock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/requirements"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/uvlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/ruby/gemfilelock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/rust/cargolock"
	scalibrinventory "github.com/google/osv-scalibr/inventory"

	"github.com/package-url/packageurl-go"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/source"
)

// ScannerName names the inventory in skipped entries.
const ScannerName = "inventory"

// MaxFileSize is the default cap on the files handed to extractors
// (lockfiles and binaries); the run's FileBytes budget (limits.From)
// replaces it.
const MaxFileSize = 256 << 20

// constructor builds a scalibr extractor from its plugin configuration.
type constructor func(*cpb.PluginConfig) (filesystem.Extractor, error)

// catalogue lists the scalibr extractors fourc runs, explicitly.
func catalogue() []constructor {
	return []constructor{
		gomod.New, gobinary.New,
		packagelockjson.New, yarnlock.New, pnpmlock.New, bunlock.New,
		requirements.New, poetrylock.New, pipfilelock.New, uvlock.New, pdmlock.New,
		pomxml.New, gradlelockfile.New,
		cargolock.New,
		gemfilelock.New,
		composerlock.New,
		packageslockjson.New, packagesconfig.New,
	}
}

// Extractor finds packages in files with osv-scalibr's extractors.
type Extractor struct {
	exts []filesystem.Extractor
}

// NewExtractor builds the extractor catalogue. The extractors get no size
// limit of their own: [Extractor.Extract] applies the run's FileBytes
// budget and reports a file over it as skipped, never silently.
func NewExtractor() (*Extractor, error) {
	cfg := &cpb.PluginConfig{}
	var exts []filesystem.Extractor
	for _, mk := range catalogue() {
		e, err := mk(cfg)
		if err != nil {
			return nil, fmt.Errorf("building package extractors: %w", err)
		}
		exts = append(exts, e)
	}
	return &Extractor{exts: exts}, nil
}

// Names lists the extractors in the catalogue.
func (x *Extractor) Names() []string {
	names := make([]string, len(x.exts))
	for i, e := range x.exts {
		names[i] = e.Name()
	}
	return names
}

// Wants is a cheap filter on a slash-separated path: it asks each
// extractor's FileRequired with the path alone. Files without an extension
// are wanted too, as possible Go binaries; [Extractor.Extract] checks their
// mode before reading them.
func (x *Extractor) Wants(p string) bool {
	api := pathOnly(p)
	for _, e := range x.exts {
		if e.FileRequired(api) {
			return true
		}
	}
	return binaryCandidate(p)
}

// binaryCandidate reports whether a path may be a compiled binary worth
// checking: no extension, outside dependency and VCS folders.
func binaryCandidate(p string) bool {
	base := path.Base(p)
	if path.Ext(base) != "" || strings.HasPrefix(base, ".") {
		return false
	}
	for _, dir := range strings.Split(path.Dir(p), "/") {
		if dir == "node_modules" || dir == ".git" {
			return false
		}
	}
	return true
}

// Extract runs the extractors over the given files of fsys and returns the
// packages found, in a stable order. Files that cannot be read or parsed
// are returned as skipped entries; extraction goes on.
//
// Only regular files are read, and every file an extractor opens (includes
// such as requirements.txt's -r too) goes through fsys: give it a confined
// root (source.OpenRoot) so that no include leaves the scan root.
func (x *Extractor) Extract(ctx context.Context, fsys fs.FS, paths []string) ([]Package, []finding.Skipped) {
	limit := limits.From(ctx).FileBytes
	sfs := scalibrFS{fsys: fsys, limit: limit}
	var pkgs []Package
	var skipped []finding.Skipped
	skip := func(p, reason string) {
		skipped = append(skipped, finding.Skipped{Path: p, Scanner: ScannerName, Reason: reason})
	}
	for _, p := range paths {
		if ctx.Err() != nil {
			break
		}
		info, err := fs.Stat(fsys, p)
		if err != nil {
			skip(p, err.Error())
			continue
		}
		api, byName := fileAPI{p: p, info: info}, pathOnly(p)
		for _, e := range x.exts {
			named := e.FileRequired(byName)
			if !named && !e.FileRequired(api) {
				continue
			}
			if !info.Mode().IsRegular() {
				skip(p, fmt.Sprintf("%s: not a regular file (%s)", e.Name(), info.Mode().Type()))
				break
			}
			if info.Size() > limit {
				skip(p, fmt.Sprintf("%s: %d bytes: %v", e.Name(), info.Size(), limits.Exceeded("file size", limits.Bytes(limit))))
				break
			}
			if !e.FileRequired(api) {
				continue
			}
			found, err := extractOne(ctx, sfs, e, p, info, limit)
			if err != nil {
				skip(p, oneLine(err))
				continue
			}
			pkgs = append(pkgs, found...)
		}
	}
	return dedupe(pkgs), skipped
}

// extractOne runs one extractor on one file and converts its packages.
func extractOne(ctx context.Context, sfs scalibrFS, e filesystem.Extractor, p string, info fs.FileInfo, limit int64) (pkgs []Package, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: internal error: %v", e.Name(), r)
		}
	}()
	f, err := sfs.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	in := &filesystem.ScanInput{FS: sfs, Path: p, Info: info, Reader: f}
	var inv scalibrinventory.Inventory
	if e.Name() == packagelockjson.Name {
		data, rerr := readAllLimited(f, limit)
		if rerr != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), rerr)
		}
		inv, err = extractNpmLock(ctx, e, in, data)
	} else {
		inv, err = e.Extract(ctx, in)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Name(), err)
	}
	rel := relationships(sfs, e.Name(), p)
	for _, sp := range inv.Packages {
		pkg := convert(sp, e.Name(), p)
		if pkg.Name == "" {
			continue
		}
		goLine := e.Name() == gomod.Name && pkg.Name == "stdlib"
		if goLine && !namesToolchain(pkg.Version) {
			continue
		}
		pkg.Relationship = rel.of(pkg)
		pkgs = append(pkgs, pkg)
		if goLine {
			// The go (or toolchain) directive also names the go command
			// that builds the module: OSV files its bugs under "toolchain".
			tc := pkg
			tc.Name, tc.PURL = "toolchain", goPURL("toolchain", pkg.Version)
			pkgs = append(pkgs, tc)
		}
	}
	return pkgs, nil
}

// namesToolchain reports whether the version of a go.mod's go (or
// toolchain) directive says which Go builds the module. From Go 1.21 on the
// go directive is a minimum toolchain that the go command enforces; before,
// it was only the language version, which any later Go builds: taking it for
// the standard library in use reports every Go bug since (a dependency's
// "go 1.11" would bring some 150), so such a go.mod names no standard
// library at all.
func namesToolchain(v string) bool {
	return goversion.Compare("go"+v, "go1.21") >= 0
}

// convert turns a scalibr package into ours.
func convert(sp *scalibrextractor.Package, extractor, file string) Package {
	pkg := Package{
		Name:      sp.Name,
		Version:   sp.Version,
		Ecosystem: sp.Ecosystem().String(),
		Location:  Location{Path: file},
		Source:    extractor,
	}
	if d := sp.Location.Descriptor; d != nil && d.File != nil {
		if d.File.Path != "" {
			pkg.Location.Path = d.File.Path
		}
		pkg.Location.Line = d.File.LineNumber
	}
	if pkg.Version == "(devel)" {
		pkg.Version = "" // a Go binary's main module built from a work tree has no version
	}
	if extractor == gobinary.Name && pkg.Name == "go" {
		pkg.Name = "stdlib" // the OSV name of the Go standard library
	}
	if pkg.Ecosystem == "Go" {
		pkg.PURL = goPURL(pkg.Name, pkg.Version)
	} else if u := sp.PURL(); u != nil {
		// Drop scalibr's own "source" qualifier: other tools' PURLs lack it.
		u.Qualifiers = slices.DeleteFunc(u.Qualifiers, func(q packageurl.Qualifier) bool { return q.Key == "source" })
		pkg.PURL = u.String()
	}
	return pkg
}

// goPURL is the package URL of a Go module; Go versions keep their "v".
func goPURL(module, version string) string {
	ns, name := "", module
	if i := strings.LastIndex(module, "/"); i >= 0 {
		ns, name = module[:i], module[i+1:]
	}
	if version != "" && !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	return packageurl.NewPackageURL(packageurl.TypeGolang, ns, name, version, nil, "").ToString()
}

// dedupe drops repeated packages (the same package declared twice in one
// file) and sorts the rest.
func dedupe(pkgs []Package) []Package {
	slices.SortStableFunc(pkgs, comparePackages)
	return slices.CompactFunc(pkgs, func(a, b Package) bool {
		return a.Ecosystem == b.Ecosystem && a.Name == b.Name && a.Version == b.Version && a.Location.Path == b.Location.Path
	})
}

func comparePackages(a, b Package) int {
	if c := strings.Compare(a.Location.Path, b.Location.Path); c != 0 {
		return c
	}
	if a.Location.Line != b.Location.Line {
		return a.Location.Line - b.Location.Line
	}
	if c := strings.Compare(a.Ecosystem, b.Ecosystem); c != 0 {
		return c
	}
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return strings.Compare(a.Version, b.Version)
}

// Walk extracts every package under the root of fsys, skipping VCS folders
// and node_modules. It is what `fourc sbom PATH` needs.
func (x *Extractor) Walk(ctx context.Context, fsys fs.FS) ([]Package, []finding.Skipped, error) {
	var paths []string
	var skipped []finding.Skipped
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: ScannerName, Reason: err.Error()})
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", ".hg", ".svn", "node_modules":
				if p != "." {
					return fs.SkipDir
				}
			}
			return nil
		}
		if d.Type().IsRegular() && x.Wants(p) {
			paths = append(paths, p)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, skipped, fmt.Errorf("walking for packages: %w", err)
	}
	pkgs, sk := x.Extract(ctx, fsys, paths)
	return pkgs, append(skipped, sk...), nil
}

func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// pathOnly is a FileAPI for the cheap filter: a regular, non-executable,
// empty file at p, so extractors decide on the path alone.
func pathOnly(p string) filesystem.FileAPI { return fileAPI{p: p, info: fakeInfo(path.Base(p))} }

type fileAPI struct {
	p    string
	info fs.FileInfo
}

func (f fileAPI) Path() string               { return f.p }
func (f fileAPI) Stat() (fs.FileInfo, error) { return f.info, nil }

type fakeInfo string

func (n fakeInfo) Name() string     { return string(n) }
func (fakeInfo) Size() int64        { return 0 }
func (fakeInfo) Mode() fs.FileMode  { return 0o644 }
func (fakeInfo) ModTime() time.Time { return time.Time{} }
func (fakeInfo) IsDir() bool        { return false }
func (fakeInfo) Sys() any           { return nil }

// scalibrFS gives any fs.FS the ReadDir and Stat methods scalibr's FS
// interface asks for, and files that are io.ReaderAt. It opens only
// regular files (and directories) no larger than limit: an extractor that
// follows an include cannot block on a FIFO or read a device, whatever
// fsys is.
type scalibrFS struct {
	fsys  fs.FS
	limit int64
}

func (s scalibrFS) Open(name string) (fs.File, error) {
	st, err := fs.Stat(s.fsys, name)
	if err != nil {
		return nil, err
	}
	if m := st.Mode(); !m.IsRegular() && !m.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w (%s)", source.ErrNotRegular, m.Type())}
	}
	if st.Mode().IsRegular() && st.Size() > s.limit {
		return nil, &fs.PathError{Op: "open", Path: name, Err: limits.Exceeded("file size", limits.Bytes(s.limit))}
	}
	f, err := s.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	if _, ok := f.(io.ReaderAt); ok {
		return f, nil
	}
	// Extractors of binaries need random access: read the file (bounded).
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	data, err := source.ReadFile(s.fsys, name, s.limit)
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(data), info: info}, nil
}

func (s scalibrFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(s.fsys, name) }
func (s scalibrFS) Stat(name string) (fs.FileInfo, error)      { return fs.Stat(s.fsys, name) }

type memFile struct {
	*bytes.Reader
	info fs.FileInfo
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m.info, nil }
func (m *memFile) Close() error               { return nil }
