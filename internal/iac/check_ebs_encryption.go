package iac

// Inspects aws_ebs_volume.encrypted (default false unless made from a
// snapshot) and aws_ebs_encryption_by_default. Allowed: true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkEBSEncryption() check.Check[*EBSVolume] {
	return check.Check[*EBSVolume]{
		Meta: cloud("FC-AWS-020", "EBS volume is not encrypted", finding.SeverityHigh,
			"An unencrypted volume, its snapshots and any copy of them expose their data to whoever can read the snapshot or the underlying storage.",
			"Set encrypted = true (with a customer-managed kms_key_id where possible), or enable aws_ebs_encryption_by_default.",
			ref("CIS AWS Foundations 2.2.1", ""),
			avd("AVD-AWS-0026"), tfsec("aws", "ebs", "enable-volume-encryption"),
			cwe(311)),
		Eval: func(v *EBSVolume) []check.Violation {
			if !v.Encrypted.Is(false) {
				return nil
			}
			return []check.Violation{at(&v.Block, v.Encrypted.Range, "encrypted", "EBS volume %s is not encrypted", v.Address)}
		},
	}
}
