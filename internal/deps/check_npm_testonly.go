package deps

// FC-DEP-004 inspects the "dependencies" of package.json. It fires when
// the package is imported only by test files (*.test.*, *.spec.*,
// __tests__/, test/, tests/, e2e/, …). Allowed: a package imported by at
// least one other source, or run by a script.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkNPMTestOnly() check.Check[dependency] {
	return check.Check[dependency]{
		Meta: check.New(
			"FC-DEP-004",
			"npm dependency used only by tests",
			finding.SeverityLow,
			finding.LayerCode,
			"A test-only package listed under dependencies is installed in production (npm ci --omit=dev "+
				"keeps it), widening the attack surface of the running service.",
			"Move the package to devDependencies (npm install --save-dev NAME).",
			cwe(1164),
		),
		Eval: func(d dependency) []check.Violation {
			if d.Ecosystem != "npm" || d.Group != "dependencies" || d.Files > 0 || d.TestFiles == 0 || d.UsedBy != "" {
				return nil
			}
			return []check.Violation{{
				Message:       fmt.Sprintf("dependency %q is imported only by tests (%d files); it belongs in devDependencies", d.Name, d.TestFiles),
				Line:          d.Line,
				Discriminator: d.Name,
			}}
		},
	}
}
