package dockerfile

// FC-DF-013 inspects the HEALTHCHECK instructions of the final stage and
// the stages it is built FROM. It fires when there is none. Allowed: any
// HEALTHCHECK, including HEALTHCHECK NONE, which records a deliberate
// choice (e.g. Kubernetes probes are used instead).

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkHealthcheck() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-013",
			"Final stage has no HEALTHCHECK",
			finding.SeverityLow,
			finding.LayerContainer,
			"Without a HEALTHCHECK, Docker and Swarm cannot tell a hung container from a healthy one and keep "+
				"sending it traffic.",
			"Add a HEALTHCHECK to the final stage (e.g. HEALTHCHECK CMD [\"/app\", \"healthz\"]), or HEALTHCHECK NONE when orchestrator probes are used instead.",
			cis("4.6"),
		),
		Eval: func(f *File) []check.Violation {
			final := f.Final()
			if final == nil {
				return nil
			}
			for _, s := range f.Lineage(final) {
				for _, in := range s.Instructions {
					if in.Keyword == "HEALTHCHECK" {
						return nil
					}
				}
			}
			return []check.Violation{{
				Message: fmt.Sprintf("final %s has no HEALTHCHECK", stageRef(final)),
				Line:    final.From.StartLine,
			}}
		},
	}
}
