package host

// FC-HOST-004 inspects whether the node applies security updates by
// itself, per distribution family (os-release ID and ID_LIKE):
//   - Debian, Ubuntu: unattended-upgrades installed (/var/lib/dpkg/status,
//     "install ok installed"), APT::Periodic::Update-Package-Lists and
//     APT::Periodic::Unattended-Upgrade set to a non-zero interval in
//     /etc/apt/apt.conf.d (apt's order, last wins), and apt-daily.timer /
//     apt-daily-upgrade.timer not masked in /etc/systemd/system;
//   - Fedora, RHEL and their rebuilds: dnf-automatic-install.timer enabled
//     (/etc/systemd/system/timers.target.wants), or dnf-automatic.timer
//     enabled with apply_updates = yes in /etc/dnf/automatic.conf (dnf5:
//     dnf5-automatic.timer and /etc/dnf/dnf5-plugins/automatic.conf);
//   - SUSE: a zypper or transactional-update timer enabled, or a cron job
//     (/etc/crontab, /etc/cron.d, /etc/cron.{hourly,daily,weekly}) running
//     zypper patch/update.
// Image-based OSes (see FC-HOST-009), other distributions, and nodes
// without os-release pass: they update by replacing the image, or the
// check cannot tell.

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

const dpkgStatus = "/var/lib/dpkg/status"

const timersWants = "/etc/systemd/system/timers.target.wants"

func checkUnattendedUpgrades() check.Check[*Node] {
	return check.Check[*Node]{
		Meta: meta("FC-HOST-004", "Security updates are not applied automatically", finding.SeverityMedium,
			"Without automatic updates a node keeps known-vulnerable packages until someone patches it by hand. Having the tool installed is not enough: on Debian unattended-upgrades does nothing until APT::Periodic enables it, and dnf-automatic only downloads unless apply_updates is yes or the install timer is enabled. MEDIUM, as the CIS Linux benchmarks treat patch management; nodes replaced from a patched image on a schedule meet the same goal (image-based OSes pass).",
			"Debian/Ubuntu: install unattended-upgrades and set APT::Periodic::Update-Package-Lists \"1\" and APT::Periodic::Unattended-Upgrade \"1\" (dpkg-reconfigure unattended-upgrades writes /etc/apt/apt.conf.d/20auto-upgrades). Fedora/RHEL: systemctl enable --now dnf-automatic-install.timer. SUSE: enable a zypper patch timer or cron job. Or replace nodes from a patched image on a schedule.",
			ref("CIS Distribution Independent Linux 1.9"), ref("CWE-1104")),
		Eval: func(n *Node) []check.Violation {
			if Immutable(n) != "" && !readOnlyRootOnly(n) {
				return nil
			}
			osr := n.OSRelease()
			switch {
			case isDebianFamily(osr):
				return aptUpdates(n)
			case osFamily(osr, "fedora", "rhel", "centos"):
				return dnfUpdates(n)
			case osFamily(osr, "suse", "opensuse", "sles"):
				return zypperUpdates(n)
			}
			return nil
		},
	}
}

// readOnlyRootOnly reports whether the node counts as immutable only for
// its read-only root mount: it still updates packages in place.
func readOnlyRootOnly(n *Node) bool {
	return !strings.HasPrefix(Immutable(n), "image-based")
}

func aptUpdates(n *Node) []check.Violation {
	data, err := n.ReadFile(dpkgStatus, 256<<20)
	if err == nil && !dpkgInstalled(string(data), "unattended-upgrades") {
		return []check.Violation{{
			Message: "package unattended-upgrades must be installed on this Debian-family node",
			Field:   dpkgStatus,
		}}
	}
	var out []check.Violation
	cfg := APTConfig(n)
	for _, opt := range []string{"APT::Periodic::Update-Package-Lists", "APT::Periodic::Unattended-Upgrade"} {
		v, ok := cfg[strings.ToLower(opt)]
		switch {
		case !ok:
			out = append(out, check.Violation{
				Message:       fmt.Sprintf("%s must be set to \"1\" in /etc/apt/apt.conf.d (it is unset, so apt never runs it)", opt),
				Field:         "/etc/apt/apt.conf.d",
				Discriminator: opt,
			})
		case v.Value == "" || v.Value == "0":
			out = append(out, check.Violation{
				Message: fmt.Sprintf("%s must be \"1\", not %q", opt, v.Value),
				Field:   v.Path, Line: v.Line,
				Discriminator: opt,
			})
		}
	}
	for _, unit := range []string{"apt-daily.timer", "apt-daily-upgrade.timer"} {
		if p := "/etc/systemd/system/" + unit; masked(n, p) {
			out = append(out, check.Violation{Message: fmt.Sprintf("%s is masked (a link to /dev/null), so apt's periodic jobs never run", unit), Field: p})
		}
	}
	return out
}

