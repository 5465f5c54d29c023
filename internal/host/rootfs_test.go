package host_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/controlplane"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/host"
	"github.com/fourc-dev/fourc/internal/image/imagetest"
)

// unpackDebian unpacks the real Debian root filesystem (debootstrap
// minbase, built once and cached by imagetest) into a new directory, with
// its modes and, when running as root, its owners.
func unpackDebian(t *testing.T) string {
	t.Helper()
	tarball := imagetest.DebianRootfs(t)
	root := t.TempDir()
	args := []string{"-xf", tarball, "-C", root, "--numeric-owner", "--exclude=./dev/*"}
	if os.Geteuid() == 0 {
		args = append(args, "--same-owner", "--same-permissions")
	}
	if out, err := exec.Command("tar", args...).CombinedOutput(); err != nil {
		t.Fatalf("unpacking %s: %v\n%s", tarball, err, out)
	}
	return root
}

// put writes a file below root with mode (set explicitly, past the umask).
func put(t *testing.T, root, name, data string, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(root, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

// socket makes a Unix socket file below root with mode, as a container
// runtime leaves one; the listener is closed without removing the file.
func socket(t *testing.T, root, name string, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(root, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: p, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	l.Close()
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

// hardeningSysctl sets every kernel parameter FC-HOST-007 inspects.
const hardeningSysctl = `kernel.randomize_va_space = 2
fs.protected_symlinks = 1
fs.protected_hardlinks = 1
fs.suid_dumpable = 0
kernel.kptr_restrict = 2
kernel.dmesg_restrict = 1
kernel.unprivileged_bpf_disabled = 1
net.ipv4.conf.all.accept_redirects = 0
net.ipv4.conf.all.send_redirects = 0
net.ipv4.conf.all.accept_source_route = 0
`

// unattendedUpgrades is the dpkg database entry `apt-get install
// unattended-upgrades` leaves behind.
const unattendedUpgrades = `
Package: unattended-upgrades
Status: install ok installed
Priority: optional
Section: admin
Installed-Size: 318
Maintainer: Debian Python Team <team+python@tracker.debian.org>
Architecture: all
Version: 2.9.1+nmu3
Depends: debconf (>= 0.5) | debconf-2.0, debconf, python3, python3-apt (>= 1.9.6~), python3-dbus, python3-distro-info, ucf, lsb-release, lsb-base, xz-utils
Description: automatic installation of security upgrades
`

// scanLikeCLI scans root as `fourc host ROOT` does: the OS checks and the
// control-plane suite.
func scanLikeCLI(t *testing.T, root string) ([]finding.Finding, []finding.Skipped) {
	t.Helper()
	suite := controlplane.NewSuite(controlplane.Options{})
	fs, skipped, err := host.Scan(context.Background(), root, host.Options{Suites: []host.Suite{suite}})
	if err != nil {
		t.Fatalf("scanning %s: %v", root, err)
	}
	return fs, skipped
}

// TestDebianRootfsHardenedAndWeak scans two copies of a real Debian root
// filesystem the way `fourc host` does: one hardened (sshd locked down,
// automatic updates installed, a private runtime socket, kernel hardening
// in sysctl.d) raises no finding at all; the other, weakened in one way
// per check, raises every OS check, each with the file at fault.
func TestDebianRootfsHardenedAndWeak(t *testing.T) {
	hard := unpackDebian(t)
	put(t, hard, "etc/ssh/sshd_config", "PermitRootLogin no\nPasswordAuthentication no\n", 0o644)
	status, err := os.ReadFile(filepath.Join(hard, "var/lib/dpkg/status"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(status), "Package: unattended-upgrades\n") {
		t.Fatal("the minbase root filesystem already has unattended-upgrades; the weak copy would not be weak")
	}
	put(t, hard, "var/lib/dpkg/status", string(status)+unattendedUpgrades, 0o644)
	put(t, hard, "etc/sysctl.d/90-hardening.conf", hardeningSysctl, 0o644)
	socket(t, hard, "run/containerd/containerd.sock", 0o660)

	weak := unpackDebian(t)
	put(t, weak, "etc/ssh/sshd_config", "PermitRootLogin yes\nPasswordAuthentication yes\n", 0o644)
	if err := os.Chmod(filepath.Join(weak, "etc/shadow"), 0o666); err != nil {
		t.Fatal(err)
	}
	put(t, weak, "etc/sysctl.d/90-debug.conf", "kernel.randomize_va_space = 0\nkernel.dmesg_restrict = 0\n", 0o644)
	put(t, weak, "usr/local/bin/backup.sh", "#!/bin/sh\n", 0o777)
	socket(t, weak, "run/containerd/containerd.sock", 0o666)

	got, skipped := scanLikeCLI(t, hard)
	if len(got) > 0 {
		for _, f := range got {
			t.Errorf("hardened root filesystem: %s %s at %s", f.CheckID, f.Message, f.Location)
		}
	}
	if len(skipped) > 0 {
		t.Errorf("hardened root filesystem: skipped %v", skipped)
	}

	got, skipped = scanLikeCLI(t, weak)
	if len(skipped) > 0 {
		t.Errorf("weak root filesystem: skipped %v", skipped)
	}
	var lines []string
	for _, f := range got {
		lines = append(lines, f.CheckID+" "+f.Location.String()+" "+f.Message)
	}
	want := []string{
		"FC-HOST-001 /etc/ssh/sshd_config:1 sshd must not set PermitRootLogin yes",
		"FC-HOST-002 /etc/ssh/sshd_config:2 sshd must not set PasswordAuthentication yes",
		"FC-HOST-003 /etc/shadow /etc/shadow must have mode 0640 or stricter, not 0666",
		"FC-HOST-004 /var/lib/dpkg/status package unattended-upgrades must be installed on this Debian-family node",
		"FC-HOST-005 /run/containerd/containerd.sock /run/containerd/containerd.sock must have mode 0660 or stricter, not 0666",
		"FC-HOST-006 /etc/shadow file /etc/shadow must not be writable by others (mode 0666)",
		"FC-HOST-006 /usr/local/bin/backup.sh file /usr/local/bin/backup.sh must not be writable by others (mode 0777)",
		`FC-HOST-007 /etc/sysctl.d/90-debug.conf:1 kernel parameter kernel.randomize_va_space is set to "0"; it must be 2`,
		`FC-HOST-007 /etc/sysctl.d/90-debug.conf:2 kernel parameter kernel.dmesg_restrict is set to "0"; it must be 1`,
	}
	slices.Sort(lines)
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("weak root filesystem: findings (-want +got):\n%s", diff)
	}
	for _, f := range got {
		if f.Resource.Kind != "Node" || f.Layer != finding.LayerCloud {
			t.Errorf("finding on %v in layer %v", f.Resource, f.Layer)
		}
	}
}
