package objectstore

// Inspects Bucket.Encryption (GetBucketEncryption): the default encryption
// rules. Allowed: at least one rule with an algorithm (AES256, aws:kms,
// aws:kms:dsse). Unknown when the call was not answered.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkEncryption() check.Check[*Bucket] {
	return check.Check[*Bucket]{
		Meta: cloud("FC-S3-001", "S3 bucket has no server-side encryption configuration", finding.SeverityHigh,
			"Objects written to a bucket without default encryption are stored unencrypted unless every client asks for encryption, so a leaked disk or snapshot exposes them.",
			"Configure default encryption on the bucket (SSE-S3 AES256, or aws:kms with a customer-managed key where the endpoint supports it).",
			ref("CIS AWS Foundations 2.1.1", ""), cwe(311)),
		Eval: func(b *Bucket) []check.Violation {
			if !b.Encryption.Known() {
				return nil
			}
			for _, r := range b.Encryption.Value.Rules {
				if r.Algorithm != "" {
					return nil
				}
			}
			return violation("S3 bucket %q has no default server-side encryption", b.Name)
		},
	}
}
