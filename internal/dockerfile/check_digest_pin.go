package dockerfile

// FC-DF-002 inspects the base image of every stage (FROM). It fires when a
// tagged reference carries no @sha256 digest. Allowed: a digest, scratch,
// earlier stages, and references whose ARGs have no default. A reference
// without any tag (or tagged latest) is left to FC-DF-001.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkDigestPin() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-002",
			"Base image is not pinned by digest",
			finding.SeverityLow,
			finding.LayerContainer,
			"A tag can be moved to different content at any time; only a digest names exactly the image "+
				"that was reviewed and scanned.",
			"Append the image digest to FROM (e.g. alpine:3.20@sha256:...) and let a bot such as Renovate or Dependabot update it.",
			cis("4.2"),
			cwe(494),
			cwe(1357),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for _, s := range f.Stages {
				im := s.Base
				if !im.External() || im.Digest != "" || im.Tag == "" || strings.EqualFold(im.Tag, "latest") {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("%s base image %q is not pinned by digest", stageRef(s), im.Ref),
					Line:          s.From.StartLine,
					Discriminator: s.Label() + "\x00" + im.Ref,
				})
			}
			return out
		},
	}
}
