package host

// FC-HOST-004 inspects /etc/os-release and the dpkg database
// (/var/lib/dpkg/status): on Debian and its derivatives (ID or ID_LIKE
// debian), the package unattended-upgrades must be installed
// ("install ok installed"). Other distributions, and nodes without a dpkg
// database, pass.

import (
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

const dpkgStatus = "/var/lib/dpkg/status"

func checkUnattendedUpgrades() check.Check[*Node] {
	return check.Check[*Node]{
		Meta: meta("FC-HOST-004", "Security updates are not installed automatically", finding.SeverityMedium,
			"Without unattended-upgrades a Debian or Ubuntu node keeps known-vulnerable packages until someone patches it by hand.",
			"Install unattended-upgrades (apt-get install unattended-upgrades) and enable it, or replace nodes from a patched image on a schedule.",
			ref("CIS Debian Linux 1.9"), ref("CWE-1104")),
		Eval: func(n *Node) []check.Violation {
			if !isDebianFamily(n.OSRelease()) {
				return nil
			}
			data, err := n.ReadFile(dpkgStatus, 256<<20)
			if err != nil {
				return nil
			}
			if dpkgInstalled(string(data), "unattended-upgrades") {
				return nil
			}
			return []check.Violation{{
				Message: "package unattended-upgrades must be installed on this Debian-family node",
				Field:   dpkgStatus,
			}}
		},
	}
}

func isDebianFamily(osr map[string]string) bool {
	if osr["ID"] == "debian" || osr["ID"] == "ubuntu" {
		return true
	}
	return slices.Contains(strings.Fields(osr["ID_LIKE"]), "debian")
}

// dpkgInstalled reports whether the dpkg status database lists pkg with
// status "install ok installed".
func dpkgInstalled(status, pkg string) bool {
	for stanza := range strings.SplitSeq(status, "\n\n") {
		var name, st string
		for line := range strings.SplitSeq(stanza, "\n") {
			if v, ok := strings.CutPrefix(line, "Package: "); ok {
				name = strings.TrimSpace(v)
			} else if v, ok := strings.CutPrefix(line, "Status: "); ok {
				st = strings.TrimSpace(v)
			}
		}
		if name == pkg && st == "install ok installed" {
			return true
		}
	}
	return false
}
