package dockerfile

// FC-DF-020 inspects the path of WORKDIR instructions after expansion. It
// fires on a relative path, which depends on the WORKDIR the base image
// happened to set. Allowed: absolute paths (/app, C:\app), and paths built
// from variables the file gives no value.

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

var windowsAbs = regexp.MustCompile(`^([A-Za-z]:)?[\\/]`)

func checkRelativeWorkdir() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-020",
			"WORKDIR uses a relative path",
			finding.SeverityInfo,
			finding.LayerContainer,
			"A relative WORKDIR resolves against whatever directory the base image set, which can change between base image versions.",
			"Use an absolute path in WORKDIR, e.g. WORKDIR /app.",
			hadolint("DL3000"),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for s, in := range f.Instructions() {
				wd, ok := in.Command.(*instructions.WorkdirCommand)
				if !ok || len(in.Unresolved) > 0 || wd.Path == "" || windowsAbs.MatchString(wd.Path) || strings.HasPrefix(wd.Path, "$") {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("WORKDIR in %s uses the relative path %q", stageRef(s), wd.Path),
					Line:          in.StartLine,
					Discriminator: s.Label() + "\x00" + wd.Path,
				})
			}
			return out
		},
	}
}
