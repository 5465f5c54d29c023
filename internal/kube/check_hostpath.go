package kube

// FC-K8S-001 inspects spec.volumes[*].hostPath.path of the pod template. A
// hostPath volume fails when its cleaned path is one of the node's
// sensitive paths, lies inside one, or contains one (mounting /var exposes
// /var/run/docker.sock): /, /etc, /proc, /root, /boot, /dev, the container
// runtime sockets and state (/var/run/docker.sock, /run/containerd,
// /var/run/crio, /var/lib/docker) and /var/lib/kubelet. Other hostPath
// volumes are reported by the Pod Security control FC-K8S-104.

import (
	"fmt"
	"path"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func sensitiveHostPaths() []string {
	return []string{
		"/", "/etc", "/proc", "/root", "/boot", "/dev",
		"/var/run/docker.sock", "/run/docker.sock", "/var/lib/docker",
		"/run/containerd", "/var/run/containerd", "/var/run/crio", "/run/crio",
		"/var/lib/kubelet",
	}
}

// sensitiveHostPath returns the sensitive path p exposes, or "".
func sensitiveHostPath(p string) string {
	if p == "" {
		return ""
	}
	p = path.Clean("/" + p)
	for _, s := range sensitiveHostPaths() {
		switch {
		case p == s,
			s != "/" && strings.HasPrefix(p, s+"/"),
			p != "/" && strings.HasPrefix(s, p+"/"):
			return s
		}
	}
	return ""
}

func checkSensitiveHostPath() check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: meta("FC-K8S-001", "Pod mounts a sensitive host path", finding.SeverityCritical,
			"Mounting the node's root, /etc, /proc, the kubelet's state or a container runtime socket into a pod hands the node over to anyone who controls the container.",
			"Remove the hostPath volume; if node access is really needed, mount the narrowest path read-only in a dedicated, isolated namespace.",
			ref("CIS Kubernetes 5.2.12"), refNSA(), ref("CWE-250")),
		Eval: func(w *Workload) []check.Violation {
			var out []check.Violation
			for i, v := range w.PodSpec.Volumes {
				if v.HostPath == nil {
					continue
				}
				s := sensitiveHostPath(v.HostPath.Path)
				if s == "" {
					continue
				}
				what := fmt.Sprintf("host path %q", v.HostPath.Path)
				if path.Clean("/"+v.HostPath.Path) != s {
					what += fmt.Sprintf(" (exposing %s)", s)
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("volume %q mounts %s from the node", v.Name, what),
					Field:         w.Field(fieldIndex("spec.volumes", i) + ".hostPath.path"),
					Discriminator: v.Name,
				})
			}
			return out
		},
	}
}
