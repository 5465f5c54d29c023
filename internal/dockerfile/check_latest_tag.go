package dockerfile

// FC-DF-001 inspects the base image of every stage (FROM). It fires when
// the reference has neither a digest nor a tag (so "latest" is pulled) or
// when its tag is "latest". Allowed: any other tag, any digest, scratch,
// earlier stages, and references whose ARGs have no default (unknowable).

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkLatestTag() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-001",
			"Base image uses the latest tag or no tag",
			finding.SeverityMedium,
			finding.LayerContainer,
			"A base image without a tag, or tagged latest, changes under the build without notice: "+
				"builds stop being reproducible and may pick up a broken or compromised release.",
			"Name a specific version tag in FROM (e.g. alpine:3.20), and preferably pin it by digest.",
			cis("4.2"),
			hadolint("DL3006"),
			hadolint("DL3007"),
			cwe(1357),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for _, s := range f.Stages {
				im := s.Base
				if !im.External() || im.Digest != "" {
					continue
				}
				var msg string
				switch {
				case im.Tag == "":
					msg = fmt.Sprintf("%s base image %q has no tag, so %q is pulled", stageRef(s), im.Ref, "latest")
				case strings.EqualFold(im.Tag, "latest"):
					msg = fmt.Sprintf("%s base image %q uses the mutable tag %q", stageRef(s), im.Ref, im.Tag)
				default:
					continue
				}
				out = append(out, check.Violation{Message: msg, Line: s.From.StartLine, Discriminator: s.Label() + "\x00" + im.Ref})
			}
			return out
		},
	}
}
