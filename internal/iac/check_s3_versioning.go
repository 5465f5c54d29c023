package iac

// Inspects aws_s3_bucket.versioning.enabled and
// aws_s3_bucket_versioning.versioning_configuration.status.
// Allowed: true / "Enabled".

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkS3Versioning() check.Check[*S3Bucket] {
	return check.Check[*S3Bucket]{
		Meta: cloud("FC-AWS-002", "S3 bucket versioning is not enabled", finding.SeverityMedium,
			"Without versioning, an overwritten or deleted object cannot be recovered, which turns a leaked credential or a ransomware attack into data loss.",
			"Add an aws_s3_bucket_versioning for the bucket with versioning_configuration { status = \"Enabled\" }.",
			ref("AWS Foundational Security Best Practices S3.14", ""),
			avd("AVD-AWS-0090"), tfsec("aws", "s3", "enable-versioning"),
			cwe(693)),
		Eval: func(s *S3Bucket) []check.Violation {
			if !s.Versioning.Is(false) {
				return nil
			}
			return []check.Violation{at(&s.Block, s.Versioning.Range, "versioning",
				"S3 bucket %s does not enable versioning", s.Address)}
		},
	}
}
