package render

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/fourc-dev/fourc/internal/source"
)

// Helm renders the chart in dir (the directory holding Chart.yaml) with
// the chart's own values.yaml and opts.Values on top, as `helm template
// -f FILE --set k=v` would for a release named "release" in namespace
// "default". A values file opts.Values names that cannot be read or
// parsed fails the render with an error naming it. Subcharts must be on
// disk under charts/ (unpacked or as .tgz); nothing is downloaded. Every
// template's output becomes one Manifest whose File is the template's
// path.
func Helm(ctx context.Context, fsys fs.FS, dir string, opts Options) (res Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = Result{}, fmt.Errorf("%s %q: internal error: %v", "rendering chart", dir, r)
		}
	}()
	dir, err = clean(dir)
	if err != nil {
		return Result{}, err
	}
	b := &budget{limit: opts.maxInput()}
	files, read, err := readChart(ctx, fsys, dir, b)
	if err != nil {
		return Result{}, fmt.Errorf("reading chart %q: %w", dir, err)
	}
	chrt, err := loader.LoadFiles(files)
	if err != nil {
		return Result{}, fmt.Errorf("loading chart %q: %w", dir, err)
	}
	user, err := mergeValues(ctx, fsys, opts.Values, b)
	if err != nil {
		return Result{}, fmt.Errorf("chart %q: %w", dir, err)
	}
	for _, v := range opts.Values {
		if p, err := clean(v.File); err == nil && v.File != "" && !slices.Contains(read, p) {
			read = append(read, p)
		}
	}
	if err := chartutil.ProcessDependenciesWithMerge(chrt, user); err != nil {
		return Result{}, fmt.Errorf("chart %q dependencies: %w", dir, err)
	}
	vals, err := chartutil.ToRenderValues(chrt, user, chartutil.ReleaseOptions{
		Name: "release", Namespace: "default", Revision: 1, IsInstall: true,
	}, chartutil.DefaultCapabilities)
	if err != nil {
		return Result{}, fmt.Errorf("chart %q values: %w", dir, err)
	}
	out, err := renderChart(ctx, chrt, vals)
	if err != nil {
		return Result{}, fmt.Errorf("rendering chart %q: %w", dir, oneLine(err))
	}
	names := make([]string, 0, len(out))
	for n := range out {
		names = append(names, n)
	}
	sort.Strings(names)
	res = Result{Read: read}
	var size int64
	for _, n := range names {
		base := path.Base(n)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" {
			continue
		}
		data := []byte(out[n])
		if len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		size += int64(len(data))
		if size > opts.maxOutput() {
			return Result{}, fmt.Errorf("rendering chart %q: output over %d bytes: %w", dir, opts.maxOutput(), ErrTooLarge)
		}
		// Names are "<chart>/templates/x.yaml", or
		// "<chart>/charts/<sub>/templates/x.yaml" for subcharts.
		_, rel, _ := strings.Cut(n, "/")
		res.Manifests = append(res.Manifests, Manifest{File: path.Join(dir, rel), Data: data})
	}
	return res, nil
}

// readChart reads every file of the chart in dir within budget b, as
// Helm's loader wants them (paths relative to dir), and lists the paths
// read. Hidden directories are left out; a symbolic link must stay in the
// scan root.
func readChart(ctx context.Context, fsys fs.FS, dir string, b *budget) (files []*loader.BufferedFile, read []string, err error) {
	err = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir // .git and the like
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// A link must stay in the scan root; one to a directory is
			// not followed.
			if err := confine(fsys, p); err != nil {
				return err
			}
			if fi, err := fs.Stat(fsys, p); err == nil && fi.IsDir() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return fmt.Errorf("%s: %w", p, source.ErrNotRegular) // a FIFO would block
		}
		data, err := b.read(fsys, p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, dir+"/")
		if dir == "." {
			rel = p
		}
		files = append(files, &loader.BufferedFile{Name: rel, Data: data})
		read = append(read, p)
		return nil
	})
	return files, read, err
}

// oneLine flattens a multi-line error, as template errors are.
func oneLine(err error) error {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if s == err.Error() {
		return err
	}
	return fmt.Errorf("%s", s)
}
