// Package host reads a node's root filesystem for `fourc host ROOTFS` (and
// `fourc k8s node --root /host` when fourc runs as a pod): files, their
// modes and owners, the command lines of running processes from /proc
// inside that root, and OS facts — never by running a command. It runs its
// own node OS checks (FC-HOST-*, Cloud layer) and dispatches further
// suites of checks over the same [Node], such as the CIS control-plane and
// kubelet checks of internal/controlplane.
//
// Another package adds OS checks by passing [check.Check] values over
// *Node in [Options.Checks], or a whole [Suite] in [Options.Suites].
package host
