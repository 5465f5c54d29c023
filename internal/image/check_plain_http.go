package image

// Inspects: how the registry was reached (the --insecure option, which
// lets the client fall back to plain HTTP).
// Allowed: TLS. A registry reached with insecure transport fails.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkPlainHTTP() check.Check[Target] {
	return check.Check[Target]{
		Meta: check.New(
			"FC-IMG-008",
			"Registry reached without TLS",
			finding.SeverityHigh,
			finding.LayerContainer,
			"Images pulled over plain HTTP can be read and replaced in transit; only a digest pin or a verified signature still protects them.",
			"Serve the registry over HTTPS with a trusted certificate and drop the insecure-registry setting.",
			finding.Reference{Source: "CWE-319"},
			finding.Reference{Source: "NIST SP 800-190 4.2.1"},
		),
		Eval: func(t Target) []check.Violation {
			if t.Kind != KindRegistry || !t.Insecure {
				return nil
			}
			return []check.Violation{{Message: fmt.Sprintf("registry of %q is reached without TLS (insecure transport)", t.Ref)}}
		},
	}
}
