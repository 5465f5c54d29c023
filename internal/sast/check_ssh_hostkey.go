package sast

// FC-SAST-010 maps gosec G106: golang.org/x/crypto/ssh.InsecureIgnoreHostKey
// used as a HostKeyCallback. Allowed: ssh.FixedHostKey or a known_hosts
// callback (golang.org/x/crypto/ssh/knownhosts).

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkSSHHostKey() goCheck {
	return goCheck{
		Rules: []string{"G106"},
		Check: check.Check[gosecIssue]{
			Meta: check.New(
				"FC-SAST-010",
				"SSH host key not verified",
				finding.SeverityHigh,
				finding.LayerCode,
				"An SSH client that accepts any host key connects to whoever answers, handing over "+
					"credentials and commands to a man in the middle.",
				"Verify host keys with golang.org/x/crypto/ssh/knownhosts or ssh.FixedHostKey.",
				cwe(322),
				gosecRef("G106"),
			),
			Eval: mapRule([]string{"G106"}, nil, func(gosecIssue) string {
				return "ssh.InsecureIgnoreHostKey accepts any host key"
			}),
		},
	}
}
