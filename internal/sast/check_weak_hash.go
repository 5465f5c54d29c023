package sast

// FC-SAST-004 maps gosec G401 (crypto/md5 and crypto/sha1 used) and G406
// (golang.org/x/crypto/md4 and ripemd160 used): calls such as md5.New,
// md5.Sum, sha1.New, sha1.Sum, md4.New. Allowed: SHA-256 and stronger, or
// HMAC/KDF constructions chosen for the purpose.

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkWeakHash() goCheck {
	return goCheck{
		Rules: []string{"G401", "G406"},
		Check: check.Check[gosecIssue]{
			Meta: check.New(
				"FC-SAST-004",
				"Weak hash function",
				finding.SeverityMedium,
				finding.LayerCode,
				"MD5, SHA-1, MD4 and RIPEMD-160 have practical collision attacks; used for signatures, "+
					"integrity or passwords they can be forged or brute-forced.",
				"Use SHA-256 or stronger (crypto/sha256, crypto/sha512); hash passwords with bcrypt, scrypt or argon2.",
				cwe(328),
				gosecRef("G401"),
				gosecRef("G406"),
			),
			Eval: mapRule([]string{"G401", "G406"}, nil, func(is gosecIssue) string {
				name := "MD5"
				switch code := strings.ToLower(is.Code); {
				case is.Rule == "G401" && strings.Contains(code, "sha1"):
					name = "SHA-1"
				case is.Rule == "G406" && strings.Contains(code, "md4"):
					name = "MD4"
				case is.Rule == "G406":
					name = "RIPEMD-160"
				}
				return "uses the weak hash function " + name
			}),
		},
	}
}
