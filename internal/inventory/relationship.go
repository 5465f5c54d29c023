package inventory

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/fourc-dev/fourc/internal/source"
)

// manifestLimit caps the manifests read to tell direct dependencies apart.
const manifestLimit = 16 << 20

// relation tells direct dependencies from transitive ones for the packages
// of one file.
type relation struct {
	// fixed, when set, applies to every package.
	fixed Relationship
	// direct holds the names of direct dependencies; nil means unknown.
	direct map[string]bool
	// lines holds the declaring file's lines (go.mod), 0-based.
	lines []string
}

func (r relation) of(p Package) Relationship {
	switch {
	case r.fixed != RelationshipUnknown:
		return r.fixed
	case r.lines != nil:
		if p.Name == "stdlib" || p.Location.Line < 1 || p.Location.Line > len(r.lines) {
			return RelationshipDirect
		}
		if strings.Contains(r.lines[p.Location.Line-1], "// indirect") {
			return RelationshipTransitive
		}
		return RelationshipDirect
	case r.direct != nil:
		if r.direct[p.Name] || r.direct[strings.ToLower(p.Name)] || r.direct[pep503(p.Name)] {
			return RelationshipDirect
		}
		return RelationshipTransitive
	}
	return RelationshipUnknown
}

// relationships reads what the lockfile, or the manifest beside it, says
// about direct dependencies.
func relationships(fsys fs.FS, extractor, file string) relation {
	dir := path.Dir(file)
	sibling := func(name string) []byte {
		data, err := source.ReadFile(fsys, path.Join(dir, name), manifestLimit)
		if err != nil {
			return nil
		}
		return data
	}
	switch extractor {
	case "go/gomod":
		data, err := source.ReadFile(fsys, file, manifestLimit)
		if err != nil {
			return relation{}
		}
		return relation{lines: strings.Split(string(data), "\n")}
	case "python/requirements", "java/pomxml":
		return relation{fixed: RelationshipDirect} // manifests list what the project asks for
	case "javascript/packagelockjson", "javascript/yarnlock", "javascript/pnpmlock", "javascript/bunlock":
		return relation{direct: jsonKeys(sibling("package.json"), "dependencies", "devDependencies", "optionalDependencies", "peerDependencies")}
	case "php/composerlock":
		return relation{direct: lowerKeys(jsonKeys(sibling("composer.json"), "require", "require-dev"))}
	case "ruby/gemfilelock":
		data, err := source.ReadFile(fsys, file, manifestLimit)
		if err != nil {
			return relation{}
		}
		return relation{direct: gemfileDependencies(data)}
	case "python/uvlock", "rust/cargolock":
		data, err := source.ReadFile(fsys, file, manifestLimit)
		if err != nil {
			return relation{}
		}
		return relation{direct: lockRootDependencies(data)}
	case "python/poetrylock", "python/pdmlock":
		return relation{direct: pyprojectDependencies(sibling("pyproject.toml"))}
	case "python/pipfilelock":
		return relation{direct: pipfileDependencies(sibling("Pipfile"))}
	case "dotnet/packageslockjson":
		data, err := source.ReadFile(fsys, file, manifestLimit)
		if err != nil {
			return relation{}
		}
		return relation{direct: nugetDirect(data)}
	}
	return relation{}
}

// jsonKeys collects the keys of the named objects of a JSON document; nil
// when the document is missing or malformed.
func jsonKeys(data []byte, fields ...string) map[string]bool {
	if data == nil {
		return nil
	}
	var doc map[string]json.RawMessage
	if json.Unmarshal(data, &doc) != nil {
		return nil
	}
	out := map[string]bool{}
	for _, f := range fields {
		var deps map[string]json.RawMessage
		if json.Unmarshal(doc[f], &deps) == nil {
			for k := range deps {
				out[k] = true
			}
		}
	}
	return out
}

func lowerKeys(m map[string]bool) map[string]bool {
	if m == nil {
		return nil
	}
	out := make(map[string]bool, len(m))
	for k := range m {
		out[strings.ToLower(k)] = true
	}
	return out
}

