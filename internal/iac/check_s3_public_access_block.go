package iac

// Inspects the aws_s3_bucket_public_access_block naming the bucket (or an
// aws_s3_account_public_access_block): block_public_acls,
// block_public_policy, ignore_public_acls, restrict_public_buckets.
// Allowed: a block exists and all four are true.

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkS3PublicAccessBlock() check.Check[*S3Bucket] {
	return check.Check[*S3Bucket]{
		Meta: cloud("FC-AWS-004", "S3 bucket public access is not blocked", finding.SeverityMedium,
			"Without all four public access block settings, a later ACL or bucket policy change can expose the bucket to the internet. "+
				"Medium where Trivy rates the individual block settings high (and the missing block itself low): the gap exposes nothing until an ACL or bucket policy actually grants public access, and those grants are reported on their own.",
			"Add an aws_s3_bucket_public_access_block for the bucket (or an account-level one) with all four settings true.",
			ref("CIS AWS Foundations 2.1.5", ""),
			avd("AVD-AWS-0094"), tfsec("aws", "s3", "specify-public-access-block"),
			avd("AVD-AWS-0086"), tfsec("aws", "s3", "block-public-acls"),
			avd("AVD-AWS-0087"), tfsec("aws", "s3", "block-public-policy"),
			avd("AVD-AWS-0091"), tfsec("aws", "s3", "ignore-public-acls"),
			avd("AVD-AWS-0093"), tfsec("aws", "s3", "no-public-buckets"),
			cwe(284)),
		Eval: func(s *S3Bucket) []check.Violation {
			p := s.PublicAccessBlock
			if p == nil {
				if s.PublicAccessBlockUnknown {
					return nil
				}
				return []check.Violation{at(&s.Block, s.Range, "public_access_block", "S3 bucket %s has no public access block", s.Address)}
			}
			var off []string
			r := p.Range
			for _, f := range []struct {
				name string
				v    Value[bool]
			}{
				{"block_public_acls", p.BlockPublicACLs},
				{"block_public_policy", p.BlockPublicPolicy},
				{"ignore_public_acls", p.IgnorePublicACLs},
				{"restrict_public_buckets", p.RestrictPublicBuckets},
			} {
				if f.v.Is(false) {
					if len(off) == 0 {
						r = f.v.Range
					}
					off = append(off, f.name)
				}
			}
			if len(off) == 0 {
				return nil
			}
			return []check.Violation{at(&s.Block, r, "public_access_block",
				"public access block %s for S3 bucket %s does not set %s to true", p.Address, s.Address, strings.Join(off, ", "))}
		},
	}
}
