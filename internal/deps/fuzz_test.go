package deps

import (
	"bytes"
	"testing"
)

// FuzzParsePackageJSON feeds arbitrary bytes to the package.json reader:
// it must never panic, and every dependency it returns has a line inside
// the input.
func FuzzParsePackageJSON(f *testing.F) {
	f.Add([]byte(`{"name":"x","dependencies":{"a":"1","@s/b":"2"},"scripts":{"t":"jest"}}`))
	f.Add([]byte(`{"dependencies":{"a":{"nested":[1,{"x":[]}]}},"devDependencies":[],"x":[[[[]]]]}`))
	f.Add([]byte(`{"dependencies":`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pj, err := parsePackageJSON(data)
		if err != nil {
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, d := range pj.Deps {
			if d.Line < 1 || d.Line > lines {
				t.Fatalf("dependency %q at line %d of %d", d.Name, d.Line, lines)
			}
		}
	})
}

// FuzzJSPackages feeds arbitrary source to the import finder: every name
// it returns is a bare package name.
func FuzzJSPackages(f *testing.F) {
	f.Add([]byte(`import a from "alpha"; const b = require('@s/beta/x'); import("./c")`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range jsPackages(data) {
			if name == "" || name[0] == '.' || name[0] == '/' {
				t.Fatalf("bad package name %q", name)
			}
		}
	})
}
