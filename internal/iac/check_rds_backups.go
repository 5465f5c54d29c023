package iac

// Inspects backup_retention_period of aws_db_instance and aws_rds_cluster.
// Allowed: anything but 0 (the provider default keeps backups).

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRDSBackups() check.Check[*DBInstance] {
	return check.Check[*DBInstance]{
		Meta: cloud("FC-AWS-033", "RDS automated backups are disabled", finding.SeverityMedium,
			"A backup retention period of 0 disables automated backups and point-in-time recovery.",
			"Set backup_retention_period to at least 7 days.",
			ref("AWS Foundational Security Best Practices RDS.11", ""),
			avd("AVD-AWS-0077"), tfsec("aws", "rds", "specify-backup-retention"),
			cwe(693)),
		Eval: func(d *DBInstance) []check.Violation {
			if !d.BackupRetention.Is(0) {
				return nil
			}
			return []check.Violation{at(&d.Block, d.BackupRetention.Range, "backup_retention_period", "%s sets backup_retention_period = 0", d.Address)}
		},
	}
}
