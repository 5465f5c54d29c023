package iac

// Inspects aws_efs_file_system.encrypted (default false). Allowed: true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkEFSEncryption() check.Check[*EFSFileSystem] {
	return check.Check[*EFSFileSystem]{
		Meta: cloud("FC-AWS-082", "EFS file system is not encrypted", finding.SeverityHigh,
			"An unencrypted file system stores its data and backups in clear text at rest.",
			"Set encrypted = true (with a customer-managed kms_key_id where possible); existing file systems must be recreated.",
			ref("CIS AWS Foundations 2.4.1", ""),
			avd("AVD-AWS-0037"), tfsec("aws", "efs", "enable-at-rest-encryption"),
			cwe(311)),
		Eval: func(f *EFSFileSystem) []check.Violation {
			if !f.Encrypted.Is(false) {
				return nil
			}
			return []check.Violation{at(&f.Block, f.Encrypted.Range, "encrypted", "EFS file system %s is not encrypted", f.Address)}
		},
	}
}
