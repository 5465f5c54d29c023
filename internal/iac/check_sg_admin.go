package iac

// Inspects security group ingress rules (see sgOpenPorts). Allowed: no
// rule admits 0.0.0.0/0 or ::/0 to 22 (SSH) or 3389 (RDP).

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkSGAdmin() check.Check[*SecurityGroupRule] {
	return check.Check[*SecurityGroupRule]{
		Meta: cloud("FC-AWS-011", "Security group exposes SSH or RDP to the internet", finding.SeverityHigh,
			"Remote administration ports open to the whole internet are scanned and brute-forced within minutes of exposure.",
			"Restrict the rule to known administration CIDRs, or use AWS Systems Manager Session Manager instead of open SSH/RDP.",
			ref("CIS AWS Foundations 5.2", ""), ref("CIS AWS Foundations 5.3", ""),
			avd("AVD-AWS-0107"), tfsec("aws", "vpc", "no-public-ingress-sgr"),
			cwe(284)),
		Eval: func(r *SecurityGroupRule) []check.Violation { return sgOpenPorts(r, adminPorts()) },
	}
}
