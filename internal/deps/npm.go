package deps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/source"
)

// jsExts are the extensions of the sources whose imports count.
var jsExts = map[string]bool{
	".js": true, ".jsx": true, ".mjs": true, ".cjs": true, ".ts": true, ".tsx": true, ".mts": true,
	".cts": true, ".vue": true, ".svelte": true, ".astro": true,
}

// jsImport finds module specifiers: import … from "x", import "x",
// import("x"), export … from "x", require("x"), require.resolve("x") and
// /// <reference types="x" />.
var jsImport = regexp.MustCompile(`(?:\bfrom|\bimport|\bimport\s*\(|\brequire(?:\.resolve)?\s*\(|<reference\s+types=)\s*['"` + "`" + `]([^'"` + "`" + `\s]+)['"` + "`" + `]`)

// npmDependencies reads a package.json and the imports of the sources
// around it.
func npmDependencies(ctx context.Context, fsys fs.FS, manifest string, data []byte) ([]dependency, error) {
	pj, err := parsePackageJSON(data)
	if err != nil {
		return nil, err
	}
	if len(pj.Deps) == 0 {
		return nil, nil
	}
	dir := path.Dir(manifest)
	uses, sources, err := jsUses(ctx, fsys, dir)
	if err != nil {
		return nil, err
	}
	deps := make([]dependency, 0, len(pj.Deps))
	for _, d := range pj.Deps {
		u := uses[d.Name]
		dep := dependency{Ecosystem: "npm", Name: d.Name, Version: d.Range, Line: d.Line, Group: d.Group,
			Files: u.files, TestFiles: u.tests, Sources: sources}
		switch {
		case strings.HasPrefix(d.Name, "@types/"):
			dep.UsedBy = "a type package"
		default:
			dep.UsedBy = scriptUse(fsys, dir, d.Name, pj.Scripts)
			if dep.UsedBy == "" && mentions(data, d.Name) {
				dep.UsedBy = "a field of package.json"
			}
		}
		deps = append(deps, dep)
	}
	return deps, nil
}

// jsUses counts, per package name, the files under dir that import it.
// node_modules and directories starting with "." are left out.
func jsUses(ctx context.Context, fsys fs.FS, dir string) (map[string]importUse, int, error) {
	uses := map[string]importUse{}
	sources := 0
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.IsDir() {
			if p != dir && (d.Name() == "node_modules" || d.Name() == "bower_components" || strings.HasPrefix(d.Name(), ".")) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !jsExts[path.Ext(p)] {
			return nil
		}
		data, err := source.ReadFile(fsys, p, maxSourceSize)
		if err != nil || source.IsBinary(data) {
			return nil
		}
		sources++
		test := testPath(strings.TrimPrefix(p, dir+"/"))
		seen := map[string]bool{}
		for _, name := range jsPackages(data) {
			if seen[name] {
				continue
			}
			seen[name] = true
			u := uses[name]
			if test {
				u.tests++
			} else {
				u.files++
			}
			uses[name] = u
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("reading the package's sources: %w", err)
	}
	return uses, sources, nil
}

// jsPackages returns the package names a source imports.
func jsPackages(data []byte) []string {
	var out []string
	for _, m := range jsImport.FindAllSubmatch(data, -1) {
		// Webpack loader chains: "style-loader!css-loader!./x.css".
		for _, spec := range strings.Split(string(m[1]), "!") {
			if name := packageName(spec); name != "" {
				out = append(out, name)
			}
		}
	}
	return out
}

// packageName returns the package a module specifier names: "lodash/fp"
// → "lodash", "@scope/pkg/sub" → "@scope/pkg". Relative and absolute
// paths, URLs and node: built-ins name none.
func packageName(spec string) string {
	spec, _, _ = strings.Cut(spec, "?")
	if spec == "" || strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "/") || strings.Contains(spec, ":") ||
		strings.HasPrefix(spec, "#") || strings.HasPrefix(spec, "~") {
		return ""
	}
	parts := strings.SplitN(spec, "/", 3)
	if strings.HasPrefix(spec, "@") {
		if len(parts) < 2 || parts[1] == "" {
			return ""
		}
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

// scriptUse reports whether a script of package.json runs the package,
// by its name or one of its binaries (read from node_modules when it is
// installed).
func scriptUse(fsys fs.FS, dir, name string, scripts map[string]string) string {
	bins := []string{name}
	if i := strings.LastIndex(name, "/"); i >= 0 {
		bins = append(bins, name[i+1:])
	}
	if data, err := source.ReadFile(fsys, path.Join(dir, "node_modules", name, "package.json"), 1<<20); err == nil {
		var pkg struct {
			Bin json.RawMessage `json:"bin"`
		}
		if json.Unmarshal(data, &pkg) == nil {
			// A string "bin" is named after the package, already listed.
			var many map[string]string
			if json.Unmarshal(pkg.Bin, &many) == nil {
				for b := range many {
					bins = append(bins, b)
				}
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(scripts)) {
		for _, b := range bins {
			if containsWord(scripts[key], b) {
				return "the script " + key
			}
		}
	}
	return ""
}

// containsWord reports whether s has w delimited by non-name characters.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if (start == 0 || !nameByte(s[start-1])) && (end == len(s) || !nameByte(s[end])) {
			return true
		}
		i = start + 1
	}
}

func nameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '@' || c == '/' || c == '.'
}

// mentions reports whether package.json names the package as a string
// value elsewhere than its own declaration, e.g. a preset or plugin of an
// inline tool config ("jest": {"preset": "ts-jest"}).
func mentions(data []byte, name string) bool {
	return bytes.Count(data, []byte(`"`+name+`"`)) > 1 || bytes.Contains(data, []byte(`"`+name+`/`))
}
