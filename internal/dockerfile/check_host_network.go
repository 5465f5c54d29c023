package dockerfile

// FC-DF-019 inspects the --network flag of RUN instructions. It fires on
// RUN --network=host, which shares the build host's network namespace
// (and its localhost services) with the step. Allowed: the default network
// and --network=none.

import (
	"fmt"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkHostNetwork() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-019",
			"RUN with --network=host",
			finding.SeverityLow,
			finding.LayerContainer,
			"RUN --network=host lets the step reach services bound to the build host's localhost, such as "+
				"cloud metadata proxies or the Docker API, and needs the network.host entitlement.",
			"Remove --network=host; reach what the step needs through the default build network.",
			cwe(668),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for s, in := range f.Instructions() {
				run, ok := in.Command.(*instructions.RunCommand)
				if !ok || instructions.GetNetwork(run) != instructions.NetworkHost {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("RUN in %s uses --network=host", stageRef(s)),
					Line:          in.StartLine,
					Discriminator: s.Label() + "\x00" + instrKey(in),
				})
			}
			return out
		},
	}
}
