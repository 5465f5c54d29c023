package iac

// Inspects security group ingress rules (see sgOpenPorts). Allowed: no
// rule admits 0.0.0.0/0 or ::/0 to 1433, 3306, 5432, 6379 or 27017.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkSGDatabase() check.Check[*SecurityGroupRule] {
	return check.Check[*SecurityGroupRule]{
		Meta: cloud("FC-AWS-012", "Security group exposes database ports to the internet", finding.SeverityHigh,
			"Databases reachable from 0.0.0.0/0 (SQL Server, MySQL, PostgreSQL, Redis, MongoDB) are a common source of data breaches and ransom attacks.",
			"Allow database ports only from the application's security groups or private subnets.",
			ref("AWS Foundational Security Best Practices EC2.19", ""),
			avd("AVD-AWS-0107"), tfsec("aws", "vpc", "no-public-ingress-sgr"),
			cwe(284)),
		Eval: func(r *SecurityGroupRule) []check.Violation { return sgOpenPorts(r, databasePorts()) },
	}
}
