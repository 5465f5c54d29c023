package signature

// Inspects: every signature found for the image, verified with the given
// public key: the signature over the payload (or bundle) and the image
// digest the payload names.
// Allowed: at least one signature that verifies with the key and covers
// this image's digest. Only evaluated when a key is given.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkInvalidSignature() check.Check[*Result] {
	return check.Check[*Result]{
		Meta: check.New(
			"FC-SIG-002",
			"Image signature does not verify",
			finding.SeverityCritical,
			finding.LayerContainer,
			"The image has signatures, but none verifies with the trusted key for this image's digest: it was signed with another key, or the image or signature was tampered with.",
			"Do not deploy the image; find out who pushed it, and re-sign the genuine image with the expected key.",
			finding.Reference{Source: "SLSA v1.0 Build L2"},
			finding.Reference{Source: "CWE-347"},
		),
		Eval: func(r *Result) []check.Violation {
			if !r.KeyGiven || len(r.Signatures) == 0 {
				return nil
			}
			var why []string
			for _, s := range r.Signatures {
				switch {
				case s.Valid && s.Digest == r.Digest:
					return nil
				case s.Valid:
					why = append(why, fmt.Sprintf("%s: signs digest %s, not this image", s.Source, s.Digest))
				default:
					why = append(why, fmt.Sprintf("%s: %s", s.Source, s.Error))
				}
			}
			return []check.Violation{{Message: fmt.Sprintf("no signature of %s@%s verifies with the key (%s)", r.Image, r.Digest, strings.Join(why, "; "))}}
		},
	}
}
