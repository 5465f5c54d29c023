package host

// FC-HOST-002 inspects the global PasswordAuthentication of sshd_config
// and every Match block's: "yes", or unset (sshd's default is yes), fails;
// "no" passes. Nodes without sshd pass.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkSSHPasswordAuth() check.Check[*Node] {
	return check.Check[*Node]{
		Meta: meta("FC-HOST-002", "SSH server accepts passwords", finding.SeverityMedium,
			"Password logins can be brute-forced or replayed from phished credentials; keys bound to people (or no SSH at all on cluster nodes) cannot.",
			"Set PasswordAuthentication no in /etc/ssh/sshd_config and use SSH keys or a session manager.",
			ref("CIS Distribution Independent Linux 5.2.11"), ref("CWE-307")),
		Eval: func(n *Node) []check.Violation {
			c := ReadSSHDConfig(n)
			if !c.Present {
				return nil
			}
			var out []check.Violation
			s := c.Effective("PasswordAuthentication", "yes")
			if strings.EqualFold(s.Value, "yes") {
				msg := "sshd must set PasswordAuthentication no (it is unset, and sshd's default is yes)"
				field := SSHDConfigPath
				if s.Path != "" {
					msg = fmt.Sprintf("sshd must not set PasswordAuthentication %s", s.Value)
					field = s.Path
				}
				if !n.Exists(SSHDConfigPath) {
					field = ""
				}
				out = append(out, check.Violation{Message: msg, Field: field, Line: s.Line})
			}
			for _, m := range c.Matched["passwordauthentication"] {
				if strings.EqualFold(m.Value, "yes") {
					out = append(out, check.Violation{
						Message: fmt.Sprintf("sshd must not set PasswordAuthentication yes under %q", m.Match),
						Field:   m.Path, Line: m.Line, Discriminator: m.Match,
					})
				}
			}
			return out
		},
	}
}
