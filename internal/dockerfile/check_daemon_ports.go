package dockerfile

// FC-DF-012 inspects EXPOSE instructions in every stage (a port range
// counts when it includes the port). It fires on ports of control planes
// and daemons that give whoever reaches them control of a host or cluster:
// 2375 and 2376 (Docker API), 2379 and 2380 (etcd), 6443 (Kubernetes API
// server), 10250 and 10255 (kubelet) and 23 (telnet, cleartext shell).
// Allowed: any other port (remote-access and database ports are
// FC-DF-017).

import (
	"fmt"
	"strconv"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// portService names a sensitive port's service.
type portService struct {
	port int
	name string
}

var daemonPorts = []portService{
	{23, "telnet"},
	{2375, "Docker API without TLS"},
	{2376, "Docker API"},
	{2379, "etcd client API"},
	{2380, "etcd peer API"},
	{6443, "Kubernetes API server"},
	{10250, "kubelet API"},
	{10255, "kubelet read-only API"},
}

// exposedPorts reports the EXPOSE instructions that open any of ports.
func exposedPorts(f *File, ports []portService) []check.Violation {
	var out []check.Violation
	for s, in := range f.Instructions() {
		for _, p := range in.Ports {
			for _, svc := range ports {
				if !p.Contains(svc.port) {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("EXPOSE in %s opens port %d/%s (%s)", stageRef(s), svc.port, p.Protocol, svc.name),
					Line:          in.StartLine,
					Discriminator: s.Label() + "\x00" + strconv.Itoa(svc.port) + "/" + p.Protocol,
				})
			}
		}
	}
	return out
}

func checkDaemonPorts() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-012",
			"Control-plane or daemon port exposed",
			finding.SeverityHigh,
			finding.LayerContainer,
			"The Docker API, etcd, the Kubernetes API server and the kubelet give whoever reaches them control "+
				"of hosts and clusters, and telnet is a cleartext shell; an application image should not serve them.",
			"Remove the EXPOSE and the service behind it; if the image really is such a daemon, require mutual TLS and keep it off shared networks.",
			cwe(668),
			cwe(319),
		),
		Eval: func(f *File) []check.Violation { return exposedPorts(f, daemonPorts) },
	}
}
