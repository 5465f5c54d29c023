package iac

// Inspects the root module's provider "aws" block and counts aws_cloudtrail
// resources anywhere in the configuration. Allowed: at least one trail.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkCloudTrailMissing() check.Check[*AWSProvider] {
	return check.Check[*AWSProvider]{
		Meta: cloud("FC-AWS-072", "AWS configuration declares no CloudTrail trail", finding.SeverityLow,
			"A root configuration that sets up an AWS account or environment without a trail leaves API activity unrecorded, unless a trail is managed elsewhere (an organization trail).",
			"Add an aws_cloudtrail (multi-region, with log file validation), or make sure an organization trail covers the account.",
			ref("CIS AWS Foundations 3.1", ""), cwe(778)),
		Eval: func(p *AWSProvider) []check.Violation {
			if p.Trails > 0 {
				return nil
			}
			return []check.Violation{{Message: "the configuration configures the aws provider but declares no aws_cloudtrail"}}
		},
	}
}
