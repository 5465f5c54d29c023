package iac

// Inspects aws_s3_bucket.server_side_encryption_configuration and
// aws_s3_bucket_server_side_encryption_configuration naming the bucket.
// Allowed: either is present.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkS3Encryption() check.Check[*S3Bucket] {
	return check.Check[*S3Bucket]{
		Meta: cloud("FC-AWS-001", "S3 bucket has no server-side encryption configuration", finding.SeverityHigh,
			"Objects in a bucket without an explicit server-side encryption configuration rely on the account default and cannot be tied to a customer-managed KMS key.",
			"Add an aws_s3_bucket_server_side_encryption_configuration for the bucket (aws:kms with a customer-managed key where possible).",
			ref("CIS AWS Foundations 2.1.1", ""),
			avd("AVD-AWS-0088"), tfsec("aws", "s3", "enable-bucket-encryption"),
			cwe(311)),
		Eval: func(s *S3Bucket) []check.Violation {
			if !s.Encryption.Is(false) {
				return nil
			}
			return []check.Violation{at(&s.Block, s.Encryption.Range, "server_side_encryption_configuration",
				"S3 bucket %s has no server-side encryption configuration", s.Address)}
		},
	}
}