// gemfileDependencies reads the DEPENDENCIES section of a Gemfile.lock: the
// gems the Gemfile names.
func gemfileDependencies(data []byte) map[string]bool {
	out := map[string]bool{}
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "DEPENDENCIES":
			in = true
		case in && strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   "):
			name := strings.Fields(line)[0]
			out[strings.TrimSuffix(name, "!")] = true
		case in && strings.TrimSpace(line) == "":
			in = false
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// nugetDirect reads the "type" of each dependency in packages.lock.json.
func nugetDirect(data []byte) map[string]bool {
	var doc struct {
		Dependencies map[string]map[string]struct {
			Type string `json:"type"`
		} `json:"dependencies"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return nil
	}
	out := map[string]bool{}
	for _, deps := range doc.Dependencies {
		for name, d := range deps {
			if strings.EqualFold(d.Type, "Direct") {
				out[strings.ToLower(name)] = true
			}
		}
	}
	return out
}

// lockRootDependencies reads a uv.lock or Cargo.lock: the project's own
// packages (no registry source) list the direct dependencies.
func lockRootDependencies(data []byte) map[string]bool {
	var doc struct {
		Package []struct {
			Name         string `toml:"name"`
			Source       any    `toml:"source"`
			Dependencies []any  `toml:"dependencies"`
		} `toml:"package"`
	}
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil
	}
	out := map[string]bool{}
	roots := 0
	for _, p := range doc.Package {
		if isRegistrySource(p.Source) {
			continue
		}
		roots++
		out[strings.ToLower(p.Name)] = true // the project itself
		for _, d := range p.Dependencies {
			switch d := d.(type) {
			case string: // Cargo.lock: "name" or "name version"
				out[strings.ToLower(strings.Fields(d + " ")[0])] = true
			case map[string]any: // uv.lock: { name = "x" }
				if n, ok := d["name"].(string); ok {
					out[pep503(n)] = true
				}
			}
		}
	}
	if roots == 0 {
		return nil
	}
	return out
}

// isRegistrySource reports whether a lock entry's source names a registry
// or other remote origin, as opposed to the project itself: Cargo.lock
// writes "registry+https://..." (absent for the workspace's crates), uv.lock
// a table that is { virtual = "." } or { editable = "." } for the project.
func isRegistrySource(src any) bool {
	switch s := src.(type) {
	case string:
		return s != ""
	case map[string]any:
		_, virtual := s["virtual"]
		_, editable := s["editable"]
		return !virtual && !editable
	}
	return false
}

// requirementName is the distribution name at the start of a PEP 508
// requirement ("requests[socks]>=2.0; python_version>'3'").
var requirementName = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)`)

// pyprojectDependencies reads the direct dependencies of a pyproject.toml:
// PEP 621 [project] dependencies and optional dependencies, Poetry's
// dependency tables and PEP 735 dependency groups.
func pyprojectDependencies(data []byte) map[string]bool {
	if data == nil {
		return nil
	}
	var doc struct {
		Project struct {
			Dependencies         []string            `toml:"dependencies"`
			OptionalDependencies map[string][]string `toml:"optional-dependencies"`
		} `toml:"project"`
		DependencyGroups map[string][]any `toml:"dependency-groups"`
		Tool             struct {
			Poetry struct {
				Dependencies    map[string]any `toml:"dependencies"`
				DevDependencies map[string]any `toml:"dev-dependencies"`
				Group           map[string]struct {
					Dependencies map[string]any `toml:"dependencies"`
				} `toml:"group"`
			} `toml:"poetry"`
		} `toml:"tool"`
	}
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil
	}
	out := map[string]bool{}
	addReq := func(r string) {
		if m := requirementName.FindStringSubmatch(r); m != nil {
			out[pep503(m[1])] = true
		}
	}
	for _, r := range doc.Project.Dependencies {
		addReq(r)
	}
	for _, rs := range doc.Project.OptionalDependencies {
		for _, r := range rs {
			addReq(r)
		}
	}
	for _, rs := range doc.DependencyGroups {
		for _, r := range rs {
			if r, ok := r.(string); ok {
				addReq(r)
			}
		}
	}
	poetry := doc.Tool.Poetry
	tables := []map[string]any{poetry.Dependencies, poetry.DevDependencies}
	for _, g := range poetry.Group {
		tables = append(tables, g.Dependencies)
	}
	for _, t := range tables {
		for name := range t {
			if name != "python" {
				out[pep503(name)] = true
			}
		}
	}
	return out
}

// pipfileDependencies reads the [packages] and [dev-packages] of a Pipfile.
func pipfileDependencies(data []byte) map[string]bool {
	if data == nil {
		return nil
	}
	var doc struct {
		Packages    map[string]any `toml:"packages"`
		DevPackages map[string]any `toml:"dev-packages"`
	}
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil
	}
	out := map[string]bool{}
	for _, t := range []map[string]any{doc.Packages, doc.DevPackages} {
		for name := range t {
			out[pep503(name)] = true
		}
	}
	return out
}

// pep503 normalizes a Python distribution name.
func pep503(name string) string {
	var b strings.Builder
	sep := false
	for _, c := range strings.ToLower(name) {
		if c == '-' || c == '_' || c == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteRune(c)
	}
	return b.String()
}
