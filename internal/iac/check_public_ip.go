package iac

// Inspects associate_public_ip_address of aws_instance and
// aws_launch_configuration, and network_interfaces of
// aws_launch_template. Allowed: not true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkPublicIP() check.Check[*Instance] {
	return check.Check[*Instance]{
		Meta: cloud("FC-AWS-051", "Instance gets a public IP address", finding.SeverityMedium,
			"An instance with a public address is reachable from the internet whenever a security group rule allows it; private instances behind a load balancer or NAT are not. "+
				"Medium where Trivy rates it high: the address exposes only what the instance's security groups admit, and an open security group is reported separately at its own severity.",
			"Set associate_public_ip_address = false and expose services through a load balancer.",
			ref("AWS Foundational Security Best Practices EC2.9", ""),
			avd("AVD-AWS-0009"), tfsec("aws", "autoscaling", "no-public-ip"),
			cwe(284)),
		Eval: func(in *Instance) []check.Violation {
			if !in.PublicIP.Is(true) {
				return nil
			}
			return []check.Violation{at(&in.Block, in.PublicIP.Range, "associate_public_ip_address", "%s associates a public IP address", in.Address)}
		},
	}
}
