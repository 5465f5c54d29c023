package render

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/yaml"
)

// maxKustomizations bounds the kustomizations one render may pull in
// through resources and components.
const maxKustomizations = 200

// originKey is the annotation Kustomize's originAnnotations option sets.
const originKey = "config.kubernetes.io/origin"

// Kustomize builds the kustomization in dir (a directory holding
// kustomization.yaml, kustomization.yml or Kustomization) as `kustomize
// build` would, with plugins, Helm inflation and remote resources
// disabled: a kustomization that refers to a URL or to anything outside
// the scan root is refused. Every resulting object becomes one Manifest
// whose File is the resource file the object came from.
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
	r := &rootFS{fsys: fsys, budget: &budget{limit: opts.maxInput()}, overrides: map[string][]byte{}, read: map[string]bool{}}
	file, err := vet(ctx, r, dir)
	if err != nil {
		return Result{}, fmt.Errorf("kustomization %q: %w", dir, err)
	}
	// Ask Kustomize to record each object's origin file.
	root, err := withOrigins(r, file)
	if err != nil {
		return Result{}, fmt.Errorf("kustomization %q: %w", dir, err)
	}
	r.overrides[file] = root

	o := krusty.MakeDefaultOptions()
	o.PluginConfig = types.DisabledPluginConfig()
	k := krusty.MakeKustomizer(o)
	m, err := k.Run(r, "/"+dir)
	if err != nil {
		return Result{}, fmt.Errorf("building kustomization %q: %w", dir, err)
	}
	var size int64
	for _, rs := range m.Resources() {
		origin, err := rs.GetOrigin()
		if err != nil {
			return Result{}, fmt.Errorf("kustomization %q: %w", dir, err)
		}
		src := ""
		if origin != nil && origin.Repo == "" && origin.Path != "" {
			if p, err := clean(path.Join(dir, origin.Path)); err == nil {
				src = p
			}
		}
		if src == "" || !r.read[src] {
			src = file // generated objects (ConfigMaps, Secrets) belong to the kustomization
		}
		org := rs.OrgId()
		// Drop the annotation asked for above: it is not the user's.
		if a := rs.GetAnnotations(); a[originKey] != "" {
			delete(a, originKey)
			if err := rs.SetAnnotations(a); err != nil {
				return Result{}, fmt.Errorf("kustomization %q: %w", dir, err)
			}
		}
		data, err := rs.AsYAML()
		if err != nil {
			return Result{}, fmt.Errorf("kustomization %q: encoding %s: %w", dir, rs.CurId(), err)
		}
		size += int64(len(data))
		if size > opts.maxOutput() {
			return Result{}, fmt.Errorf("building kustomization %q: output over %d bytes: %w", dir, opts.maxOutput(), ErrTooLarge)
		}
		res.Manifests = append(res.Manifests, Manifest{File: src, Kind: org.Kind, Name: org.Name, Data: data})
	}
	for p := range r.read {
		res.Read = append(res.Read, p)
	}
	sort.Strings(res.Read)
	return res, nil
}

// vet walks the kustomizations reachable from dir and refuses remote
// references and paths outside the scan root, before Kustomize could try
// to clone or download them. It returns the path of dir's kustomization
// file.
func vet(ctx context.Context, r *rootFS, dir string) (string, error) {
	var (
		first string
		seen  = map[string]bool{}
		queue = []string{dir}
	)
	for len(queue) > 0 {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		d := queue[0]
		queue = queue[1:]
		if seen[d] {
			continue
		}
		seen[d] = true
		if len(seen) > maxKustomizations {
			return "", fmt.Errorf("more than %d kustomizations: %w", maxKustomizations, ErrTooLarge)
		}
		file := kustomizationFile(r.fsys, d)
		if file == "" {
			return "", fmt.Errorf("no kustomization file in %q", d)
		}
		if first == "" {
			first = file
		}
		data, err := r.ReadFile(file)
		if err != nil {
			return "", err
		}
		var k types.Kustomization
		if err := yaml.Unmarshal(data, &k); err != nil {
			return "", fmt.Errorf("parsing %q: %w", file, err)
		}
		if strings.Contains(string(data), "://") {
			return "", fmt.Errorf("%q refers to a URL; remote resources are not fetched", file)
		}
		refs := append(append(append([]string{}, k.Resources...), k.Components...), k.Bases...) //nolint:staticcheck // Bases is deprecated but still read by Kustomize
		for _, ref := range refs {
			p, err := clean(path.Join(d, ref))
			if err != nil {
				return "", fmt.Errorf("%q: %w", file, err)
			}
			fi, err := fs.Stat(r.fsys, p)
			if err != nil {
				return "", fmt.Errorf("%q: resource %q is not in the scan root (remote resources are not fetched)", file, ref)
			}
			if fi.IsDir() {
				queue = append(queue, p)
			}
		}
	}
	return first, nil
}

// kustomizationFile returns the path of dir's kustomization file, or "".
func kustomizationFile(fsys fs.FS, dir string) string {
	for _, n := range KustomizationFiles {
		p := path.Join(dir, n)
		if fi, err := fs.Stat(fsys, p); err == nil && fi.Mode().IsRegular() {
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
