package iac

// Inspects aws_vpc and the aws_flow_log resources whose vpc_id refers to
// it. Allowed: at least one flow log.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkVPCFlowLogs() check.Check[*VPC] {
	return check.Check[*VPC]{
		Meta: cloud("FC-AWS-080", "VPC has no flow logs", finding.SeverityMedium,
			"Without flow logs there is no record of the network traffic needed to investigate an intrusion or data exfiltration.",
			"Add an aws_flow_log with vpc_id set to the VPC.",
			ref("CIS AWS Foundations 3.7", ""),
			avd("AVD-AWS-0178"),
			cwe(778)),
		Eval: func(v *VPC) []check.Violation {
			if !v.FlowLogs.Is(false) {
				return nil
			}
			return []check.Violation{at(&v.Block, v.FlowLogs.Range, "flow_log", "VPC %s has no aws_flow_log", v.Address)}
		},
	}
}
