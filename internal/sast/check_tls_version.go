package sast

// FC-SAST-002 maps gosec G402 issues "TLS MinVersion too low" and "TLS
// MaxVersion too low": a crypto/tls.Config whose MinVersion (or MaxVersion)
// is below TLS 1.2, including a MinVersion left unset where the Go version
// in use still defaults to an older protocol. Allowed: tls.VersionTLS12 or
// tls.VersionTLS13.

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkTLSVersion() goCheck {
	return goCheck{
		Rules: []string{"G402"},
		Check: check.Check[gosecIssue]{
			Meta: check.New(
				"FC-SAST-002",
				"TLS version below 1.2 allowed",
				finding.SeverityMedium,
				finding.LayerCode,
				"TLS 1.0 and 1.1 are deprecated (RFC 8996) and rely on weak constructions; allowing them "+
					"lets an attacker downgrade connections.",
				"Set tls.Config.MinVersion to tls.VersionTLS12 or higher and do not cap MaxVersion below it.",
				cwe(326),
				gosecRef("G402"),
				finding.Reference{Source: "RFC 8996", URL: "https://www.rfc-editor.org/rfc/rfc8996"},
			),
			Eval: mapRule([]string{"G402"},
				func(what string) bool { return strings.Contains(what, "Version too low") },
				func(is gosecIssue) string {
					field := "MinVersion"
					if strings.Contains(is.What, "MaxVersion") {
						field = "MaxVersion"
					}
					return "tls.Config " + field + " allows a TLS version below 1.2"
				}),
		},
	}
}
