package iac

// Inspects the root module's provider "aws" block, counts aws_cloudtrail
// resources anywhere in the configuration and the account-baseline
// resources (see accountBaseline). Allowed: at least one trail, or no
// baseline: a configuration that only deploys an application leaves
// trails to the account's own baseline, and judging it would be noise.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkCloudTrailMissing() check.Check[*AWSProvider] {
	return check.Check[*AWSProvider]{
		Meta: cloud("FC-AWS-072", "AWS account baseline declares no CloudTrail trail", finding.SeverityLow,
			"A configuration that sets up an AWS account's security baseline (password policy, Config, GuardDuty, Security Hub, …) without a trail leaves API activity unrecorded, unless a trail is managed elsewhere (an organization trail). Configurations that only deploy applications are not judged.",
			"Add an aws_cloudtrail (multi-region, with log file validation), or make sure an organization trail covers the account.",
			ref("CIS AWS Foundations 3.1", ""), cwe(778)),
		Eval: func(p *AWSProvider) []check.Violation {
			if p.Trails > 0 || p.Baseline == 0 {
				return nil
			}
			return []check.Violation{{Message: "the configuration sets up the account's security baseline but declares no aws_cloudtrail"}}
		},
	}
}
