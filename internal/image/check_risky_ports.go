package image

// Inspects: config.ExposedPorts ("EXPOSE" in a Dockerfile), keys like
// "22/tcp".
// Allowed: any port but those of remote administration and unauthenticated
// data services listed in riskyPortNames (SSH, Telnet, FTP, RDP, VNC, the
// Docker API, the kubelet, etcd and common databases and caches).

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

var riskyPortNames = map[int]string{
	21:    "FTP",
	22:    "SSH",
	23:    "Telnet",
	2375:  "Docker API (plain)",
	2376:  "Docker API",
	2379:  "etcd",
	3306:  "MySQL",
	3389:  "RDP",
	5432:  "PostgreSQL",
	5900:  "VNC",
	6379:  "Redis",
	9200:  "Elasticsearch",
	10250: "kubelet",
	11211: "memcached",
	27017: "MongoDB",
}

func checkRiskyPorts() check.Check[configSubject] {
	return check.Check[configSubject]{
		Meta: check.New(
			"FC-IMG-002",
			"Image exposes a risky port",
			finding.SeverityMedium,
			finding.LayerContainer,
			"The image declares a port used for remote administration or by a data service that is often left without authentication; exposing it invites direct access to the container.",
			"Remove the EXPOSE line and the service behind it, or reach it only through an authenticated, internal path.",
			finding.Reference{Source: "CIS Docker Benchmark 5.8"},
			finding.Reference{Source: "CWE-668"},
		),
		Eval: func(s configSubject) []check.Violation {
			if s.Config == nil {
				return nil
			}
			var out []check.Violation
			for p := range s.Config.Config.ExposedPorts {
				num, proto, _ := strings.Cut(p, "/")
				n, err := strconv.Atoi(num)
				if err != nil {
					continue
				}
				if svc, ok := riskyPortNames[n]; ok {
					if proto == "" {
						proto = "tcp"
					}
					out = append(out, check.Violation{Message: fmt.Sprintf("image exposes %d/%s (%s)", n, proto, svc), Discriminator: p})
				}
			}
			slices.SortFunc(out, func(a, b check.Violation) int { return strings.Compare(a.Discriminator, b.Discriminator) })
			return out
		},
	}
}
