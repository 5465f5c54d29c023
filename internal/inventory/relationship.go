package inventory

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io/fs"
	"path"
	"strings"

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
		if r.direct[p.Name] || r.direct[strings.ToLower(p.Name)] {
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
