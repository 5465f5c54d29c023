package iac

// Inspects deletion_protection of aws_db_instance and aws_rds_cluster
// (default false). Allowed: true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRDSDeletionProtection() check.Check[*DBInstance] {
	return check.Check[*DBInstance]{
		Meta: cloud("FC-AWS-032", "RDS deletion protection is disabled", finding.SeverityMedium,
			"Without deletion protection a single API call (or a mistaken terraform destroy) deletes the database.",
			"Set deletion_protection = true.",
			ref("AWS Foundational Security Best Practices RDS.8", ""),
			avd("AVD-AWS-0177"),
			avd("AVD-AWS-0343"),
			cwe(693)),
		Eval: func(d *DBInstance) []check.Violation {
			if !d.DeletionProtection.Is(false) {
				return nil
			}
			return []check.Violation{at(&d.Block, d.DeletionProtection.Range, "deletion_protection", "%s does not enable deletion protection", d.Address)}
		},
	}
}
