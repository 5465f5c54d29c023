package iac

// Inspects aws_s3_bucket.acl and aws_s3_bucket_acl (acl or
// access_control_policy grants). Allowed: any canned ACL except
// public-read, public-read-write and authenticated-read.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkS3PublicACL() check.Check[*S3Bucket] {
	return check.Check[*S3Bucket]{
		Meta: cloud("FC-AWS-003", "S3 bucket ACL grants public access", finding.SeverityHigh,
			"A public-read, public-read-write or authenticated-read ACL lets anyone on the internet (or any AWS account) list, read or write the bucket's objects.",
			"Use the private ACL (or disable ACLs with object ownership BucketOwnerEnforced) and grant access through bucket policies to named principals.",
			ref("CIS AWS Foundations 2.1.5", ""),
			avd("AVD-AWS-0092"), tfsec("aws", "s3", "no-public-access-with-acl"),
			cwe(284)),
		Eval: func(s *S3Bucket) []check.Violation {
			for _, acl := range []string{"public-read", "public-read-write", "authenticated-read"} {
				if s.ACL.Is(acl) {
					return []check.Violation{at(&s.Block, s.ACL.Range, "acl", "S3 bucket %s has the %q ACL", s.Address, acl)}
				}
			}
			return nil
		},
	}
}
