package deps

// FC-DEP-003 inspects the "dependencies" of package.json. It fires when no
// JavaScript or TypeScript source around it (node_modules excluded)
// imports or requires the package or a subpath of it. Allowed: type
// packages (@types/*), packages run by a script (by name or binary) or
// named in another field of package.json. A package with no source is not
// judged; devDependencies are not judged (build tools run from configs).

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkNPMUnused() check.Check[dependency] {
	return check.Check[dependency]{
		Meta: check.New(
			"FC-DEP-003",
			"npm dependency never imported",
			finding.SeverityLow,
			finding.LayerCode,
			"A dependency nothing imports is still installed in every build and image, runs its install "+
				"scripts, and is one more package whose compromise reaches production.",
			"Remove the package from dependencies (npm uninstall NAME) and commit the updated lock file.",
			cwe(1164),
		),
		Eval: func(d dependency) []check.Violation {
			if d.Ecosystem != "npm" || d.Group != "dependencies" || d.Sources == 0 || d.Files+d.TestFiles > 0 || d.UsedBy != "" {
				return nil
			}
			return []check.Violation{{
				Message:       fmt.Sprintf("dependency %q is never imported or required by the package's sources", d.Name),
				Line:          d.Line,
				Discriminator: d.Name,
			}}
		},
	}
}
