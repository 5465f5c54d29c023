package host

// FC-HOST-012 inspects the node's mandatory access control as the root
// file system configures it:
//   - the kernel command line: /proc/cmdline on a live root, else
//     GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT of /etc/default/grub
//     (and /etc/default/grub.d/*.cfg): selinux=0, enforcing=0, apparmor=0,
//     or security= naming neither selinux nor apparmor, fail;
//   - SELinux: /etc/selinux/config with SELINUX=enforcing passes,
//     permissive or disabled fails; the live /sys/fs/selinux/enforce wins
//     when the root has it;
//   - AppArmor (no SELinux config): /etc/apparmor.d present and, on a
//     dpkg-based node, the apparmor package installed, passes;
//   - neither fails.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkMAC() check.Check[*Node] {
	return check.Check[*Node]{
		Meta: meta("FC-HOST-012", "Node has no enforcing SELinux or AppArmor", finding.SeverityMedium,
			"Container runtimes confine each container with an SELinux label or the AppArmor profile runtime/default only when the node's kernel enforces that module; without it a container escape meets no second wall. MEDIUM, as the CIS Linux benchmarks (1.6, Level 1) and the NSA/CISA guide treat it; kube-bench leaves the node OS out. What a root file system proves is the configuration the node boots with (the SELinux mode in /etc/selinux/config, the kernel command line in /etc/default/grub, the AppArmor profiles and package installed), not the mode the running kernel is in: a boot loader configured elsewhere, or a setenforce 0 at run time, is invisible. On a live root (/proc and /sys mounted inside it) the kernel's own command line and SELinux mode are read instead.",
			"RHEL/Fedora: set SELINUX=enforcing in /etc/selinux/config and remove selinux=0/enforcing=0 from the kernel command line. Debian/Ubuntu/SUSE: install apparmor (apparmor-utils) and remove apparmor=0 or security= settings from GRUB_CMDLINE_LINUX; then reboot.",
			ref("CIS Distribution Independent Linux 1.6"), ref("NSA/CISA Kubernetes Hardening Guidance")),
		Eval: func(n *Node) []check.Violation {
			cmdline, where := kernelCmdline(n)
			for _, arg := range cmdline {
				k, v, _ := strings.Cut(arg, "=")
				switch {
				case (k == "selinux" || k == "enforcing" || k == "apparmor") && v == "0",
					k == "security" && v != "selinux" && v != "apparmor":
					return []check.Violation{{Message: fmt.Sprintf("the kernel command line in %s turns mandatory access control off (%s)", where, arg), Field: where}}
				}
			}
			if mode, p, ok := selinuxMode(n); ok {
				if mode == "enforcing" {
					return nil
				}
				return []check.Violation{{Message: fmt.Sprintf("SELinux must be enforcing, not %s (%s)", mode, p), Field: p}}
			}
			if n.Exists("/etc/apparmor.d") {
				data, err := n.ReadFile(dpkgStatus, 256<<20)
				if err != nil || dpkgInstalled(string(data), "apparmor") {
					return nil
				}
				return []check.Violation{{Message: "/etc/apparmor.d exists but the apparmor package is not installed, so no profile is loaded at boot", Field: dpkgStatus}}
			}
			return []check.Violation{{Message: "neither SELinux (/etc/selinux/config) nor AppArmor (/etc/apparmor.d and the apparmor package) is set up on this node", Field: "/etc/selinux/config"}}
		},
	}
}

// kernelCmdline returns the node's kernel arguments and where they were
// read: the live /proc/cmdline, else the GRUB defaults.
func kernelCmdline(n *Node) ([]string, string) {
	if data, err := n.ReadFile("/proc/cmdline", 64<<10); err == nil {
		return strings.Fields(string(data)), "/proc/cmdline"
	}
	var args []string
	where := "/etc/default/grub"
	files := []string{"/etc/default/grub"}
	more, _ := n.Glob("/etc/default/grub.d/*.cfg")
	files = append(files, more...)
	for _, f := range files {
		data, err := n.ReadFile(f, 1<<20)
		if err != nil {
			continue
		}
		for line := range strings.SplitSeq(string(data), "\n") {
			k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
			if !ok || (k != "GRUB_CMDLINE_LINUX" && k != "GRUB_CMDLINE_LINUX_DEFAULT") {
				continue
			}
			for _, a := range strings.Fields(strings.Trim(v, `"'`)) {
				args = append(args, a)
				if f != where && (strings.HasSuffix(a, "=0") || strings.HasPrefix(a, "security=")) {
					where = f
				}
			}
		}
	}
	return args, where
}

// selinuxMode returns the SELinux mode: the live one from
// /sys/fs/selinux/enforce, else SELINUX= of /etc/selinux/config.
func selinuxMode(n *Node) (mode, where string, ok bool) {
	if data, err := n.ReadFile("/sys/fs/selinux/enforce", 16); err == nil {
		if strings.TrimSpace(string(data)) == "1" {
			return "enforcing", "/sys/fs/selinux/enforce", true
		}
		return "permissive", "/sys/fs/selinux/enforce", true
	}
	data, err := n.ReadFile("/etc/selinux/config", 1<<20)
	if err != nil {
		return "", "", false
	}
	mode = "disabled"
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, found := strings.CutPrefix(strings.TrimSpace(line), "SELINUX="); found {
			mode = strings.ToLower(strings.Trim(strings.TrimSpace(v), `"'`))
		}
	}
	return mode, "/etc/selinux/config", true
}
