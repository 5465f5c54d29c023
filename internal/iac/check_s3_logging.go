package iac

// Inspects aws_s3_bucket.logging, aws_s3_bucket_logging naming the bucket
// and CloudFormation LoggingConfiguration. Allowed: logging configured; a
// bucket that receives (or may receive) other buckets' access logs, or has
// the log-delivery-write ACL, is a log target and is not asked to log.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkS3Logging() check.Check[*S3Bucket] {
	return check.Check[*S3Bucket]{
		Meta: cloud("FC-AWS-611", "S3 bucket has no server access logging", finding.SeverityLow,
			"Without server access logs nothing records who read, wrote or deleted which object, from which address: CloudTrail records object-level calls only when data events are bought for the bucket. "+
				"After a leaked key or a public-access mistake there is then no way to tell what was taken. A bucket that receives CloudTrail logs matters most: its access log shows who read or tried to tamper with the audit trail. "+
				"Low: a detection and forensics gap, no exposure by itself. Buckets that receive other buckets' access logs are not asked to log themselves.",
			"Add an aws_s3_bucket_logging for the bucket with target_bucket set to a dedicated log bucket.",
			ref("CIS AWS Foundations 1.4.0 3.6", ""),
			avd("AVD-AWS-0089"), tfsec("aws", "s3", "enable-bucket-logging"),
			avd("AVD-AWS-0163"),
			cwe(778)),
		Eval: func(s *S3Bucket) []check.Violation {
			if !s.Logging.Is(false) || s.LogTarget || s.ACL.Is("log-delivery-write") {
				return nil
			}
			if s.Trail != "" {
				return []check.Violation{at(&s.Block, s.Logging.Range, "logging",
					"S3 bucket %s receives CloudTrail logs from %s but records no server access logs", s.Address, s.Trail)}
			}
			return []check.Violation{at(&s.Block, s.Logging.Range, "logging",
				"S3 bucket %s records no server access logs", s.Address)}
		},
	}
}
