package host_test

import (
	"compress/gzip"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/fourc-dev/fourc/internal/controlplane"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/host"
	"github.com/fourc-dev/fourc/internal/image"
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

// scanNow is the day the real-rootfs tests judge end-of-life dates on.
var scanNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// scanLikeCLI scans root as `fourc host ROOT` does: the OS checks and the
// control-plane suite.
func scanLikeCLI(t *testing.T, root string) ([]finding.Finding, []finding.Skipped) {
	t.Helper()
	n, err := host.Open(root)
	if err != nil {
		t.Fatalf("scanning %s: %v", root, err)
	}
	return scanNode(t, n)
}

func scanNode(t *testing.T, n *host.Node) ([]finding.Finding, []finding.Skipped) {
	t.Helper()
	suite := controlplane.NewSuite(controlplane.Options{})
	return host.ScanNode(context.Background(), n, host.Options{Suites: []host.Suite{suite}, Now: scanNow})
}

// cisBlacklist disables every module FC-HOST-008 names, the way CIS asks.
const cisBlacklist = `# CIS 1.1.1 and 3.4: rarely used file systems and protocols
install cramfs /bin/false
blacklist cramfs
install freevxfs /bin/false
blacklist freevxfs
install jffs2 /bin/false
blacklist jffs2
install hfs /bin/false
blacklist hfs
install hfsplus /bin/false
blacklist hfsplus
install squashfs /bin/false
blacklist squashfs
install udf /bin/false
blacklist udf
install usb-storage /bin/false
blacklist usb-storage
install dccp /bin/false
blacklist dccp
install sctp /bin/false
blacklist sctp
install rds /bin/false
blacklist rds
install tipc /bin/false
blacklist tipc
`

// autoUpgrades is what dpkg-reconfigure unattended-upgrades writes.
const autoUpgrades = `APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
`

// apparmorPackage is the dpkg database entry of the apparmor package.
const apparmorPackage = `
Package: apparmor
Status: install ok installed
Priority: optional
Section: admin
Architecture: amd64
Version: 3.0.8-3
Description: user-space parser utility for AppArmor
`

// hardenNode makes a Debian root as strict as every OS check asks: sshd
// locked down, automatic updates installed and enabled, kernel hardening
// in sysctl.d, modules blacklisted, a maintained kernel, AppArmor, and a
// read-only root.
func hardenNode(t *testing.T, root string) {
	t.Helper()
	put(t, root, "etc/ssh/sshd_config", "PermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM yes\n", 0o644)
	status, err := os.ReadFile(filepath.Join(root, "var/lib/dpkg/status"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"unattended-upgrades", "apparmor"} {
		if strings.Contains(string(status), "Package: "+pkg+"\n") {
			t.Fatalf("the minbase root filesystem already has %s; the weak copy would not be weak", pkg)
		}
	}
	put(t, root, "var/lib/dpkg/status", string(status)+unattendedUpgrades+apparmorPackage, 0o644)
	put(t, root, "etc/apt/apt.conf.d/20auto-upgrades", autoUpgrades, 0o644)
	put(t, root, "etc/sysctl.d/90-hardening.conf", hardeningSysctl, 0o644)
	put(t, root, "etc/modprobe.d/cis.conf", cisBlacklist, 0o644)
	put(t, root, "etc/apparmor.d/tunables/global", "# tunables\n", 0o644)
	put(t, root, "etc/fstab", "UUID=0a3407de-014b-458b-b5c1-848e92a327a3 / ext4 ro,errors=remount-ro 0 1\n", 0o644)
	put(t, root, "usr/lib/modules/6.1.0-28-amd64/modules.dep", "", 0o644)
	put(t, root, "boot/config-6.1.0-28-amd64", "CONFIG_SECURITY_APPARMOR=y\n", 0o644)
}

// weakenNode leaves a Debian root with one weakness per node check that
// a node image carries: no module blacklist, sshd keyboard-interactive
// logins, unattended-upgrades installed but never enabled (no APT
// periodic settings), an end-of-life kernel, and no AppArmor.
func weakenNode(t *testing.T, root string) {
	t.Helper()
	put(t, root, "etc/ssh/sshd_config", "PermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication yes\nUsePAM yes\n", 0o644)
	status, err := os.ReadFile(filepath.Join(root, "var/lib/dpkg/status"))
	if err != nil {
		t.Fatal(err)
	}
	put(t, root, "var/lib/dpkg/status", string(status)+unattendedUpgrades, 0o644)
	put(t, root, "etc/sysctl.d/90-hardening.conf", hardeningSysctl, 0o644)
	put(t, root, "boot/vmlinuz-4.19.0-27-amd64", "not a kernel\n", 0o644)
	put(t, root, "lib/modules/4.19.0-27-amd64/modules.dep", "", 0o644)
}

// weakNodeFindings are the findings of a root weakened by weakenNode.
var weakNodeFindings = []string{
	`FC-HOST-004 /etc/apt/apt.conf.d APT::Periodic::Unattended-Upgrade must be set to "1" in /etc/apt/apt.conf.d (it is unset, so apt never runs it)`,
	`FC-HOST-004 /etc/apt/apt.conf.d APT::Periodic::Update-Package-Lists must be set to "1" in /etc/apt/apt.conf.d (it is unset, so apt never runs it)`,
	"FC-HOST-008 /etc/modprobe.d kernel modules cramfs, freevxfs, jffs2, hfs, hfsplus, squashfs, udf, usb-storage, dccp, sctp, rds, tipc must be disabled in /etc/modprobe.d (install <module> /bin/false, or blacklist <module>)",
	"FC-HOST-009 /etc/os-release node runs Debian GNU/Linux 12 (bookworm) with a writable root file system; it is neither an image-based immutable OS nor mounted read-only in /etc/fstab",
	"FC-HOST-010 /boot/vmlinuz-4.19.0-27-amd64 kernel 4.19.0-27-amd64 is on longterm branch 4.19, which reached its end of life on 2024-12-31",
	"FC-HOST-011 /etc/ssh/sshd_config:3 sshd must not set keyboard-interactive authentication on (KbdInteractiveAuthentication yes)",
	"FC-HOST-012 /etc/selinux/config neither SELinux (/etc/selinux/config) nor AppArmor (/etc/apparmor.d and the apparmor package) is set up on this node",
}

func findingLines(fs []finding.Finding) []string {
	var lines []string
	for _, f := range fs {
		lines = append(lines, f.CheckID+" "+f.Location.String()+" "+f.Message)
	}
	slices.Sort(lines)
	return lines
}

// TestDebianRootfsHardenedAndWeak scans two copies of a real Debian root
// filesystem the way `fourc host` does: one hardened (hardenNode, a
// private runtime socket) raises no finding at all; the other, weakened
// in one way per check, raises every OS check, each with the file at
// fault.
func TestDebianRootfsHardenedAndWeak(t *testing.T) {
	hard := unpackDebian(t)
	hardenNode(t, hard)
	socket(t, hard, "run/containerd/containerd.sock", 0o660)

	weak := unpackDebian(t)
	weakenNode(t, weak)
	put(t, weak, "etc/ssh/sshd_config", "PermitRootLogin yes\nPasswordAuthentication yes\nKbdInteractiveAuthentication yes\n", 0o644)
	put(t, weak, "var/lib/dpkg/status", strings.Replace(mustRead(t, filepath.Join(weak, "var/lib/dpkg/status")), "Package: unattended-upgrades\nStatus: install ok installed", "Package: unattended-upgrades\nStatus: deinstall ok config-files", 1), 0o644)
	if err := os.Chmod(filepath.Join(weak, "etc/shadow"), 0o666); err != nil {
		t.Fatal(err)
	}
	put(t, weak, "etc/sysctl.d/90-hardening.conf", "", 0o644)
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
		"FC-HOST-008 /etc/modprobe.d kernel modules cramfs, freevxfs, jffs2, hfs, hfsplus, squashfs, udf, usb-storage, dccp, sctp, rds, tipc must be disabled in /etc/modprobe.d (install <module> /bin/false, or blacklist <module>)",
		"FC-HOST-009 /etc/os-release node runs Debian GNU/Linux 12 (bookworm) with a writable root file system; it is neither an image-based immutable OS nor mounted read-only in /etc/fstab",
		"FC-HOST-010 /boot/vmlinuz-4.19.0-27-amd64 kernel 4.19.0-27-amd64 is on longterm branch 4.19, which reached its end of life on 2024-12-31",
		"FC-HOST-011 /etc/ssh/sshd_config:3 sshd must not set keyboard-interactive authentication on (KbdInteractiveAuthentication yes)",
		"FC-HOST-012 /etc/selinux/config neither SELinux (/etc/selinux/config) nor AppArmor (/etc/apparmor.d and the apparmor package) is set up on this node",
	}
	if diff := cmp.Diff(want, findingLines(got)); diff != "" {
		t.Errorf("weak root filesystem: findings (-want +got):\n%s", diff)
	}
	for _, f := range got {
		if f.Resource.Kind != "Node" || f.Layer != finding.LayerCloud {
			t.Errorf("finding on %v in layer %v", f.Resource, f.Layer)
		}
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestDebianRootfsImage scans one weakened Debian root three ways, as
// `fourc host` takes it: the directory, a tarball of it, and a
// docker-archive image of that tarball (go-containerregistry). The view
// of the tarball and the image, built by the image layer walker in
// memory, gives exactly the findings of the directory.
func TestDebianRootfsImage(t *testing.T) {
	weak := unpackDebian(t)
	weakenNode(t, weak)
	tmp := t.TempDir()
	tarPath := filepath.Join(tmp, "rootfs.tar")
	if out, err := exec.Command("tar", "--numeric-owner", "--sort=name", "-C", weak, "-cf", tarPath, ".").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return os.Open(tarPath) }, tarball.WithCompressionLevel(gzip.BestSpeed))
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(tmp, "node-image.tar")
	if err := tarball.WriteToFile(archive, name.MustParseReference("fourc.test/node:weak"), img); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	got, skipped := scanLikeCLI(t, weak)
	t.Logf("directory: %v", time.Since(start))
	if len(skipped) > 0 {
		t.Errorf("directory: skipped %v", skipped)
	}
	if diff := cmp.Diff(weakNodeFindings, findingLines(got)); diff != "" {
		t.Errorf("directory: findings (-want +got):\n%s", diff)
	}
	for _, ref := range []string{tarPath, archive} {
		start := time.Now()
		view, sk, err := image.RootFS(context.Background(), ref, image.Options{})
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		got, skipped := scanNode(t, host.NewNode(view, ref))
		t.Logf("%s: %v", filepath.Base(ref), time.Since(start))
		view.Close()
		if len(sk)+len(skipped) > 0 {
			t.Errorf("%s: skipped %v %v", ref, sk, skipped)
		}
		if diff := cmp.Diff(weakNodeFindings, findingLines(got)); diff != "" {
			t.Errorf("%s: findings (-want +got):\n%s", ref, diff)
		}
	}
}
