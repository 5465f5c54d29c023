package dockerfile

// FC-DF-022 inspects the shell commands of RUN instructions. It fires when
// a RUN changes directory with cd, which only lasts for that RUN and hides
// where later commands run. cd in heredoc scripts and `sh -c` code counts
// too. Allowed: WORKDIR.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkCd() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-022",
			"cd used in RUN instead of WORKDIR",
			finding.SeverityInfo,
			finding.LayerContainer,
			"A cd in RUN affects only that RUN; WORKDIR states the directory once and keeps the Dockerfile readable.",
			"Use WORKDIR /path before the RUN instead of cd.",
			hadolint("DL3003"),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for s, in := range f.Instructions() {
				for _, c := range runShellCommands(in) {
					if c.Name() != "cd" {
						continue
					}
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("RUN in %s uses cd; use WORKDIR", stageRef(s)),
						Line:          c.Line,
						Discriminator: s.Label() + "\x00" + instrKey(in),
					})
					break
				}
			}
			return out
		},
	}
}
