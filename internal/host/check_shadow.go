package host

// FC-HOST-003 inspects /etc/shadow: its permissions must be 0640 or
// stricter, its owner uid 0 and its group root or shadow. A node without
// /etc/shadow passes.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkShadowPermissions() check.Check[*Node] {
	return check.Check[*Node]{
		Meta: meta("FC-HOST-003", "Password hashes are readable or writable by other users", finding.SeverityHigh,
			"/etc/shadow holds every local account's password hash; if others can read it the hashes can be cracked offline, and if they can write it any account can be taken over.",
			"Run chown root:shadow /etc/shadow (root:root on distributions without a shadow group) and chmod 0640 /etc/shadow.",
			ref("CIS Distribution Independent Linux 6.1.3"), ref("CWE-732")),
		Eval: func(n *Node) []check.Violation {
			const p = "/etc/shadow"
			fi, err := n.Stat(p)
			if err != nil {
				return nil
			}
			var out []check.Violation
			if fi.Exceeds(0o640) {
				out = append(out, check.Violation{
					Message: fmt.Sprintf("%s must have mode 0640 or stricter, not %s", p, modeString(fi)),
					Field:   p, Discriminator: "mode",
				})
			}
			if fi.HasOwner {
				group := n.GroupName(fi.GID)
				if fi.UID != 0 || (fi.GID != 0 && group != "shadow") {
					out = append(out, check.Violation{
						Message: fmt.Sprintf("%s must be owned by root:shadow or root:root, not %s", p, n.OwnerString(fi)),
						Field:   p, Discriminator: "owner",
					})
				}
			}
			return out
		},
	}
}
