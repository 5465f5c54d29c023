package render

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"time"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/yaml"

	"github.com/fourc-dev/fourc/internal/limits"
)

// originKey is the annotation Kustomize's originAnnotations option sets.
const originKey = "config.kubernetes.io/origin"

// Kustomize builds the kustomization in dir (a directory holding
// kustomization.yaml, kustomization.yml or Kustomization) as `kustomize
// build` would, with plugins, Helm inflation and remote resources
// disabled. Remote references (URLs, git repositories) and Helm charts
// are left out and reported in Result.Skipped; the local rest still
// builds. Anything outside the scan root is refused. The build runs under
// the budgets of ctx (nesting, resources loaded, deadline). Every
// resulting object becomes one Manifest whose File is the resource file
// the object came from. On error, Result.Resources still lists the local
// resource files found.
func Kustomize(ctx context.Context, fsys fs.FS, dir string, opts Options) (res Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = Result{}, fmt.Errorf("%s %q: internal error: %v", "building kustomization", dir, r)
		}
	}()
	dir, err = clean(dir)
	if err != nil {
		return Result{}, err
	}
	m := newMeter(ctx)
	r := newRootFS(fsys, m, opts.maxInput())
	p := &kplan{r: r, lim: m.lim, m: m, memo: map[string]int{}, open: map[string]bool{}}
	_, err = p.visit(dir, 0)
	res.Skipped, res.Resources = p.skipped, p.resources
	if err != nil {
		return res, fmt.Errorf("kustomization %q: %w", dir, err)
	}
	file := kustomizationFile(r, dir)
	// Ask Kustomize to record each object's origin file.
	root, err := withOrigins(r, file)
	if err != nil {
		return res, fmt.Errorf("kustomization %q: %w", dir, err)
	}
	r.overrides[file] = root

	built, err := runKustomize(ctx, r, dir, m)
	if err != nil {
		return res, fmt.Errorf("building kustomization %q: %w", dir, err)
	}
	var size int64
	for _, rs := range built.Resources() {
		origin, err := rs.GetOrigin()
		if err != nil {
			return res, fmt.Errorf("kustomization %q: %w", dir, err)
		}
		src := originFile(r, dir, file, origin)
		org := rs.OrgId()
		// Drop the annotation asked for above: it is not the user's.
		if a := rs.GetAnnotations(); a[originKey] != "" {
			delete(a, originKey)
			if err := rs.SetAnnotations(a); err != nil {
				return res, fmt.Errorf("kustomization %q: %w", dir, err)
			}
		}
		data, err := rs.AsYAML()
		if err != nil {
			return res, fmt.Errorf("kustomization %q: encoding %s: %w", dir, rs.CurId(), err)
		}
		size += int64(len(data))
		if size > opts.maxOutput() || size > m.lim.RenderedBytes {
			return res, fmt.Errorf("building kustomization %q: %w", dir, limits.Exceeded("rendered output", limits.Bytes(min(opts.maxOutput(), m.lim.RenderedBytes))))
		}
		res.Manifests = append(res.Manifests, Manifest{File: src, Kind: org.Kind, Name: org.Name, Data: data})
	}
	for p := range r.read {
		res.Read = append(res.Read, p)
	}
	sort.Strings(res.Read)
	return res, nil
}

// runKustomize runs the build of dir over r, within the meter's deadline
// and ctx. Kustomize cannot be interrupted: past either it stops at its
// next file access, or is abandoned.
func runKustomize(ctx context.Context, r *rootFS, dir string, m *meter) (resmap.ResMap, error) {
	type built struct {
		m   resmap.ResMap
		err error
	}
	done := make(chan built, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- built{err: fmt.Errorf("internal error: %v", p)}
			}
		}()
		o := krusty.MakeDefaultOptions()
		o.PluginConfig = types.DisabledPluginConfig()
		rm, err := krusty.MakeKustomizer(o).Run(r, "/"+dir)
		done <- built{rm, err}
	}()
	timer := time.NewTimer(time.Until(m.deadline))
	defer timer.Stop()
	var b built
	select {
	case b = <-done:
	case <-timer.C:
	case <-ctx.Done():
	}
	if b.m == nil && b.err == nil {
		return nil, m.stop()
	}
	if err := m.Err(); err != nil {
		return nil, err
	}
	return b.m, b.err
}

// originFile is the resource file an object of the build came from, as
// Kustomize recorded it; generated objects (ConfigMaps, Secrets) and
// objects from files not read belong to the kustomization file.
func originFile(r *rootFS, dir, file string, origin *resource.Origin) string {
	if origin != nil && origin.Repo == "" && origin.Path != "" {
		if p, err := clean(path.Join(dir, origin.Path)); err == nil && r.read[p] {
			return p
		}
	}
	return file
}

// kustomizationFile returns the path of dir's kustomization file, or "".
func kustomizationFile(r *rootFS, dir string) string {
	for _, n := range KustomizationFiles {
		p := path.Join(dir, n)
		if _, err := r.stat(p); err == nil {
			return p
		}
	}
	return ""
}

// withOrigins returns the kustomization file with originAnnotations added
// to its buildMetadata.
func withOrigins(r *rootFS, file string) ([]byte, error) {
	data, err := r.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("parsing %q: %w", file, err)
	}
	if m == nil {
		m = map[string]any{}
	}
	bm, _ := m["buildMetadata"].([]any)
	m["buildMetadata"] = append(bm, types.OriginAnnotations)
	return yaml.Marshal(m)
}

// componentKind is the kind of a kustomization that is a Kustomize
// component (kustomize.config.k8s.io/v1alpha1).
const componentKind = "Component"

// Component reports whether the kustomization in dir is a component: a
// reusable piece an overlay pulls in with `components:`, which Kustomize
// refuses to build on its own. A component is built through the overlays
// that include it, never as a root. resources are the local files its
// `resources:` list names (directories left out).
func Component(fsys fs.FS, dir string) (resources []string, ok bool) {
	dir, err := clean(dir)
	if err != nil {
		return nil, false
	}
	for _, n := range KustomizationFiles {
		data, err := readFile(fsys, path.Join(dir, n), DefaultMaxInput)
		if err != nil {
			continue
		}
		var k struct {
			Kind      string `json:"kind"`
			Resources []any  `json:"resources"`
		}
		if yaml.Unmarshal(data, &k) != nil || k.Kind != componentKind {
			return nil, false
		}
		for _, ref := range stringList(k.Resources) {
			q, err := clean(path.Join(dir, ref))
			if err != nil {
				continue
			}
			if fi, err := fs.Stat(fsys, q); err == nil && fi.Mode().IsRegular() && confine(fsys, q) == nil {
				resources = append(resources, q)
			}
		}
		return resources, true
	}
	return nil, false
}
