package image

// Inspects: the image's /etc/os-release (ID, VERSION_ID) against the table
// of end-of-support dates in os.go, on the scan's day.
// Allowed: a release whose end of security support is after today, or one
// the table does not know.

import (
	"fmt"
	"time"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkOSEOL() check.Check[osSubject] {
	return check.Check[osSubject]{
		Meta: check.New(
			"FC-IMG-006",
			"Image OS release is past its end of support",
			finding.SeverityHigh,
			finding.LayerContainer,
			"The distribution release the image is built on gets no more security updates; new vulnerabilities in its packages will never be fixed, and scanners may not even report them.",
			"Rebuild the image on a supported release of the distribution (change the FROM line's tag).",
			finding.Reference{Source: "NIST SP 800-190 4.1.1"},
			finding.Reference{Source: "CWE-1104"},
		),
		Eval: func(s osSubject) []check.Violation {
			if s.OS.EOL.IsZero() || s.Now.Before(s.OS.EOL) {
				return nil
			}
			return []check.Violation{{Message: fmt.Sprintf("%s reached its end of support on %s", s.OS.Name(), s.OS.EOL.Format(time.DateOnly))}}
		},
	}
}
