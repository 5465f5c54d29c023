package image

// Inspects: the image reference the user gave, for registry images.
// Allowed: a reference pinned by digest ("repo@sha256:..."). A reference by
// tag only (including an implied "latest") fails: tags are mutable.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkTagOnly() check.Check[Target] {
	return check.Check[Target]{
		Meta: check.New(
			"FC-IMG-007",
			"Image referenced by tag only",
			finding.SeverityLow,
			finding.LayerContainer,
			"A tag can be moved to other content at any time, so what was scanned (or signed) is not guaranteed to be what runs.",
			"Reference the image by digest (name:tag@sha256:...) in deployments and scans.",
			finding.Reference{Source: "NIST SP 800-190 4.2.2"},
			finding.Reference{Source: "CWE-494"},
		),
		Eval: func(t Target) []check.Violation {
			if t.Kind != KindRegistry || strings.Contains(t.Ref, "@") {
				return nil
			}
			return []check.Violation{{Message: fmt.Sprintf("image %q is referenced by a mutable tag, not a digest", t.Ref)}}
		},
	}
}
