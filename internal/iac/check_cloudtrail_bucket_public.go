package iac

// Inspects the S3 bucket a CloudTrail trail delivers to (s3_bucket_name /
// S3BucketName): its canned ACL, inline or from aws_s3_bucket_acl, and the
// public access block that applies to it. Allowed: a private ACL, or a
// public ACL that ignore_public_acls neutralises.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkCloudTrailBucketPublic() check.Check[*S3Bucket] {
	return check.Check[*S3Bucket]{
		Meta: cloud("FC-AWS-612", "CloudTrail log bucket ACL grants public access", finding.SeverityCritical,
			"A public-read, public-read-write or authenticated-read ACL on the bucket a CloudTrail trail writes to lets anyone list and read the account's whole API history: "+
				"every principal, role, resource name, source address and failed call, a map for an attacker; with public-read-write they can also delete or plant log files. "+
				"Critical: the exposure is anonymous and the audit trail itself is lost as evidence. FC-AWS-003 reports public ACLs on any bucket.",
			"Set the bucket's ACL to private (or disable ACLs with object ownership BucketOwnerEnforced) and block public access on it.",
			ref("CIS AWS Foundations 1.4.0 3.3", ""),
			avd("AVD-AWS-0161"),
			cwe(284)),
		Eval: func(s *S3Bucket) []check.Violation {
			if s.Trail == "" || (s.PublicAccessBlock != nil && s.PublicAccessBlock.IgnorePublicACLs.Is(true)) {
				return nil
			}
			for _, acl := range []string{"public-read", "public-read-write", "authenticated-read"} {
				if s.ACL.Is(acl) {
					return []check.Violation{at(&s.Block, s.ACL.Range, "acl",
						"S3 bucket %s receives CloudTrail logs from %s and has the %q ACL", s.Address, s.Trail, acl)}
				}
			}
			return nil
		},
	}
}
