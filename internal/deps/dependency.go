package deps

import "strings"

// dependency is one dependency a manifest declares, with what the scan saw
// of its use: the subject of every check of this package.
type dependency struct {
	// Ecosystem is "Go" or "npm".
	Ecosystem string
	// Name is the module path or package name.
	Name string
	// Version is the required version (Go) or range (npm).
	Version string
	// Line is the 1-based line of the declaration in the manifest.
	Line int
	// Group is where it is declared: "require" (Go), "dependencies",
	// "devDependencies", "optionalDependencies" or "peerDependencies".
	Group string
	// Indirect marks a Go requirement with a "// indirect" comment.
	Indirect bool
	// Files is the number of non-test source files that use it.
	Files int
	// TestFiles is the number of test files that use it.
	TestFiles int
	// Sources is the number of source files read; zero means the scan saw
	// no code for the manifest and cannot judge.
	Sources int
	// UsedBy names a use outside source imports (a tool directive, a
	// go:generate line, a script, another package.json field), or why the
	// dependency is exempt (a type package).
	UsedBy string
}

func (d dependency) resourceKind() string {
	if d.Ecosystem == "Go" {
		return "go-module"
	}
	return "npm-package"
}

// testPath reports whether a source file is test code: Go _test.go files;
// JavaScript and TypeScript *.test.* and *.spec.* files and files under
// __tests__, __mocks__, test, tests, e2e, cypress or playwright folders.
func testPath(p string) bool {
	if strings.HasSuffix(p, "_test.go") {
		return true
	}
	base := p[strings.LastIndex(p, "/")+1:]
	if strings.Contains(base, ".test.") || strings.Contains(base, ".spec.") || strings.Contains(base, ".stories.") {
		return true
	}
	for _, dir := range strings.Split(p, "/") {
		switch dir {
		case "__tests__", "__mocks__", "test", "tests", "e2e", "cypress", "playwright", "spec":
			return true
		}
	}
	return false
}
