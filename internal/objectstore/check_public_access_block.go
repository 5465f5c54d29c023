package objectstore

// Inspects Bucket.PublicAccessBlock (GetPublicAccessBlock):
// BlockPublicACLs, IgnorePublicACLs, BlockPublicPolicy,
// RestrictPublicBuckets. Allowed: a block with all four true. Unknown when
// the call was not answered (MinIO does not implement it).

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkPublicAccessBlock() check.Check[*Bucket] {
	return check.Check[*Bucket]{
		Meta: cloud("FC-S3-009", "S3 bucket public access is not blocked", finding.SeverityMedium,
			"Without all four public access block settings, a later ACL or bucket policy change can expose the bucket to the internet.",
			"Configure the bucket's public access block (or the account's) with BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets all true.",
			ref("CIS AWS Foundations 2.1.5", ""), fsbp("S3.8"), cwe(284)),
		Eval: func(b *Bucket) []check.Violation {
			if !b.PublicAccessBlock.Known() {
				return nil
			}
			p := b.PublicAccessBlock.Value
			if p == nil {
				return violation("S3 bucket %q has no public access block", b.Name)
			}
			var off []string
			for _, f := range []struct {
				name string
				on   bool
			}{
				{"BlockPublicAcls", p.BlockPublicACLs},
				{"IgnorePublicAcls", p.IgnorePublicACLs},
				{"BlockPublicPolicy", p.BlockPublicPolicy},
				{"RestrictPublicBuckets", p.RestrictPublicBuckets},
			} {
				if !f.on {
					off = append(off, f.name)
				}
			}
			if len(off) == 0 {
				return nil
			}
			return violation("public access block of S3 bucket %q does not set %s to true", b.Name, strings.Join(off, ", "))
		},
	}
}
