package iac

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports keeps the package a leaf: of fourc's own packages it may use
// only the shared vocabulary, the check model, source access and the
// budgets — never
// another scanner, the engine, reports or the CLI.
func TestImports(t *testing.T) {
	allowed := map[string]bool{
		"github.com/fourc-dev/fourc/internal/finding":    true,
		"github.com/fourc-dev/fourc/internal/check":      true,
		"github.com/fourc-dev/fourc/internal/source":     true,
		"github.com/fourc-dev/fourc/internal/limits":     true,
		"github.com/fourc-dev/fourc/internal/strictyaml": true,
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "github.com/fourc-dev/fourc/") && !allowed[p] {
				t.Errorf("%s imports %s", f, p)
			}
		}
	}
}
