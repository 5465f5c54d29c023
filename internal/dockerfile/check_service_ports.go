package dockerfile

// FC-DF-017 inspects EXPOSE instructions in every stage (a port range
// counts when it includes the port). It fires on remote-access ports (22
// SSH, 3389 RDP, 5900 VNC) and database or cache ports (3306 MySQL, 5432
// PostgreSQL, 6379 Redis, 9200 Elasticsearch, 11211 memcached, 27017
// MongoDB). Allowed: any other port; the daemon ports of FC-DF-012.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

var servicePorts = []portService{
	{22, "SSH"},
	{3306, "MySQL"},
	{3389, "RDP"},
	{5432, "PostgreSQL"},
	{5900, "VNC"},
	{6379, "Redis"},
	{9200, "Elasticsearch"},
	{11211, "memcached"},
	{27017, "MongoDB"},
}

func checkExposedServicePorts() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-017",
			"Remote-access or database port exposed",
			finding.SeverityMedium,
			finding.LayerContainer,
			"An SSH or remote-desktop server in a container is a second way in that bypasses the orchestrator; "+
				"database ports are frequent targets and should be reachable only by their clients.",
			"Remove SSH/RDP/VNC from the image (use kubectl exec or docker exec); for databases, restrict who can reach the port with network policies.",
			cwe(668),
		),
		Eval: func(f *File) []check.Violation { return exposedPorts(f, servicePorts) },
	}
}
