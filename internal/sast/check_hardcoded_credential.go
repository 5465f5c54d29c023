package sast

// FC-SAST-006 maps gosec G101: a string constant of high entropy assigned
// to (or compared with) a name like password, secret, token, apiKey or
// cred, or a string literal matching one of gosec's credential patterns
// (AWS keys, GitHub tokens, private key headers, …). Allowed: credentials
// read from the environment, a file or a secret store at run time.

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkHardcodedCredential() goCheck {
	return goCheck{
		Rules: []string{"G101"},
		Check: check.Check[gosecIssue]{
			Meta: check.New(
				"FC-SAST-006",
				"Hard-coded credential in Go code",
				finding.SeverityHigh,
				finding.LayerCode,
				"A credential in the source is readable by everyone with the code or the binary, survives "+
					"in version control history and cannot be rotated without a release.",
				"Read the credential at run time from the environment, a mounted file or a secret manager, and rotate the exposed one.",
				cwe(798),
				gosecRef("G101"),
			),
			Eval: mapRule([]string{"G101"}, nil, func(is gosecIssue) string {
				msg := "a credential is hard-coded in the source"
				if _, kind, ok := strings.Cut(is.What, ": "); ok {
					msg += " (" + kind + ")"
				}
				return msg
			}),
		},
	}
}
