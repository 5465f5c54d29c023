package dockerfile

// FC-DF-016 inspects RUN instructions that refresh a package index:
// apt-get update, apt update and apk update. It fires when the same RUN
// installs or upgrades nothing with that manager, so the index is cached
// in its own layer and later installs use a stale one. Allowed: the update
// followed by an install (apt-get install, apk add, upgrade) in one RUN.

import (
	"fmt"
	"path"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkUpdateAlone() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-016",
			"Package index updated in a RUN of its own",
			finding.SeverityLow,
			finding.LayerContainer,
			"A RUN that only updates the package index is cached on its own, so later builds install "+
				"packages from an outdated index and miss security fixes.",
			"Update the index and install in the same RUN: RUN apt-get update && apt-get install -y --no-install-recommends pkg=ver && rm -rf /var/lib/apt/lists/*.",
			cis("4.7"),
			hadolint("DL3009"),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for s, in := range f.Instructions() {
				var update *ShellCommand
				tool := ""
				installsToo := false
				for _, c := range runShellCommands(in) {
					args := unwrap(c.Args)
					if len(args) < 2 {
						continue
					}
					name := path.Base(args[0])
					if name != "apt-get" && name != "apt" && name != "apk" {
						continue
					}
					switch firstOperand(args[1:]) {
					case "update":
						if update == nil {
							update, tool = &c, name
						}
					case "install", "add", "upgrade", "dist-upgrade", "full-upgrade":
						installsToo = true
					}
				}
				if update == nil || installsToo {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("RUN in %s runs %s update without installing anything in the same RUN", stageRef(s), tool),
					Line:          update.Line,
					Discriminator: s.Label() + "\x00" + cmdText(*update),
				})
			}
			return out
		},
	}
}
