package iac

// Inspects aws_db_instance.publicly_accessible (default false). Allowed:
// false.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRDSPublic() check.Check[*DBInstance] {
	return check.Check[*DBInstance]{
		Meta: cloud("FC-AWS-031", "RDS instance is publicly accessible", finding.SeverityHigh,
			"A publicly accessible database gets a public DNS name and address; only its security group stands between it and the internet.",
			"Set publicly_accessible = false and reach the database from inside the VPC.",
			ref("CIS AWS Foundations 2.3.3", ""),
			avd("AVD-AWS-0180"),
			avd("AVD-AWS-0082"), tfsec("aws", "rds", "no-public-db-access"),
			cwe(284)),
		Eval: func(d *DBInstance) []check.Violation {
			if !d.PubliclyAccessible.Is(true) {
				return nil
			}
			return []check.Violation{at(&d.Block, d.PubliclyAccessible.Range, "publicly_accessible", "%s is publicly accessible", d.Address)}
		},
	}
}
