// Package host reads a node's root filesystem for `fourc host ROOTFS` (a
// directory such as / or /host, or the merged view of a root file system
// tarball or container image, see [NewNode]): files, their modes and
// owners, the command lines of running processes from /proc inside that
// root, and OS facts — never by running a command. It runs its own node OS
// checks (FC-HOST-*, Cloud layer: sshd, kernel modules and parameters,
// kernel end of life, automatic updates, SELinux/AppArmor, immutable OS,
// file permissions, the runtime socket), reports facts such as the
// container runtime handlers a RuntimeClass may name, and dispatches
// further suites of checks over the same [Node], such as the CIS
// control-plane and kubelet checks of internal/controlplane.
//
// Another package adds OS checks by passing [check.Check] values over
// *Node in [Options.Checks], or a whole [Suite] in [Options.Suites].
package host
