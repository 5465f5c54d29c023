package host

import (
	"fmt"
	"slices"
	"strings"
)

// immutableOSes are the os-release identities of image-based node
// operating systems whose root file system is read-only and replaced whole
// on update: ID, and VARIANT_ID when the ID alone is a general-purpose
// distribution (Fedora CoreOS is ID=fedora VARIANT_ID=coreos).
var immutableOSes = []struct{ ID, Variant, Name string }{
	{"bottlerocket", "", "Bottlerocket"},
	{"flatcar", "", "Flatcar Container Linux"},
	{"talos", "", "Talos Linux"},
	{"cos", "", "Container-Optimized OS"},
	{"fedora", "coreos", "Fedora CoreOS"},
	{"fedora-coreos", "", "Fedora CoreOS"},
	{"rhcos", "", "Red Hat Enterprise Linux CoreOS"},
	{"scos", "", "CentOS Stream CoreOS"},
	{"opensuse-microos", "", "openSUSE MicroOS"},
	{"sl-micro", "", "SUSE Linux Micro"},
	{"suse-microos", "", "SUSE Linux Enterprise Micro"},
	{"ubuntu-core", "", "Ubuntu Core"},
}

// Immutable says why the node's root file system is immutable: an
// image-based OS named by os-release, or a read-only root mount in
// /etc/fstab. Empty when neither.
func Immutable(n *Node) string {
	osr := n.OSRelease()
	id, variant := strings.ToLower(osr["ID"]), strings.ToLower(osr["VARIANT_ID"])
	for _, o := range immutableOSes {
		if id == o.ID && (o.Variant == "" || variant == o.Variant) {
			return fmt.Sprintf("image-based OS %s (os-release ID=%s)", o.Name, osr["ID"])
		}
	}
	if line, ok := readOnlyRoot(n); ok {
		return fmt.Sprintf("read-only root file system (/etc/fstab line %d)", line)
	}
	return ""
}

// readOnlyRoot reports whether /etc/fstab mounts / with the ro option, and
// on which line.
func readOnlyRoot(n *Node) (int, bool) {
	data, err := n.ReadFile("/etc/fstab", 1<<20)
	if err != nil {
		return 0, false
	}
	for i, line := range strings.Split(string(data), "\n") {
		f := ParseFstabLine(line)
		if len(f) >= 4 && f[1] == "/" && slices.Contains(strings.Split(f[3], ","), "ro") {
			return i + 1, true
		}
	}
	return 0, false
}

// ParseFstabLine splits one line of fstab(5) into its fields (spec, file,
// vfstype, options, …); comments and blank lines give none.
func ParseFstabLine(line string) []string {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return nil
	}
	return strings.Fields(line)
}
