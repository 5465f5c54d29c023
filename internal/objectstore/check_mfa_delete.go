package objectstore

// Inspects Bucket.Versioning.MFADelete (GetBucketVersioning), only where
// the endpoint reports it. Allowed: "Enabled" or not reported.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkMFADelete() check.Check[*Bucket] {
	return check.Check[*Bucket]{
		Meta: cloud("FC-S3-003", "S3 bucket MFA delete is not enabled", finding.SeverityLow,
			"Without MFA delete, whoever holds the bucket owner's keys can suspend versioning and permanently delete object versions without a second factor.",
			"Enable MFA delete with the root account's MFA device (PutBucketVersioning with MFADelete=Enabled).",
			ref("CIS AWS Foundations 2.1.3", ""), cwe(308)),
		Eval: func(b *Bucket) []check.Violation {
			if !b.Versioning.Known() || b.Versioning.Value.MFADelete != "Disabled" {
				return nil
			}
			return violation("S3 bucket %q reports MFA delete Disabled", b.Name)
		},
	}
}
