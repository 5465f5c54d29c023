package objectstore

// Inspects Bucket.Logging.TargetBucket (GetBucketLogging).
// Allowed: a target bucket. Unknown when the call was not answered.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkLogging() check.Check[*Bucket] {
	return check.Check[*Bucket]{
		Meta: cloud("FC-S3-008", "S3 bucket access logging is not enabled", finding.SeverityLow,
			"Without server access logs there is no record of who read, wrote or deleted objects, so a breach cannot be scoped or investigated.",
			"Enable server access logging to a separate, restricted log bucket (or an equivalent audit log on endpoints without bucket logging).",
			fsbp("S3.9"), cwe(778)),
		Eval: func(b *Bucket) []check.Violation {
			if !b.Logging.Known() || b.Logging.Value.TargetBucket != "" {
				return nil
			}
			return violation("S3 bucket %q does not log server access", b.Name)
		},
	}
}
