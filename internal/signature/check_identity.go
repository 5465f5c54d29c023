package signature

// Inspects: the docker-reference that a verified simple-signing payload
// names, compared by repository with the image being verified.
// Allowed: a valid signature for this digest whose payload names this
// repository (or names none). Only evaluated when a key is given.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkUnexpectedIdentity() check.Check[*Result] {
	return check.Check[*Result]{
		Meta: check.New(
			"FC-SIG-003",
			"Image signed for another identity",
			finding.SeverityHigh,
			finding.LayerContainer,
			"The only valid signatures for this digest were made for a different repository, so the signer vouched for the content under another name; the image may have been copied or promoted without being signed for where it runs.",
			"Sign the image for the repository it is deployed from, or deploy it from the repository it was signed for.",
			finding.Reference{Source: "SLSA v1.0 Build L2"},
			finding.Reference{Source: "CWE-345"},
		),
		Eval: func(r *Result) []check.Violation {
			if !r.KeyGiven {
				return nil
			}
			var others []string
			for _, s := range r.Signatures {
				if !s.Valid || s.Digest != r.Digest {
					continue
				}
				if s.identityOK(r.Image) {
					return nil
				}
				others = append(others, fmt.Sprintf("%q", s.Identity))
			}
			if len(others) == 0 {
				return nil
			}
			return []check.Violation{{Message: fmt.Sprintf("image %s is signed only for %s", r.Image, strings.Join(others, ", "))}}
		},
	}
}
