package dockerfile

// FC-DF-009 inspects package installations in RUN instructions: apt-get,
// apt and aptitude install, apk add, pip install (and python -m pip), npm
// install, gem install, go install, yum/dnf/microdnf/tdnf install and
// zypper install. It fires when a package operand names no version
// (apt-get pkg=1.2, apk pkg=1.2-r0, pip pkg==1.2, npm pkg@1.2, gem -v 1.2
// or pkg:1.2, go pkg@v1.2, dnf pkg-1.2, zypper pkg=1.2). Allowed: pinned
// operands, requirement files (pip -r), local files and URLs, operands
// built from variables, and installs with no package operands (npm ci,
// npm install from package.json).

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkUnpinnedPackages() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-009",
			"Packages installed without pinned versions",
			finding.SeverityLow,
			finding.LayerContainer,
			"Unpinned packages make each build install whatever is newest: builds are not reproducible, "+
				"and a bad or malicious release goes in unnoticed.",
			"Pin each package to a version (apt-get install curl=8.5.0-2, apk add curl=8.5.0-r0, pip install requests==2.32.3, npm install -g pnpm@9.1.0), or install from a lock file.",
			hadolint("DL3008"),
			hadolint("DL3018"),
			hadolint("DL3013"),
			hadolint("DL3016"),
			hadolint("DL3028"),
			hadolint("DL3033"),
			hadolint("DL3037"),
			cwe(1357),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for s, in := range f.Instructions() {
				for _, c := range runShellCommands(in) {
					i, ok := installOf(c)
					if !ok {
						continue
					}
					pkgs := i.unpinned()
					if len(pkgs) == 0 {
						continue
					}
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("RUN in %s installs %s packages without pinned versions: %s", stageRef(s), i.manager, strings.Join(pkgs, ", ")),
						Line:          c.Line,
						Discriminator: s.Label() + "\x00" + i.manager + "\x00" + strings.Join(pkgs, " "),
					})
				}
			}
			return out
		},
	}
}
