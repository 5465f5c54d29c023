package image

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	cpb "github.com/google/osv-scalibr/binary/proto/config_go_proto"
	scalibrextractor "github.com/google/osv-scalibr/extractor"
	"github.com/google/osv-scalibr/extractor/filesystem"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/packagejson"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/wheelegg"
	"github.com/google/osv-scalibr/extractor/filesystem/os/apk"
	apkmeta "github.com/google/osv-scalibr/extractor/filesystem/os/apk/metadata"
	"github.com/google/osv-scalibr/extractor/filesystem/os/dpkg"
	dpkgmeta "github.com/google/osv-scalibr/extractor/filesystem/os/dpkg/metadata"
	"github.com/google/osv-scalibr/extractor/filesystem/os/rpm"
	"github.com/package-url/packageurl-go"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/inventory"
)

// installedExtractors find packages installed in an image: the OS package
// databases and installed Python and Node.js packages. Lockfiles and Go
// binaries are found by internal/inventory's extractor.
func installedExtractors() ([]filesystem.Extractor, error) {
	cfg := &cpb.PluginConfig{MaxFileSizeBytes: inventory.MaxFileSize}
	var out []filesystem.Extractor
	for _, mk := range []func(*cpb.PluginConfig) (filesystem.Extractor, error){dpkg.New, apk.New, rpm.New, wheelegg.New, packagejson.New} {
		e, err := mk(cfg)
		if err != nil {
			return nil, fmt.Errorf("building package extractors: %w", err)
		}
		out = append(out, e)
	}
	return out, nil
}

// alwaysKept are the files the image scan itself reads.
var alwaysKept = map[string]bool{"etc/os-release": true, "usr/lib/os-release": true, "etc/passwd": true}

type pkgFinder struct {
	installed []filesystem.Extractor
	inv       *inventory.Extractor
}

func newPkgFinder() (*pkgFinder, error) {
	installed, err := installedExtractors()
	if err != nil {
		return nil, err
	}
	inv, err := inventory.NewExtractor()
	if err != nil {
		return nil, err
	}
	return &pkgFinder{installed: installed, inv: inv}, nil
}

type fileAPI struct {
	p  string
	fi fs.FileInfo
}

func (f fileAPI) Path() string               { return f.p }
func (f fileAPI) Stat() (fs.FileInfo, error) { return f.fi, nil }

// keep is the walker's Keep: the files some extractor needs. A would-be
// binary is kept only when it carries Go build information.
func (pf *pkgFinder) keep(p string, fi fs.FileInfo) (bool, func(io.ReaderAt, int64) bool) {
	if alwaysKept[p] {
		return true, nil
	}
	api := fileAPI{p, fi}
	for _, e := range pf.installed {
		if e.FileRequired(api) {
			return true, nil
		}
	}
	if pf.inv.Wants(p) {
		if path.Ext(p) == "" && fi.Mode()&0o111 == 0 {
			return false, nil // a would-be binary that cannot run (docs, configs)
		}
		return true, goBinaryOrText
	}
	return false, nil
}

// goBuildInfoMagic starts the build information section of a Go binary.
var goBuildInfoMagic = []byte("\xff Go buildinf:")

// goBinaryOrText keeps lockfiles and Go binaries, and drops other binaries.
// It reads the content in chunks, so a large file is never held whole.
func goBinaryOrText(r io.ReaderAt, size int64) bool {
	head := make([]byte, min(size, 8<<10))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return false
	}
	isExe := bytes.HasPrefix(head, []byte("\x7fELF")) || bytes.HasPrefix(head, []byte("MZ")) ||
		bytes.HasPrefix(head, []byte{0xcf, 0xfa, 0xed, 0xfe}) || bytes.HasPrefix(head, []byte{0xca, 0xfe, 0xba, 0xbe})
	if !isExe {
		return !bytes.HasPrefix(head, []byte("#!")) && bytes.IndexByte(head, 0) < 0
	}
	return containsAt(r, size, goBuildInfoMagic)
}

// containsAt reports whether needle occurs in the size bytes of r, reading
// in chunks that overlap by len(needle)-1 bytes.
func containsAt(r io.ReaderAt, size int64, needle []byte) bool {
	const chunk = 1 << 20
	buf := make([]byte, chunk+len(needle)-1)
	for off := int64(0); off < size; off += chunk {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if bytes.Contains(buf[:n], needle) {
			return true
		}
		if err != nil && err != io.EOF {
			return false
		}
	}
	return false
}

// found is a package with what the vulnerability matcher needs: the name
// and version the distribution's advisories use (the source package).
type found struct {
	pkg        inventory.Package
	srcName    string
	srcVersion string
}

