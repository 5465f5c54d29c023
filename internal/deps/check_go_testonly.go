package deps

// FC-DEP-002 inspects the require directives of go.mod without a
// "// indirect" comment. It fires when the required module is imported
// only by _test.go files. Allowed: a module imported by at least one
// non-test file, or run by a tool directive or a go:generate line.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkGoTestOnly() check.Check[dependency] {
	return check.Check[dependency]{
		Meta: check.New(
			"FC-DEP-002",
			"Go module required only by tests",
			finding.SeverityInfo,
			finding.LayerCode,
			"A module imported only by tests is not linked into the binaries, but its code runs on every "+
				"developer machine and CI job that runs the tests; it deserves the same scrutiny as a production dependency.",
			"Keep the requirement if the tests need it; otherwise remove the test imports and run go mod tidy.",
			cwe(1164),
		),
		Eval: func(d dependency) []check.Violation {
			if d.Ecosystem != "Go" || d.Indirect || d.Files > 0 || d.TestFiles == 0 || d.UsedBy != "" {
				return nil
			}
			return []check.Violation{{
				Message:       fmt.Sprintf("%s %s is imported only by test files (%d)", d.Name, d.Version, d.TestFiles),
				Line:          d.Line,
				Discriminator: d.Name,
			}}
		},
	}
}
