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
		Meta: cloud("FC-AWS-001", "S3 bucket has no server-side encryption configuration", finding.SeverityLow,
			"Since January 2023 AWS encrypts every new object with S3-managed keys (SSE-S3) whatever the bucket says, so a bucket without its own encryption configuration is still encrypted at rest; what it lacks is a key the account controls (SSE-KMS with a customer-managed key), whose policy and CloudTrail log decide and record who may decrypt. "+
				"Low, where Trivy still rates it high from before the default: the data is not exposed, only the key's control and audit are missing. Raise it where policy requires customer-managed keys.",
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
