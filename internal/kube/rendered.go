package kube

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/progress"
	"github.com/fourc-dev/fourc/internal/render"
	"github.com/fourc-dev/fourc/internal/source"
)

// renderUnit renders the Helm charts and the root kustomizations among one
// unit's paths and loads their objects, each located at the file it came
// from: a chart's template (the line of a field when the template has
// it), a kustomization's resource file (the line of the field in that
// file, or of its nearest parent there). consumed holds the paths the
// renders used, which must not also be loaded as plain manifests.
func (s *Scanner) renderUnit(ctx context.Context, fsys fs.FS, paths []string) (objs []*Object, skipped []finding.Skipped, consumed map[string]bool) {
	u := &unitRender{fsys: fsys, paths: paths, consumed: map[string]bool{}}
	charts, kusts := renderable(paths)
	sort.Strings(charts)
	if !s.renderCharts(ctx, u, charts) {
		return nil, nil, u.consumed
	}
	roots := u.findKustomizations(ctx, kusts, charts)
	built, ok := s.buildKustomizations(ctx, fsys, roots)
	if !ok {
		return nil, nil, u.consumed
	}
	u.loadKustomizations(built)
	for _, file := range roots.files {
		u.consumed[file] = true
	}
	return u.objs, u.skipped, u.consumed
}

// unitRender is what renderUnit has gathered so far.
type unitRender struct {
	fsys     fs.FS
	paths    []string
	objs     []*Object
	skipped  []finding.Skipped
	consumed map[string]bool
}

// skip records a render that failed.
func (u *unitRender) skip(p string, err error) {
	u.skipped = append(u.skipped, finding.Skipped{Path: p, Scanner: scannerName, Reason: oneLine(err.Error())})
}

// renderable returns the chart directories and the kustomization files
// among paths.
func renderable(paths []string) (charts, kusts []string) {
	for _, p := range paths {
		switch {
		case render.IsChart(p):
			charts = append(charts, path.Dir(p))
		case render.IsKustomization(p):
			kusts = append(kusts, p)
		}
	}
	return charts, kusts
}

// renderCharts renders the top-level charts (subcharts are rendered with
// their parent) and loads their objects; false when ctx ends first.
func (s *Scanner) renderCharts(ctx context.Context, u *unitRender, charts []string) bool {
	for _, dir := range charts {
		if ctx.Err() != nil {
			return false
		}
		if subchart(dir, charts) {
			continue // rendered with its parent
		}
		for _, p := range u.paths {
			if dir == "." || strings.HasPrefix(p, dir+"/") {
				u.consumed[p] = true
			}
		}
		opts := s.render
		opts.Values = append(append([]render.Value(nil), opts.Values...), s.values.For(dir)...)
		progress.Label(ctx, "rendering Helm chart "+dir)
		res, err := render.Helm(ctx, u.fsys, dir, opts)
		if err != nil {
			u.skip(dir, err)
			continue
		}
		for _, m := range res.Manifests {
			o, sk := loadHelm(u.fsys, m)
			u.objs = append(u.objs, o...)
			u.skipped = append(u.skipped, sk...)
		}
	}
	return true
}

// kustomizations are the kustomization directories of a unit outside its
// charts, components aside.
type kustomizations struct {
	dirs  []string
	files map[string]string // the kustomization file of each directory
	used  map[string]bool   // directories another kustomization includes
}

// findKustomizations sorts the unit's kustomization files outside charts
// into components, consumed with their patches, and the directories to
// build; it marks those other kustomizations pull in. Only the roots are
// built (an overlay's base is scanned through the overlay). Finding the
// roots reads kustomization files, builds nothing.
func (u *unitRender) findKustomizations(ctx context.Context, kusts, charts []string) kustomizations {
	k := kustomizations{files: map[string]string{}, used: map[string]bool{}}
	for _, file := range kusts {
		dir := path.Dir(file)
		if inChart(dir, charts) {
			continue
		}
		if resources, ok := render.Component(u.fsys, dir); ok {
			// Built through the overlays that include it; its patches
			// are not manifests of their own, its resources are still
			// inspected as plain manifests.
			consumeExcept(u.consumed, u.paths, dir, resources)
			u.consumed[file] = true
			continue
		}
		k.dirs = append(k.dirs, dir)
		k.files[dir] = file
		for _, d := range render.KustomizeIncludes(ctx, u.fsys, dir) {
			k.used[d] = true
		}
	}
	return k
}

