package dockerfile

// FC-DF-021 inspects CMD, ENTRYPOINT and HEALTHCHECK instructions per
// stage. It fires on every one that a later one of the same kind in the
// same stage overrides, since only the last one takes effect. Allowed: one
// of each per stage.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkMultipleCmd() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-021",
			"CMD, ENTRYPOINT or HEALTHCHECK overridden in the same stage",
			finding.SeverityInfo,
			finding.LayerContainer,
			"Only the last CMD, ENTRYPOINT and HEALTHCHECK of a stage take effect; earlier ones mislead readers about what the container runs and how it is checked.",
			"Keep one CMD, one ENTRYPOINT and one HEALTHCHECK per stage.",
			hadolint("DL4003"),
			hadolint("DL4004"),
			hadolint("DL3012"),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for _, s := range f.Stages {
				last := map[string]*Instruction{}
				for _, in := range s.Instructions {
					if in.Keyword != "CMD" && in.Keyword != "ENTRYPOINT" && in.Keyword != "HEALTHCHECK" {
						continue
					}
					if prev := last[in.Keyword]; prev != nil {
						out = append(out, check.Violation{
							Message:       fmt.Sprintf("%s at line %d in %s is overridden by the %s at line %d", prev.Keyword, prev.StartLine, stageRef(s), in.Keyword, in.StartLine),
							Line:          prev.StartLine,
							Discriminator: s.Label() + "\x00" + instrKey(prev),
						})
					}
					last[in.Keyword] = in
				}
			}
			return out
		},
	}
}
