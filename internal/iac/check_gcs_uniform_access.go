package iac

// Inspects google_storage_bucket.uniform_bucket_level_access (default
// false). Allowed: true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkGCSUniformAccess() check.Check[*StorageBucket] {
	return check.Check[*StorageBucket]{
		Meta: cloud("FC-GCP-001", "Cloud Storage bucket does not use uniform bucket-level access", finding.SeverityMedium,
			"With fine-grained ACLs, any object can be made public on its own, bypassing the bucket's IAM policy.",
			"Set uniform_bucket_level_access = true.",
			ref("CIS Google Cloud Platform 5.2", ""),
			avd("AVD-GCP-0002"), tfsec("google", "storage", "enable-ubla"),
			cwe(284)),
		Eval: func(b *StorageBucket) []check.Violation {
			if !b.UniformAccess.Is(false) {
				return nil
			}
			return []check.Violation{at(&b.Block, b.UniformAccess.Range, "uniform_bucket_level_access", "bucket %s does not enable uniform bucket-level access", b.Address)}
		},
	}
}
