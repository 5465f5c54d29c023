package host

// FC-HOST-011 inspects KbdInteractiveAuthentication of sshd_config and its
// deprecated alias ChallengeResponseAuthentication (whichever sshd reads
// first wins, Include followed), globally and under every Match block:
// "yes" fails. Unset, the OpenSSH default is yes, which fails only when
// UsePAM is yes (without PAM, keyboard-interactive has no password method
// on Linux). Nodes without sshd pass.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkSSHKbdInteractive() check.Check[*Node] {
	return check.Check[*Node]{
		Meta: meta("FC-HOST-011", "SSH server accepts keyboard-interactive (challenge-response) logins", finding.SeverityMedium,
			"With KbdInteractiveAuthentication (formerly ChallengeResponseAuthentication) on and PAM in use, sshd asks for the account password through PAM, so PasswordAuthentication no alone does not stop password guessing. fourc rates it MEDIUM, like accepting passwords (FC-HOST-002), which it is in effect; the CIS Linux benchmarks check it beside PasswordAuthentication, kube-bench does not check sshd.",
			"Set KbdInteractiveAuthentication no in /etc/ssh/sshd_config (and remove ChallengeResponseAuthentication yes), unless a second factor is wired through PAM on purpose.",
			ref("CIS Distribution Independent Linux 5.2 (SSH server)"), ref("CWE-307")),
		Eval: func(n *Node) []check.Violation {
			c := ReadSSHDConfig(n)
			if !c.Present {
				return nil
			}
			var out []check.Violation
			s, kw, set := c.First("KbdInteractiveAuthentication", "ChallengeResponseAuthentication")
			switch {
			case set && strings.EqualFold(s.Value, "yes"):
				out = append(out, check.Violation{
					Message: fmt.Sprintf("sshd must not set keyboard-interactive authentication on (%s)", kw+" "+s.Value),
					Field:   s.Path, Line: s.Line,
				})
			case !set && strings.EqualFold(c.Effective("UsePAM", "no").Value, "yes"):
				pam := c.Effective("UsePAM", "no")
				out = append(out, check.Violation{
					Message: "sshd must set KbdInteractiveAuthentication no: it is unset (sshd's default is yes) and UsePAM is yes",
					Field:   pam.Path, Line: pam.Line,
				})
			}
			for _, k := range []string{"kbdinteractiveauthentication", "challengeresponseauthentication"} {
				for _, m := range c.Matched[k] {
					if strings.EqualFold(m.Value, "yes") {
						out = append(out, check.Violation{
							Message: fmt.Sprintf("sshd must not turn keyboard-interactive authentication on under %q", m.Match),
							Field:   m.Path, Line: m.Line, Discriminator: m.Match,
						})
					}
				}
			}
			return out
		},
	}
}
