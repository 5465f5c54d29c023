package sast

// FC-SAST-005 maps gosec G405: calls to crypto/des (des.NewCipher,
// des.NewTripleDESCipher) and crypto/rc4 (rc4.NewCipher). Allowed: AES-GCM,
// ChaCha20-Poly1305.

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkWeakCipher() goCheck {
	return goCheck{
		Rules: []string{"G405"},
		Check: check.Check[gosecIssue]{
			Meta: check.New(
				"FC-SAST-005",
				"Broken cipher (DES, 3DES or RC4)",
				finding.SeverityHigh,
				finding.LayerCode,
				"DES keys can be brute-forced, 3DES has a 64-bit block open to Sweet32, and RC4's keystream "+
					"is biased: data they protect can be recovered.",
				"Encrypt with AES-GCM (crypto/aes + crypto/cipher.NewGCM) or ChaCha20-Poly1305.",
				cwe(327),
				gosecRef("G405"),
			),
			Eval: mapRule([]string{"G405"}, nil, func(is gosecIssue) string {
				name := "DES"
				switch code := strings.ToLower(is.Code); {
				case strings.Contains(code, "rc4"):
					name = "RC4"
				case strings.Contains(code, "tripledes"):
					name = "3DES"
				}
				return "uses the broken cipher " + name
			}),
		},
	}
}
