package dockerfile

// FC-DF-015 inspects the --security flag of RUN instructions. It fires on
// RUN --security=insecure, which runs the command with every capability
// and no seccomp or AppArmor confinement (an "entitlement" the builder must
// grant). Allowed: no --security flag, or --security=sandbox.

import (
	"fmt"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkInsecureRun() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-015",
			"RUN with --security=insecure",
			finding.SeverityHigh,
			finding.LayerContainer,
			"RUN --security=insecure runs the step as a privileged container on the build host: a malicious "+
				"or compromised dependency installed there can take over the builder.",
			"Remove --security=insecure; do the step that needs privileges outside the image build, or at container start with the narrowest capabilities.",
			cwe(250),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for s, in := range f.Instructions() {
				run, ok := in.Command.(*instructions.RunCommand)
				if !ok || instructions.GetSecurity(run) != instructions.SecurityInsecure {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("RUN in %s uses --security=insecure", stageRef(s)),
					Line:          in.StartLine,
					Discriminator: s.Label() + "\x00" + instrKey(in),
				})
			}
			return out
		},
	}
}
