package dockerfile

// FC-DF-014 inspects chmod commands in RUN instructions and the --chmod
// flag of COPY and ADD. It fires when the mode gives others write access:
// octal modes whose last digit has the write bit (777, 666, 0757, …) or
// symbolic modes that add w for o or a (a+rwx, o+w, ugo=rwx). Allowed:
// modes without world write, and world-writable modes with the sticky bit
// (1777, a+rwxt), the normal mode of shared temporary directories.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkWorldWritable() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-014",
			"World-writable permissions set",
			finding.SeverityMedium,
			finding.LayerContainer,
			"World-writable files and directories let any process in the container, whatever its user, "+
				"replace binaries, scripts or configuration that others run.",
			"Give the owning user the access it needs (chown the path to it and use 755/644 or stricter) instead of 777.",
			cwe(732),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for s, in := range f.Instructions() {
				for _, mc := range modeChanges(in) {
					b := parseMode(mc.mode)
					if !b.worldWritable || b.sticky {
						continue
					}
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("%s %s in %s makes %s world-writable", mc.how, mc.mode, stageRef(s), quoteList(mc.files)),
						Line:          mc.line,
						Discriminator: s.Label() + "\x00" + mc.mode + "\x00" + quoteList(mc.files),
					})
				}
			}
			return out
		},
	}
}
