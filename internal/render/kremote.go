package render

import (
	"fmt"
	"path"
	"strings"
)

// Skip is something a render left out: a remote resource of a
// kustomization, a Helm chart it would inflate.
type Skip struct {
	// File is the kustomization that refers to it.
	File string
	// Reason says what was left out and why.
	Reason string
}

// isURL reports whether s starts with a URL scheme ("https://",
// "ssh://", "git::") or a git SSH address ("git@host:").
func isURL(s string) bool {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "git@") || strings.HasPrefix(s, "git::") {
		return true
	}
	i := strings.Index(s, "://")
	if i <= 0 {
		return false
	}
	for j, c := range s[:i] {
		alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !alpha && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// isRemote reports whether a resource entry that is not in the scan root
// names a remote base, as Kustomize would read it: a URL, or a git
// repository ("github.com/org/repo//dir?ref=v1").
func isRemote(ref string) bool {
	if isURL(ref) || strings.Contains(ref, "?ref=") || strings.Contains(ref, "?version=") {
		return true
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(ref, "/"), "/")
	return strings.Contains(ref, "//") || (strings.Contains(first, ".") && first != "." && first != ".." && strings.Contains(ref, "/") && path.Ext(ref) == "")
}

// nouns name one entry of a kustomization's list fields.
func nouns() map[string]string {
	return map[string]string{
		"resources": "resource", "components": "component", "bases": "base",
		"crds": "CRD file", "configurations": "configuration", "transformers": "transformer",
		"generators": "generator", "validators": "validator", "patchesStrategicMerge": "patch",
		"patches": "patch", "patchesJson6902": "patch", "replacements": "replacement",
	}
}

// stripRemote takes the remote references out of the kustomization k (in
// dir, read from file), recording a Skip for each, and reports whether it
// changed k. Only fields Kustomize loads files or bases from are looked
// at: a URL in a label, an annotation or a comment changes nothing.
func (p *kplan) stripRemote(file, dir string, k map[string]any) bool {
	changed, noun := false, nouns()
	skip := func(what, ref string) {
		p.skipped = append(p.skipped, Skip{File: file, Reason: fmt.Sprintf("%s %q is remote and was not fetched", what, ref)})
		changed = true
	}
	filter := func(key string, drop func(any) (string, bool)) {
		l, ok := k[key].([]any)
		if !ok {
			return
		}
		kept := l[:0:0]
		for _, x := range l {
			if ref, bad := drop(x); bad {
				skip(noun[key], ref)
				continue
			}
			kept = append(kept, x)
		}
		k[key] = kept
	}
	local := func(s string) bool {
		q, err := clean(path.Join(dir, s))
		if err != nil {
			return true // reported as leaving the scan root
		}
		_, err = p.r.stat(q)
		return err == nil
	}
	for _, key := range []string{"resources", "components", "bases"} {
		filter(key, func(x any) (string, bool) {
			s, ok := x.(string)
			return s, ok && (isURL(s) || (!local(s) && isRemote(s)))
		})
	}
	for _, key := range []string{"crds", "configurations", "transformers", "generators", "validators", "patchesStrategicMerge"} {
		filter(key, func(x any) (string, bool) {
			s, ok := x.(string)
			return s, ok && isURL(s)
		})
	}
	for _, key := range []string{"patches", "patchesJson6902", "replacements"} {
		filter(key, func(x any) (string, bool) {
			m, _ := x.(map[string]any)
			s, _ := m["path"].(string)
			return s, isURL(s)
		})
	}
	if m, ok := k["openapi"].(map[string]any); ok {
		if s, _ := m["path"].(string); isURL(s) {
			delete(k, "openapi")
			skip("openapi schema", s)
		}
	}
	for _, key := range []string{"configMapGenerator", "secretGenerator"} {
		l, _ := k[key].([]any)
		for _, g := range l {
			m, _ := g.(map[string]any)
			stripGeneratorFiles(m, func(what, ref string) { skip(key+" "+what, ref) })
		}
	}
	for _, key := range []string{"helmCharts", "helmChartInflationGenerator"} {
		l, ok := k[key].([]any)
		if !ok {
			continue
		}
		for _, c := range l {
			m, _ := c.(map[string]any)
			name, _ := m["name"].(string)
			repo, _ := m["repo"].(string)
			p.skipped = append(p.skipped, Skip{File: file, Reason: fmt.Sprintf("Helm chart %q (%s) is not inflated", name, repo)})
		}
		delete(k, key)
		changed = true
	}
	return changed
}

// stripGeneratorFiles takes the remote files out of one ConfigMap or
// Secret generator m (its files, envs and env), calling skip for each.
func stripGeneratorFiles(m map[string]any, skip func(what, ref string)) {
	for _, fk := range []string{"files", "envs"} {
		fl, ok := m[fk].([]any)
		if !ok {
			continue
		}
		kept := fl[:0:0]
		for _, x := range fl {
			s, _ := x.(string)
			if _, src, ok := strings.Cut(s, "="); ok && isURL(src) || isURL(s) {
				skip("file", s)
				continue
			}
			kept = append(kept, x)
		}
		m[fk] = kept
	}
	if s, _ := m["env"].(string); isURL(s) {
		delete(m, "env")
		skip("env file", s)
	}
}
