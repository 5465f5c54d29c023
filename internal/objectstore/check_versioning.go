package objectstore

// Inspects Bucket.Versioning.Status (GetBucketVersioning).
// Allowed: "Enabled". Unknown when the call was not answered.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkVersioning() check.Check[*Bucket] {
	return check.Check[*Bucket]{
		Meta: cloud("FC-S3-002", "S3 bucket versioning is not enabled", finding.SeverityMedium,
			"Without versioning, an overwritten or deleted object cannot be recovered, which turns a leaked credential or a ransomware attack into data loss.",
			"Enable versioning on the bucket (PutBucketVersioning with Status=Enabled).",
			fsbp("S3.14"), cwe(693)),
		Eval: func(b *Bucket) []check.Violation {
			if !b.Versioning.Known() {
				return nil
			}
			switch s := b.Versioning.Value.Status; s {
			case "Enabled":
				return nil
			case "":
				return violation("S3 bucket %q has never enabled versioning", b.Name)
			default:
				return violation("S3 bucket %q has versioning %s", b.Name, s)
			}
		},
	}
}
