package deps

// FC-DEP-001 inspects the require directives of go.mod without a
// "// indirect" comment. It fires when no Go file of the module (any build
// tag but "ignore", tests included) imports a package of the required
// module, no tool directive names one and no go:generate line runs one.
// Allowed: any such use; indirect requirements (needed by a dependency).
// A module with no Go file is not judged.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkGoUnused() check.Check[dependency] {
	return check.Check[dependency]{
		Meta: check.New(
			"FC-DEP-001",
			"Go module required but never imported",
			finding.SeverityLow,
			finding.LayerCode,
			"A requirement no package imports still enters the build graph, the module cache and every "+
				"vulnerability report, and is one more supply-chain dependency to trust for no benefit.",
			"Run go mod tidy, which drops the requirement (or marks it // indirect when a dependency needs it).",
			cwe(1164),
			finding.Reference{Source: "go mod tidy", URL: "https://go.dev/ref/mod#go-mod-tidy"},
		),
		Eval: func(d dependency) []check.Violation {
			if d.Ecosystem != "Go" || d.Indirect || d.Sources == 0 || d.Files+d.TestFiles > 0 || d.UsedBy != "" {
				return nil
			}
			return []check.Violation{{
				Message:       fmt.Sprintf("go.mod requires %s %s but no package of the module imports it", d.Name, d.Version),
				Line:          d.Line,
				Discriminator: d.Name,
			}}
		},
	}
}
