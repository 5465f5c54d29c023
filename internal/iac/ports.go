package iac

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// service is a well-known TCP port that must not face the internet.
type service struct {
	port int
	name string
}

func (s service) String() string { return fmt.Sprintf("%d (%s)", s.port, s.name) }

// controlPlanePorts are Kubernetes control-plane and node ports.
func controlPlanePorts() []service {
	return []service{{2379, "etcd"}, {2380, "etcd peer"}, {6443, "Kubernetes API server"}, {10250, "kubelet API"}}
}

// adminPorts are remote administration ports.
func adminPorts() []service {
	return []service{{22, "SSH"}, {3389, "RDP"}}
}

// databasePorts are database ports.
func databasePorts() []service {
	return []service{{1433, "SQL Server"}, {3306, "MySQL"}, {5432, "PostgreSQL"}, {6379, "Redis"}, {27017, "MongoDB"}}
}

// sensitivePorts are all of the above.
func sensitivePorts() []service {
	return append(append(controlPlanePorts(), adminPorts()...), databasePorts()...)
}

// inRange returns the services whose port lies in [lo, hi].
func inRange(svcs []service, lo, hi int) []service {
	var out []service
	for _, s := range svcs {
		if s.port >= lo && s.port <= hi {
			out = append(out, s)
		}
	}
	return out
}

// parsePortRange parses "22", "1000-2000" or "*" (all ports).
func parsePortRange(s string) (lo, hi int, ok bool) {
	s = strings.TrimSpace(s)
	if s == "*" {
		return 0, 65535, true
	}
	a, b, isRange := strings.Cut(s, "-")
	lo, err := strconv.Atoi(strings.TrimSpace(a))
	if err != nil {
		return 0, 0, false
	}
	if !isRange {
		return lo, lo, true
	}
	hi, err = strconv.Atoi(strings.TrimSpace(b))
	if err != nil {
		return 0, 0, false
	}
	return lo, hi, true
}

// openSource returns the first known source that is the whole internet.
func openSource(l List, open ...string) (Value[string], bool) {
	if len(open) == 0 {
		open = []string{"0.0.0.0/0", "::/0"}
	}
	for _, it := range l.Items {
		if !it.Known {
			continue
		}
		for _, o := range open {
			if strings.EqualFold(strings.TrimSpace(it.Val), o) {
				return it, true
			}
		}
	}
	return Value[string]{}, false
}

// joinServices formats services for a message, in port order:
// "port 22 (SSH)" or "ports 22 (SSH), 3389 (RDP)".
func joinServices(svcs []service) string {
	svcs = dedupe(svcs)
	parts := make([]string, len(svcs))
	for i, s := range svcs {
		parts[i] = s.String()
	}
	if len(parts) == 1 {
		return "port " + parts[0]
	}
	return "ports " + strings.Join(parts, ", ")
}

// dedupe drops repeated ports and sorts by port.
func dedupe(svcs []service) []service {
	seen := map[int]bool{}
	var out []service
	for _, s := range svcs {
		if !seen[s.port] {
			seen[s.port] = true
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b service) int { return cmp.Compare(a.port, b.port) })
	return out
}

// awsExposed returns the services an AWS ingress rule admits, or false
// when the protocol or ports cannot be known.
func awsExposed(r *SecurityGroupRule, svcs []service) ([]service, bool) {
	if !r.Protocol.Known {
		return nil, false
	}
	switch strings.ToLower(r.Protocol.Val) {
	case "-1", "all":
		return svcs, true
	case "tcp", "6":
	default:
		return nil, true
	}
	if !r.FromPort.Known || !r.ToPort.Known {
		return nil, false
	}
	return inRange(svcs, r.FromPort.Val, r.ToPort.Val), true
}