// builtKustomization is the outcome of building one kustomization.
type builtKustomization struct {
	dir, file string
	res       render.Result
	err       error
}

// buildKustomizations builds the root kustomizations; false when ctx ends
// first.
func (s *Scanner) buildKustomizations(ctx context.Context, fsys fs.FS, k kustomizations) ([]builtKustomization, bool) {
	var all []builtKustomization
	for _, dir := range k.dirs {
		if ctx.Err() != nil {
			return nil, false
		}
		if k.used[dir] {
			continue
		}
		progress.Label(ctx, "building kustomization "+dir)
		res, err := render.Kustomize(ctx, fsys, dir, s.render)
		all = append(all, builtKustomization{dir, k.files[dir], res, err})
	}
	return all, true
}

// loadKustomizations loads the objects of the built kustomizations and
// records what they left out, what failed and which files they read.
func (u *unitRender) loadKustomizations(all []builtKustomization) {
	for _, b := range all {
		for _, sk := range b.res.Skipped {
			u.skipped = append(u.skipped, finding.Skipped{Path: sk.File, Scanner: scannerName, Reason: oneLine(sk.Reason)})
		}
		if b.err != nil {
			u.skip(b.dir, b.err)
			// Patches and other partial documents of the directory are
			// not manifests of their own; its resources are still
			// inspected as plain manifests.
			consumeExcept(u.consumed, u.paths, b.dir, b.res.Resources)
			continue
		}
		for _, m := range b.res.Manifests {
			o, sk := loadKustomized(u.fsys, m)
			u.objs = append(u.objs, o...)
			u.skipped = append(u.skipped, sk...)
		}
	}
	for _, b := range all {
		if b.err == nil {
			for _, p := range b.res.Read {
				u.consumed[p] = true
			}
		}
	}
}

// consumeExcept marks the paths directly in dir consumed, except the
// resource files listed.
func consumeExcept(consumed map[string]bool, paths []string, dir string, resources []string) {
	keep := map[string]bool{}
	for _, p := range resources {
		keep[p] = true
	}
	for _, p := range paths {
		if path.Dir(p) == dir && !keep[p] {
			consumed[p] = true
		}
	}
}

// subchart reports whether dir lies in the charts/ directory of another
// chart of the list.
func subchart(dir string, charts []string) bool {
	for _, c := range charts {
		if strings.HasPrefix(dir, strings.TrimPrefix(c+"/charts/", "./")) {
			return true
		}
	}
	return false
}

// inChart reports whether dir lies inside one of the charts.
func inChart(dir string, charts []string) bool {
	for _, c := range charts {
		if c == "." || strings.HasPrefix(dir, c+"/") {
			return true
		}
	}
	return false
}

// loadHelm loads one template's output and moves its lines onto the
// template: a field's line is the template line holding the same key,
// matched in order, or the nearest parent's.
func loadHelm(fsys fs.FS, m render.Manifest) ([]*Object, []finding.Skipped) {
	objs, skipped := Load(m.File, m.Data)
	if len(objs) == 0 {
		return objs, skipped
	}
	tmpl, err := source.ReadFile(fsys, m.File, 0)
	if err != nil {
		tmpl = nil // a subchart from a .tgz: no template on disk
	}
	lineMap := alignTemplate(m.Data, tmpl)
	for _, o := range objs {
		o.Lines = o.Lines.remap(lineMap)
	}
	return objs, skipped
}

// loadKustomized loads one object Kustomize built and takes its lines from
// the resource file it came from.
func loadKustomized(fsys fs.FS, m render.Manifest) ([]*Object, []finding.Skipped) {
	objs, skipped := Load(m.File, m.Data)
	if len(objs) == 0 {
		return objs, skipped
	}
	orig, err := source.ReadFile(fsys, m.File, 0)
	var (
		lines Lines
		doc   int
	)
	if err == nil {
		lines, doc = originLines(orig, m.Kind, m.Name)
	}
	for _, o := range objs {
		o.Lines = lines
		if doc > 0 {
			o.Source.Doc = doc
		}
	}
	return objs, skipped
}

// remap returns l with every line n replaced by lines[n]; lines with no
// entry are dropped, so they fall back to the nearest mapped parent.
func (l Lines) remap(lines map[int]int) Lines {
	out := Lines{index: map[string]int{}, prefix: l.prefix, first: lines[l.first]}
	if out.first == 0 {
		out.first = 1
	}
	for p, n := range l.index {
		if m, ok := lines[n]; ok {
			out.index[p] = m
		}
	}
	return out
}

