package signature

// Inspects: the signatures found for the image's digest (the .sig tag and
// Sigstore bundle referrers).
// Allowed: at least one signature, when a key is given or a signature is
// required. Without either, nothing is reported.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkUnsigned() check.Check[*Result] {
	return check.Check[*Result]{
		Meta: check.New(
			"FC-SIG-001",
			"Image is not signed",
			finding.SeverityHigh,
			finding.LayerContainer,
			"No Cosign signature is stored for the image's digest, so nothing proves who built it or that it was not replaced in the registry.",
			"Sign the image by digest in the build pipeline (cosign sign --key KEY IMAGE@DIGEST) and verify the signature before deploying.",
			finding.Reference{Source: "SLSA v1.0 Build L2"},
			finding.Reference{Source: "NIST SP 800-190 4.2.3"},
			finding.Reference{Source: "CWE-345"},
		),
		Eval: func(r *Result) []check.Violation {
			if (!r.KeyGiven && !r.Required) || len(r.Signatures) > 0 {
				return nil
			}
			return []check.Violation{{Message: fmt.Sprintf("image %s@%s has no Cosign signature (no .sig tag, no signature referrers)", r.Image, r.Digest)}}
		},
	}
}
