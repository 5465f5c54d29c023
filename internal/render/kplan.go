package render

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"sigs.k8s.io/yaml"

	"github.com/fourc-dev/fourc/internal/limits"
)

// kplan walks the kustomizations reachable from one root before Kustomize
// builds it: it enforces the nesting and resource budgets (a base counts
// once per inclusion, so an overlay tree that doubles at each level is
// refused at once, not after an exponential build), refuses cycles and
// paths outside the scan root, and takes remote references out of every
// kustomization so that the local rest still builds. Remote references
// become Skips.
type kplan struct {
	r         *rootFS
	lim       limits.Limits
	m         *meter
	memo      map[string]int // kustomization dir → resources of one inclusion
	open      map[string]bool
	skipped   []Skip
	resources []string // local resource files, in order
}

// kustomizationWeight is what one inclusion of a kustomization counts
// against KustomizeResources: Kustomize builds every inclusion anew, which
// costs about as much as loading ten resources.
const kustomizationWeight = 10

// maxIncludes bounds the kustomizations KustomizeIncludes lists.
const maxIncludes = 10_000

// KustomizeIncludes returns the directories of the kustomizations the one
// in dir includes, directly or through other ones, without building
// anything and whatever the budgets: each is read once.
func KustomizeIncludes(ctx context.Context, fsys fs.FS, dir string) []string {
	dir, err := clean(dir)
	if err != nil {
		return nil
	}
	r := newRootFS(fsys, newMeter(ctx), DefaultMaxInput)
	seen := map[string]bool{dir: true}
	queue := []string{dir}
	var out []string
	for len(queue) > 0 && len(seen) < maxIncludes && ctx.Err() == nil {
		d := queue[0]
		queue = queue[1:]
		file := kustomizationFile(r, d)
		if file == "" {
			continue
		}
		data, err := r.ReadFile(file)
		if err != nil {
			continue
		}
		var k map[string]any
		if yaml.Unmarshal(data, &k) != nil {
			continue
		}
		for _, key := range []string{"resources", "components", "bases"} {
			for _, ref := range stringList(k[key]) {
				q, err := clean(path.Join(d, ref))
				if err != nil || seen[q] {
					continue
				}
				if fi, err := r.stat(q); err == nil && fi.IsDir() {
					seen[q] = true
					out = append(out, q)
					queue = append(queue, q)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// visit plans the kustomization in dir, reached at depth, and returns the
// number of resources one inclusion of it loads.
func (p *kplan) visit(dir string, depth int) (int, error) {
	if err := p.m.check(); err != nil {
		return 0, err
	}
	if depth > p.lim.KustomizeDepth {
		return 0, limits.Exceeded("kustomization nesting", p.lim.KustomizeDepth)
	}
	if n, ok := p.memo[dir]; ok {
		return n, nil
	}
	if p.open[dir] {
		return 0, fmt.Errorf("kustomization %q includes itself", dir)
	}
	p.open[dir] = true
	defer delete(p.open, dir)

	file := kustomizationFile(p.r, dir)
	if file == "" {
		return 0, fmt.Errorf("no kustomization file in %q", dir)
	}
	data, err := p.r.ReadFile(file)
	if err != nil {
		return 0, err
	}
	var k map[string]any
	if err := yaml.Unmarshal(data, &k); err != nil {
		return 0, fmt.Errorf("parsing %q: %w", file, err)
	}
	if k == nil {
		k = map[string]any{}
	}
	remote := p.stripRemote(file, dir, k)
	if remote {
		out, err := yaml.Marshal(k)
		if err != nil {
			return 0, fmt.Errorf("%q: %w", file, err)
		}
		p.r.overrides[file] = out
	}

	count := 0
	add := func(n int) error {
		count += n
		if count > p.lim.KustomizeResources || count < 0 {
			return limits.Exceeded("kustomize resources", p.lim.KustomizeResources)
		}
		return nil
	}
	for _, key := range []string{"resources", "components", "bases"} {
		for _, ref := range stringList(k[key]) {
			q, err := clean(path.Join(dir, ref))
			if err != nil {
				return 0, fmt.Errorf("%q: %w", file, err)
			}
			fi, err := p.r.stat(q)
			if err != nil {
				return 0, fmt.Errorf("%q: resource %q: %w", file, ref, err)
			}
			if fi.IsDir() {
				n, err := p.visit(q, depth+1)
				if err != nil {
					return 0, err
				}
				if err := add(n + kustomizationWeight); err != nil {
					return 0, err
				}
				continue
			}
			doc, err := p.r.ReadFile(q)
			if err != nil {
				return 0, err
			}
			p.resources = append(p.resources, q)
			if err := add(1 + bytes.Count(doc, []byte("\n---"))); err != nil {
				return 0, err
			}
		}
	}
	for _, key := range []string{"configMapGenerator", "secretGenerator", "patches", "patchesStrategicMerge", "patchesJson6902", "replacements", "transformers", "generators"} {
		if l, ok := k[key].([]any); ok {
			if err := add(len(l)); err != nil {
				return 0, err
			}
		}
	}
	p.memo[dir] = count
	return count, nil
}

// stringList returns the strings of a YAML list.
func stringList(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
