package dockerfile

// FC-DF-025 inspects chmod commands in RUN instructions and the --chmod
// flag of COPY and ADD. It fires when the mode sets the setuid or setgid
// bit: octal modes 4xxx, 2xxx, 6xxx, or symbolic u+s, g+s, +s. Allowed:
// modes without those bits, and removing them (u-s, g-s), which CIS
// recommends.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkSetuid() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-025",
			"setuid or setgid bit set",
			finding.SeverityLow,
			finding.LayerContainer,
			"A setuid or setgid program runs with its owner's or group's privileges whoever starts it; "+
				"in an image it is a ready-made privilege escalation for any code execution.",
			"Do not set setuid/setgid bits; grant the specific capability the program needs, or run it as the user it needs. Setgid on a shared directory can be suppressed.",
			cis("4.8"),
			cwe(250),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for s, in := range f.Instructions() {
				for _, mc := range modeChanges(in) {
					b := parseMode(mc.mode)
					var bits string
					switch {
					case b.setuid && b.setgid:
						bits = "setuid and setgid bits"
					case b.setuid:
						bits = "setuid bit"
					case b.setgid:
						bits = "setgid bit"
					default:
						continue
					}
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("%s %s in %s sets the %s on %s", mc.how, mc.mode, stageRef(s), bits, quoteList(mc.files)),
						Line:          mc.line,
						Discriminator: s.Label() + "\x00" + mc.mode + "\x00" + quoteList(mc.files),
					})
				}
			}
			return out
		},
	}
}
