package sast

// FC-SAST-003 maps gosec G402 issues "TLS Bad Cipher Suite: NAME": a
// crypto/tls.Config whose CipherSuites list names a suite outside gosec's
// list of modern AEAD suites with forward secrecy. Allowed: the ECDHE
// AES-GCM and ChaCha20-Poly1305 suites, or leaving CipherSuites unset.

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkTLSCipher() goCheck {
	return goCheck{
		Rules: []string{"G402"},
		Check: check.Check[gosecIssue]{
			Meta: check.New(
				"FC-SAST-003",
				"Insecure TLS cipher suite",
				finding.SeverityMedium,
				finding.LayerCode,
				"Cipher suites without forward secrecy or with CBC, RC4 or 3DES weaken every connection "+
					"that negotiates them.",
				"Leave tls.Config.CipherSuites unset (Go picks secure suites) or list only ECDHE suites with AES-GCM or ChaCha20-Poly1305.",
				cwe(327),
				gosecRef("G402"),
			),
			Eval: mapRule([]string{"G402"},
				func(what string) bool { return strings.HasPrefix(what, "TLS Bad Cipher Suite") },
				func(is gosecIssue) string {
					_, name, _ := strings.Cut(is.What, ": ")
					return "tls.Config allows the insecure cipher suite " + name
				}),
		},
	}
}
