package host

// FC-HOST-007 inspects kernel hardening parameters, live from /proc/sys on
// a running node or from the boot configuration (sysctl.d, sysctl.conf) of
// a disk snapshot: kernel.randomize_va_space=2, fs.protected_symlinks=1,
// fs.protected_hardlinks=1, fs.suid_dumpable=0, kernel.kptr_restrict>=1,
// kernel.dmesg_restrict=1, kernel.unprivileged_bpf_disabled>=1 and
// net.ipv4.conf.all.{accept_redirects,send_redirects,accept_source_route}=0.
// A parameter a snapshot does not set keeps the kernel's default and passes.

import (
	"fmt"
	"strconv"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

type sysctlRule struct {
	key  string
	want string // for the message
	ok   func(v int) bool
}

var sysctlRules = []sysctlRule{
	{"kernel.randomize_va_space", "2", func(v int) bool { return v == 2 }},
	{"fs.protected_symlinks", "1", func(v int) bool { return v == 1 }},
	{"fs.protected_hardlinks", "1", func(v int) bool { return v == 1 }},
	{"fs.suid_dumpable", "0", func(v int) bool { return v == 0 }},
	{"kernel.kptr_restrict", "1 or 2", func(v int) bool { return v >= 1 }},
	{"kernel.dmesg_restrict", "1", func(v int) bool { return v == 1 }},
	{"kernel.unprivileged_bpf_disabled", "1 or 2", func(v int) bool { return v >= 1 }},
	{"net.ipv4.conf.all.accept_redirects", "0", func(v int) bool { return v == 0 }},
	{"net.ipv4.conf.all.send_redirects", "0", func(v int) bool { return v == 0 }},
	{"net.ipv4.conf.all.accept_source_route", "0", func(v int) bool { return v == 0 }},
}

func checkSysctl() check.Check[*Node] {
	return check.Check[*Node]{
		Meta: meta("FC-HOST-007", "Kernel hardening parameter is weakened", finding.SeverityMedium,
			"Address-space randomisation, link protections, restricted kernel pointers and logs, and refusing ICMP redirects make a local exploit or a network attacker's job harder; turning them off helps container escapes and lateral movement.",
			"Set the parameter in a file under /etc/sysctl.d/ (e.g. 90-hardening.conf) and run sysctl --system.",
			ref("CIS Distribution Independent Linux 1.5.3, 3.2, 3.3"), ref("CWE-1188")),
		Eval: func(n *Node) []check.Violation {
			var out []check.Violation
			for _, r := range sysctlRules {
				v, ok := Sysctl(n, r.key)
				if !ok {
					continue
				}
				i, err := strconv.Atoi(v.Value)
				if err == nil && r.ok(i) {
					continue
				}
				where := "is set to"
				if v.Live {
					where = "is"
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("kernel parameter %s %s %q; it must be %s", r.key, where, v.Value, r.want),
					Field:         v.Path,
					Line:          v.Line,
					Discriminator: r.key,
				})
			}
			return out
		},
	}
}
