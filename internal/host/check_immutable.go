package host

// FC-HOST-009 inspects /etc/os-release (or /usr/lib/os-release: ID,
// VARIANT_ID) and /etc/fstab: a node runs an image-based, immutable OS
// (Bottlerocket, Flatcar, Talos, Container-Optimized OS, Fedora CoreOS,
// RHCOS, openSUSE MicroOS and their kin, see immutableOSes) or mounts its
// root file system read-only. Either passes, and is reported as the fact
// "immutable-os"; neither fails.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkImmutableOS() check.Check[*Node] {
	return check.Check[*Node]{
		Meta: meta("FC-HOST-009", "Node does not run an immutable, minimal OS", finding.SeverityLow,
			"A general-purpose distribution with a writable root lets anyone who reaches root on the node install tools and persist across reboots, and it drifts from its image as packages are added by hand. Image-based OSes made for containers (Bottlerocket, Flatcar, Talos, Container-Optimized OS, Fedora CoreOS/RHCOS, openSUSE MicroOS) mount the root read-only, ship a fraction of the packages, and update atomically. The CIS Kubernetes Benchmark and NSA/CISA hardening guide recommend minimal node images but no benchmark scores it, so fourc reports it as LOW: a defence-in-depth gap, not a flaw. A read-only root mount in /etc/fstab counts as immutable too.",
			"Run the nodes on an image-based OS made for containers (most managed Kubernetes services offer one), or mount the root file system read-only and keep state on separate mounts.",
			ref("NSA/CISA Kubernetes Hardening Guidance (immutable container hosts)"), ref("NIST SP 800-190 4.5")),
		Eval: func(n *Node) []check.Violation {
			if Immutable(n) != "" {
				return nil
			}
			name := n.OSRelease()["PRETTY_NAME"]
			if name == "" {
				name = "an unidentified OS (no os-release)"
			}
			return []check.Violation{{
				Message: "node runs " + name + " with a writable root file system; it is neither an image-based immutable OS nor mounted read-only in /etc/fstab",
				Field:   "/etc/os-release",
			}}
		},
	}
}
