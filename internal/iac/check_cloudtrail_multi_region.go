package iac

// Inspects aws_cloudtrail.is_multi_region_trail (default false). Allowed:
// true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkCloudTrailMultiRegion() check.Check[*CloudTrail] {
	return check.Check[*CloudTrail]{
		Meta: cloud("FC-AWS-070", "CloudTrail trail is not multi-region", finding.SeverityMedium,
			"A single-region trail misses activity in every other region, where attackers like to start resources unseen.",
			"Set is_multi_region_trail = true.",
			ref("CIS AWS Foundations 3.1", ""),
			avd("AVD-AWS-0014"), tfsec("aws", "cloudtrail", "enable-all-regions"),
			cwe(778)),
		Eval: func(t *CloudTrail) []check.Violation {
			if !t.MultiRegion.Is(false) {
				return nil
			}
			return []check.Violation{at(&t.Block, t.MultiRegion.Range, "is_multi_region_trail", "CloudTrail %s records one region only", t.Address)}
		},
	}
}