func dnfUpdates(n *Node) []check.Violation {
	for _, t := range []string{"dnf-automatic-install.timer", "dnf5-automatic-install.timer"} {
		if n.Exists(timersWants + "/" + t) {
			return nil
		}
	}
	for _, t := range []struct{ timer, conf string }{
		{"dnf-automatic.timer", "/etc/dnf/automatic.conf"},
		{"dnf5-automatic.timer", "/etc/dnf/dnf5-plugins/automatic.conf"},
		{"dnf5-automatic.timer", "/etc/dnf/automatic.conf"},
	} {
		if !n.Exists(timersWants + "/" + t.timer) {
			continue
		}
		if v, ok := iniValue(n, t.conf, "commands", "apply_updates"); ok && isYes(v) {
			return nil
		}
		return []check.Violation{{
			Message: fmt.Sprintf("%s is enabled but %s does not set apply_updates = yes in [commands], so updates are only downloaded", t.timer, t.conf),
			Field:   t.conf,
		}}
	}
	return []check.Violation{{
		Message: "no dnf-automatic timer is enabled (dnf-automatic-install.timer, or dnf-automatic.timer with apply_updates = yes) in " + timersWants,
		Field:   timersWants,
	}}
}

func zypperUpdates(n *Node) []check.Violation {
	timers, _ := n.Glob(timersWants + "/*.timer")
	for _, t := range timers {
		b := path.Base(t)
		if strings.Contains(b, "zypper") || strings.HasPrefix(b, "transactional-update") {
			return nil
		}
	}
	files := []string{"/etc/crontab"}
	for _, d := range []string{"/etc/cron.d", "/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly"} {
		more, _ := n.Glob(d + "/*")
		files = append(files, more...)
	}
	for _, f := range files {
		data, err := n.ReadFile(f, 1<<20)
		if err != nil {
			continue
		}
		for line := range strings.SplitSeq(string(data), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			if strings.Contains(line, "zypper") && (strings.Contains(line, "patch") || strings.Contains(line, " up") || strings.Contains(line, "update")) {
				return nil
			}
		}
	}
	return []check.Violation{{
		Message: "no timer or cron job runs zypper patch or update (" + timersWants + ", /etc/cron.*)",
		Field:   timersWants,
	}}
}

// masked reports whether the systemd unit file p is a link to /dev/null.
func masked(n *Node, p string) bool {
	target, err := fs.ReadLink(n.FS(), clean(p))
	return err == nil && path.Clean(target) == "/dev/null"
}

// iniValue reads key in [section] of an INI file such as dnf's
// automatic.conf; the last assignment wins.
func iniValue(n *Node, file, section, key string) (string, bool) {
	data, err := n.ReadFile(file, 1<<20)
	if err != nil {
		return "", false
	}
	var cur, val string
	found := false
	for line := range strings.SplitSeq(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			cur = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if ok && cur == section && strings.TrimSpace(k) == key {
			val, found = strings.TrimSpace(v), true
		}
	}
	return val, found
}

func isYes(v string) bool {
	return slices.Contains([]string{"yes", "true", "1", "on"}, strings.ToLower(v))
}

func isDebianFamily(osr map[string]string) bool {
	return osFamily(osr, "debian", "ubuntu")
}

// osFamily reports whether os-release's ID or one of ID_LIKE is among ids.
func osFamily(osr map[string]string, ids ...string) bool {
	for _, id := range append([]string{osr["ID"]}, strings.Fields(osr["ID_LIKE"])...) {
		id = strings.ToLower(strings.Trim(id, `"`))
		for _, want := range ids {
			if id == want || strings.HasPrefix(id, want+"-") {
				return true
			}
		}
	}
	return false
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