// find runs the extractors over the kept files of the view.
func (pf *pkgFinder) find(ctx context.Context, v *View) ([]found, []finding.Skipped) {
	var installed, lock []string
	var skipped []finding.Skipped
	_ = v.walkNodes(func(i info) error {
		if !i.n.kept || !i.n.mode.IsRegular() {
			return nil
		}
		api := fileAPI{i.p, i}
		for _, e := range pf.installed {
			if e.FileRequired(api) {
				installed = append(installed, i.p)
				return nil
			}
		}
		if pf.inv.Wants(i.p) {
			lock = append(lock, i.p)
		}
		return nil
	})
	var out []found
	for _, p := range installed {
		fs, sk := pf.extractInstalled(ctx, v, p)
		out = append(out, fs...)
		skipped = append(skipped, sk...)
	}
	pkgs, sk := pf.inv.Extract(ctx, v, lock)
	skipped = append(skipped, sk...)
	for _, p := range pkgs {
		out = append(out, found{pkg: p, srcName: p.Name, srcVersion: p.Version})
	}
	return out, skipped
}

func (pf *pkgFinder) extractInstalled(ctx context.Context, v *View, p string) (out []found, skipped []finding.Skipped) {
	st, err := v.Stat(p)
	if err != nil {
		return nil, []finding.Skipped{{Path: p, Scanner: scannerName, Reason: err.Error()}}
	}
	api := fileAPI{p, st}
	for _, e := range pf.installed {
		if !e.FileRequired(api) {
			continue
		}
		pkgs, err := extractOne(ctx, v, e, p, st)
		if err != nil {
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: scannerName, Reason: oneLine(err)})
			continue
		}
		out = append(out, pkgs...)
	}
	return out, skipped
}

func extractOne(ctx context.Context, v *View, e filesystem.Extractor, p string, st fs.FileInfo) (out []found, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: internal error: %v", e.Name(), r)
		}
	}()
	f, err := v.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	inv, err := e.Extract(ctx, &filesystem.ScanInput{FS: v, Path: p, Info: st, Reader: f})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Name(), err)
	}
	for _, sp := range inv.Packages {
		if fd, ok := convertInstalled(sp, e.Name(), p); ok {
			out = append(out, fd)
		}
	}
	return out, nil
}

func convertInstalled(sp *scalibrextractor.Package, extractor, file string) (found, bool) {
	if sp.Name == "" {
		return found{}, false
	}
	pkg := inventory.Package{
		Name:      sp.Name,
		Version:   sp.Version,
		Ecosystem: sp.Ecosystem().String(),
		Location:  inventory.Location{Path: file},
		Source:    extractor,
	}
	if d := sp.Location.Descriptor; d != nil && d.File != nil && d.File.Path != "" {
		pkg.Location.Path = d.File.Path
	}
	if u := sp.PURL(); u != nil {
		u.Qualifiers = slices.DeleteFunc(u.Qualifiers, func(q packageurl.Qualifier) bool { return q.Key == "source" })
		pkg.PURL = u.String()
	}
	fd := found{pkg: pkg, srcName: pkg.Name, srcVersion: pkg.Version}
	switch m := sp.Metadata.(type) {
	case *dpkgmeta.Metadata:
		if m.Status != "" && !strings.Contains(m.Status, "installed") {
			return found{}, false // config-files, half-removed: not on disk
		}
		if m.SourceName != "" {
			fd.srcName = m.SourceName
		}
		if m.SourceVersion != "" {
			fd.srcVersion = m.SourceVersion
		}
	case *apkmeta.Metadata:
		if m.OriginName != "" {
			fd.srcName = m.OriginName
		}
	}
	return fd, true
}

// layerOf attributes a package to the layer that added it: for dpkg the
// layer that wrote the package's file list in /var/lib/dpkg/info (the
// status file is rewritten by every install), otherwise the layer that
// last wrote the file it was found in.
func layerOf(v *View, fd found) int {
	if fd.pkg.Source == dpkg.Name {
		name := fd.pkg.Name
		for _, p := range []string{name + ".list", name + ":" + archOf(fd.pkg.PURL) + ".list"} {
			if fi, ok := v.Info(path.Join("var/lib/dpkg/info", p)); ok {
				return fi.Layer
			}
		}
	}
	if fi, ok := v.Info(fd.pkg.Location.Path); ok {
		return fi.Layer
	}
	return -1
}

func archOf(purl string) string {
	if u, err := packageurl.FromString(purl); err == nil {
		return u.Qualifiers.Map()["arch"]
	}
	return ""
}

func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
