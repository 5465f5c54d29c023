package sast

// FC-SAST-012 maps gosec G403: rsa.GenerateKey with a constant size below
// 2048 bits. Allowed: 2048 bits or more.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRSAKeySize() goCheck {
	return goCheck{
		Rules: []string{"G403"},
		Check: check.Check[gosecIssue]{
			Meta: check.New(
				"FC-SAST-012",
				"RSA key shorter than 2048 bits",
				finding.SeverityMedium,
				finding.LayerCode,
				"RSA keys below 2048 bits are within reach of factoring and are rejected by current standards.",
				"Generate RSA keys of at least 2048 bits (3072 for long-lived keys), or use ECDSA P-256 / Ed25519.",
				cwe(326),
				gosecRef("G403"),
			),
			Eval: mapRule([]string{"G403"}, nil, func(gosecIssue) string {
				return "rsa.GenerateKey is called with fewer than 2048 bits"
			}),
		},
	}
}
