package iac

// Inspects storage_encrypted of aws_db_instance (default false; unknown
// for replicas, snapshots and Aurora members) and aws_rds_cluster (default
// false, true for serverless v1). Allowed: true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRDSEncryption() check.Check[*DBInstance] {
	return check.Check[*DBInstance]{
		Meta: cloud("FC-AWS-030", "RDS storage is not encrypted", finding.SeverityHigh,
			"Unencrypted database storage exposes its data, automated backups, replicas and snapshots.",
			"Set storage_encrypted = true (with a customer-managed kms_key_id where possible); an existing instance needs a restore from an encrypted snapshot.",
			ref("CIS AWS Foundations 2.3.1", ""),
			avd("AVD-AWS-0080"), tfsec("aws", "rds", "encrypt-instance-storage-data"),
			avd("AVD-AWS-0079"), tfsec("aws", "rds", "encrypt-cluster-storage-data"),
			cwe(311)),
		Eval: func(d *DBInstance) []check.Violation {
			if !d.StorageEncrypted.Is(false) {
				return nil
			}
			return []check.Violation{at(&d.Block, d.StorageEncrypted.Range, "storage_encrypted", "%s does not encrypt its storage", d.Address)}
		},
	}
}