// alignWindow is how many template lines ahead alignTemplate looks for a
// rendered key; it keeps a key from matching a distant line.
const alignWindow = 200

// alignTemplate maps the lines of rendered YAML to the lines of the
// template that produced it: a rendered mapping key matches the next
// template line with the same key path (keys of the enclosing mappings,
// by indentation). Keys a helper or a value inserted match nothing and
// fall back to their parent's line.
func alignTemplate(rendered, tmpl []byte) map[int]int {
	out := map[int]int{}
	if tmpl == nil {
		return out
	}
	tpaths := keyPaths(string(tmpl))
	cur := 0
	for i, p := range keyPaths(string(rendered)) {
		if p == "" {
			continue
		}
		for j := cur; j < len(tpaths) && j < cur+alignWindow; j++ {
			if tpaths[j] == p {
				out[i+1] = j + 1
				cur = j + 1
				break
			}
		}
	}
	return out
}

// keyPaths returns, for every line of YAML text, the path of the mapping
// key it starts with ("spec.containers.name"; list indexes left out), or
// "" for a line without one.
func keyPaths(text string) []string {
	type level struct {
		indent int
		key    string
	}
	var stack []level
	lines := strings.Split(text, "\n")
	out := make([]string, len(lines))
	for i, l := range lines {
		if strings.HasPrefix(l, "---") {
			stack = stack[:0]
			continue
		}
		s := strings.TrimLeft(l, " ")
		indent := len(l) - len(s)
		for strings.HasPrefix(s, "- ") {
			t := strings.TrimLeft(s[2:], " ")
			indent += len(s) - len(t)
			s = t
		}
		k := yamlKey(s)
		if k == "" {
			continue
		}
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		stack = append(stack, level{indent, k})
		var b strings.Builder
		for n, lv := range stack {
			if n > 0 {
				b.WriteByte('.')
			}
			b.WriteString(lv.key)
		}
		out[i] = b.String()
	}
	return out
}

// yamlKey returns the mapping key a line of YAML starts with ("- name: x"
// gives "name"), or "" when the line holds none or a template action.
func yamlKey(line string) string {
	s := strings.TrimLeft(line, " ")
	for strings.HasPrefix(s, "- ") {
		s = strings.TrimLeft(s[2:], " ")
	}
	i := strings.Index(s, ":")
	if i <= 0 || (i+1 < len(s) && s[i+1] != ' ') {
		return ""
	}
	k := strings.Trim(s[:i], `"'`)
	if strings.ContainsAny(k, "{}# ") {
		return ""
	}
	return k
}

// originLines finds the document of kind and name in a resource file and
// returns the lines of its fields and its 1-based position. When no
// document has the name (Kustomize renamed the object), the only document
// of that kind is used, or one whose name the new name contains.
func originLines(data []byte, kind, name string) (Lines, int) {
	type cand struct {
		root *yaml.Node
		doc  int
		name string
	}
	var cands []cand
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for doc := 1; ; doc++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) || err != nil {
			break
		}
		if n.Kind != yaml.DocumentNode || len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
			continue
		}
		root := n.Content[0]
		_, k, claims, err := typeOf(root)
		if !claims || err != nil || k != kind {
			continue
		}
		cands = append(cands, cand{root, doc, metadataName(root)})
	}
	pick := -1
	for i, c := range cands {
		if c.name == name {
			pick = i
			break
		}
	}
	if pick < 0 && len(cands) == 1 {
		pick = 0
	}
	if pick < 0 {
		for i, c := range cands {
			if c.name != "" && strings.Contains(name, c.name) {
				pick = i
				break
			}
		}
	}
	if pick < 0 {
		return Lines{first: 1}, 0
	}
	c := converter{lines: map[string]int{}, budget: nodeBudget(len(data))}
	if _, err := c.value(cands[pick].root, "", true, 0); err != nil {
		return Lines{first: cands[pick].root.Line}, cands[pick].doc
	}
	return Lines{index: c.lines, first: cands[pick].root.Line}, cands[pick].doc
}

// metadataName returns metadata.name of a document's root mapping.
func metadataName(root *yaml.Node) string {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "metadata" || root.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		md := root.Content[i+1]
		for j := 0; j+1 < len(md.Content); j += 2 {
			if md.Content[j].Value == "name" {
				return md.Content[j+1].Value
			}
		}
	}
	return ""
}
