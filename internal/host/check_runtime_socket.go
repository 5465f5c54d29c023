package host

// FC-HOST-005 inspects the sockets of container runtimes (containerd,
// CRI-O, Docker, k3s/RKE2's containerd) that exist on the node: each must
// be owned by uid 0 and have mode 0660 or stricter (no access for other
// users). Sockets absent from the root filesystem pass.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// RuntimeSockets are the well-known container runtime API sockets.
var runtimeSockets = []string{
	"/run/containerd/containerd.sock",
	"/run/crio/crio.sock",
	"/run/docker.sock",
	"/var/run/docker.sock",
	"/run/k3s/containerd/containerd.sock",
	"/run/cri-dockerd.sock",
}

func checkRuntimeSocket() check.Check[*Node] {
	return check.Check[*Node]{
		Meta: meta("FC-HOST-005", "Container runtime socket is open to other users", finding.SeverityCritical,
			"Whoever can write to the container runtime's socket can start a privileged container with the host's root filesystem mounted: it is root on the node.",
			"Run chown root:root (or root:docker) and chmod 0660 on the socket, and never mount it into workloads.",
			ref("CIS Docker Benchmark 3.15"), ref("CWE-732")),
		Eval: func(n *Node) []check.Violation {
			var out []check.Violation
			seen := map[string]bool{}
			for _, p := range runtimeSockets {
				fi, err := n.Stat(p)
				if err != nil {
					continue
				}
				// /var/run is usually a link to /run: report a socket once.
				key := fmt.Sprintf("%d:%d:%d:%d", fi.UID, fi.GID, fi.Mode, fi.Size)
				if r, err := n.resolve(p); err == nil {
					key = r
				}
				if seen[key] {
					continue
				}
				seen[key] = true
				if fi.Exceeds(0o660) {
					out = append(out, check.Violation{
						Message: fmt.Sprintf("%s must have mode 0660 or stricter, not %s", p, modeString(fi)),
						Field:   p, Discriminator: "mode",
					})
				}
				if fi.HasOwner && fi.UID != 0 {
					out = append(out, check.Violation{
						Message: fmt.Sprintf("%s must be owned by root, not %s", p, n.OwnerString(fi)),
						Field:   p, Discriminator: "owner",
					})
				}
			}
			return out
		},
	}
}
