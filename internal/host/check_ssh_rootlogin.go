package host

// FC-HOST-001 inspects the global PermitRootLogin of sshd_config (first
// value wins, Include followed) and every Match block's: "yes" fails;
// "no", "prohibit-password" (the default), "without-password" and
// "forced-commands-only" pass.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkSSHRootLogin() check.Check[*Node] {
	return check.Check[*Node]{
		Meta: meta("FC-HOST-001", "SSH server allows root to log in with a password", finding.SeverityHigh,
			"PermitRootLogin yes lets anyone who guesses or steals the root password take the node over directly, with no per-user audit trail.",
			"Set PermitRootLogin no (or prohibit-password) in /etc/ssh/sshd_config and log in as a named user.",
			ref("CIS Distribution Independent Linux 5.2.10"), ref("CWE-250")),
		Eval: func(n *Node) []check.Violation {
			c := ReadSSHDConfig(n)
			if !c.Present {
				return nil
			}
			var out []check.Violation
			s := c.Effective("PermitRootLogin", "prohibit-password")
			if strings.EqualFold(s.Value, "yes") {
				out = append(out, check.Violation{
					Message: fmt.Sprintf("sshd must not set PermitRootLogin %s", s.Value),
					Field:   s.Path, Line: s.Line,
				})
			}
			for _, m := range c.Matched["permitrootlogin"] {
				if strings.EqualFold(m.Value, "yes") {
					out = append(out, check.Violation{
						Message: fmt.Sprintf("sshd must not set PermitRootLogin yes under %q", m.Match),
						Field:   m.Path, Line: m.Line, Discriminator: m.Match,
					})
				}
			}
			return out
		},
	}
}
