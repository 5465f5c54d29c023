package sast

// FC-SAST-001 maps gosec G402 issues "TLS InsecureSkipVerify set to true":
// a crypto/tls.Config literal or assignment whose InsecureSkipVerify field
// is the constant true. Allowed: false, unset, or a value only known at run
// time (gosec's low-confidence "may be set" is not reported).

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkTLSVerify() goCheck {
	return goCheck{
		Rules: []string{"G402"},
		Check: check.Check[gosecIssue]{
			Meta: check.New(
				"FC-SAST-001",
				"TLS certificate verification disabled",
				finding.SeverityHigh,
				finding.LayerCode,
				"A TLS client that skips certificate verification accepts any certificate, so anyone on the "+
					"network path can impersonate the server and read or change the traffic.",
				"Remove InsecureSkipVerify: true; trust a private CA by adding it to tls.Config.RootCAs instead.",
				cwe(295),
				gosecRef("G402"),
			),
			Eval: mapRule([]string{"G402"},
				func(what string) bool { return strings.Contains(what, "InsecureSkipVerify set to true") },
				func(gosecIssue) string {
					return "tls.Config sets InsecureSkipVerify to true, so server certificates are not verified"
				}),
		},
	}
}
