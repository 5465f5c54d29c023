package iac

// Shared by the security group port checks (FC-AWS-010, -011, -012): an
// ingress rule (inline ingress, aws_security_group_rule of type ingress,
// aws_vpc_security_group_ingress_rule) whose cidr_blocks,
// ipv6_cidr_blocks, cidr_ipv4 or cidr_ipv6 hold 0.0.0.0/0 or ::/0 and
// whose protocol ("tcp", "6", "-1", "all") and from_port..to_port admit
// one of the given ports.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
)

func sgOpenPorts(r *SecurityGroupRule, svcs []service) []check.Violation {
	src, open := openSource(r.Sources)
	if !open {
		return nil
	}
	exp, known := awsExposed(r, svcs)
	if !known || len(exp) == 0 {
		return nil
	}
	v := at(&r.Block, src.Range, "ingress", "security group rule in %s admits %s to %s", r.Address, src.Val, joinServices(exp))
	v.Discriminator = fmt.Sprintf("%s:%s:%d-%d:%s", r.Range.Path, r.Protocol.Val, r.FromPort.Val, r.ToPort.Val, src.Val)
	return []check.Violation{v}
}
