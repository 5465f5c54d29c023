package dockerfile

// FC-DF-011 inspects the shell commands of RUN instructions. It fires on
// every command run through sudo or doas (directly or behind env, nohup,
// xargs, …). Allowed: commands run without them; RUN already runs as the
// current USER, and switching user is USER's job.

import (
	"fmt"
	"path"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkSudo() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-011",
			"sudo used in RUN",
			finding.SeverityMedium,
			finding.LayerContainer,
			"sudo in an image means sudo is installed and configured in it, an easy path back to root for "+
				"anyone who gets code execution in the container; its TTY and signal handling also misbehave in builds.",
			"Drop sudo: run privileged steps before switching with USER, or switch with USER root and back.",
			hadolint("DL3004"),
			cwe(250),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for s, in := range f.Instructions() {
				for _, c := range runShellCommands(in) {
					for args, ok := c.Args, true; ok && len(args) > 0; args, ok = unwrapOnce(args) {
						name := path.Base(args[0])
						if name != "sudo" && name != "doas" {
							continue
						}
						out = append(out, check.Violation{
							Message:       fmt.Sprintf("RUN in %s uses %s", stageRef(s), name),
							Line:          c.Line,
							Discriminator: s.Label() + "\x00" + cmdText(c),
						})
						break
					}
				}
			}
			return out
		},
	}
}
