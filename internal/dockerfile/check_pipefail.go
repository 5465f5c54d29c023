package dockerfile

// FC-DF-023 inspects shell-form RUN instructions (heredoc scripts
// included) whose code pipes one command into another. It fires when
// neither the SHELL in effect (e.g. SHELL ["/bin/bash", "-o", "pipefail",
// "-c"]) nor the RUN itself (set -o pipefail, set -euo pipefail) enables
// pipefail, so a failing download piped into tar or sh does not fail the
// build. Allowed: either way of enabling pipefail; RUNs without pipes;
// exec-form RUNs whose command line mentions pipefail; non-POSIX shells.

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// stageShells returns, for each RUN of stage s, the SHELL in effect.
func stageShells(f *File, s *Stage) map[*Instruction][]string {
	out := map[*Instruction][]string{}
	lineage := f.Lineage(s)
	sh := []string{"/bin/sh", "-c"}
	for i := len(lineage) - 1; i >= 0; i-- {
		for _, in := range lineage[i].Instructions {
			switch c := in.Command.(type) {
			case *instructions.ShellCommand:
				sh = c.Shell
			case *instructions.RunCommand:
				if lineage[i] == s {
					out[in] = sh
				}
			}
		}
	}
	return out
}

func mentionsPipefail(words []string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(w, "pipefail") })
}

func checkPipefail() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-023",
			"RUN pipes commands without pipefail",
			finding.SeverityLow,
			finding.LayerContainer,
			"Without pipefail a pipeline's status is that of its last command, so a failed download piped "+
				"into another command passes silently and the image is built without what it should contain.",
			"Set SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] (or start the RUN with set -o pipefail &&) before RUNs that use pipes.",
			hadolint("DL4006"),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for _, s := range f.Stages {
				shells := stageShells(f, s)
				for _, in := range s.Instructions {
					run, ok := in.Command.(*instructions.RunCommand)
					if !ok || !run.PrependShell {
						continue
					}
					sh := shells[in]
					if !posixShell(sh) || mentionsPipefail(sh) {
						continue
					}
					var pipe *Pipeline
					enabled := false
					for i, p := range in.Pipelines {
						if len(p) > 1 && pipe == nil {
							pipe = &in.Pipelines[i]
						}
						for _, c := range p {
							if path.Base(firstWord(c.Args)) == "set" && mentionsPipefail(c.Args) {
								enabled = true
							}
						}
					}
					if pipe == nil || enabled {
						continue
					}
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("RUN in %s pipes %s into %s without pipefail", stageRef(s), (*pipe)[0].Name(), (*pipe)[len(*pipe)-1].Name()),
						Line:          (*pipe)[0].Line,
						Discriminator: s.Label() + "\x00" + instrKey(in),
					})
				}
			}
			return out
		},
	}
}

func firstWord(words []string) string {
	if len(words) == 0 {
		return ""
	}
	return words[0]
}
