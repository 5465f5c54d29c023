package host

// FC-HOST-008 inspects the node's modprobe configuration (*.conf in
// /etc/modprobe.d, /run/modprobe.d, /usr/local/lib/modprobe.d,
// /usr/lib/modprobe.d and /lib/modprobe.d, kmod's precedence): every
// module of cisModules must be disabled by an "install <module> /bin/false"
// (or /bin/true) line or a "blacklist <module>" line. One finding names
// every module left loadable.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// cisModules are the kernel modules the CIS Distribution Independent Linux
// and Debian/Ubuntu/RHEL benchmarks ask to disable (sections 1.1.1.x,
// rarely used file systems and USB storage; 3.4.x / 3.5.x, rarely used
// network protocols), as of the v2.0/v3.0 benchmarks of 2023-2024. Each
// entry says why it is on the list.
var cisModules = []struct{ Name, Why string }{
	{"cramfs", "file system (CIS 1.1.1.1)"},
	{"freevxfs", "file system (CIS 1.1.1.2)"},
	{"jffs2", "file system (CIS 1.1.1.3)"},
	{"hfs", "file system (CIS 1.1.1.4)"},
	{"hfsplus", "file system (CIS 1.1.1.5)"},
	{"squashfs", "file system (CIS 1.1.1.6)"},
	{"udf", "file system (CIS 1.1.1.7)"},
	{"usb-storage", "USB mass storage (CIS 1.1.1.8)"},
	{"dccp", "network protocol (CIS 3.4.1)"},
	{"sctp", "network protocol (CIS 3.4.2)"},
	{"rds", "network protocol (CIS 3.4.3)"},
	{"tipc", "network protocol (CIS 3.4.4)"},
}

func checkKernelModules() check.Check[*Node] {
	return check.Check[*Node]{
		Meta: meta("FC-HOST-008", "Rarely used kernel modules are not disabled", finding.SeverityMedium,
			"Every loadable file-system and network-protocol module is kernel code an attacker can reach: an unprivileged process (a container included) makes the kernel load dccp, sctp, rds or tipc just by opening a socket of that family, and a crafted image mounts cramfs or hfs. Local privilege escalations have come through exactly these modules (CVE-2017-6074 in dccp). The CIS Linux benchmarks list them; kube-bench and Trivy do not check the node OS this way. fourc rates it MEDIUM, not LOW, because on a Kubernetes node the untrusted code is already local. An install line to /bin/false or /bin/true, or a blacklist line, counts as disabled (CIS asks for both; install is the stronger one, blacklist alone only stops loading by alias). Modules built into the kernel cannot be seen from the file system.",
			"Add a file such as /etc/modprobe.d/cis.conf with, for each module listed, \"install <module> /bin/false\" and \"blacklist <module>\", then rebuild the initramfs.",
			ref("CIS Distribution Independent Linux 1.1.1, 3.4"), ref("CWE-1188")),
		Eval: func(n *Node) []check.Violation {
			rules := ModprobeConfig(n)
			var missing []string
			for _, m := range cisModules {
				if !rules[ModuleName(m.Name)].Disabled() {
					missing = append(missing, m.Name)
				}
			}
			if len(missing) == 0 {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("kernel modules %s must be disabled in /etc/modprobe.d (install <module> /bin/false, or blacklist <module>)", strings.Join(missing, ", ")),
				Field:   "/etc/modprobe.d",
			}}
		},
	}
}
