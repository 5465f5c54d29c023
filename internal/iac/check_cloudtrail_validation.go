package iac

// Inspects aws_cloudtrail.enable_log_file_validation (default false).
// Allowed: true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkCloudTrailValidation() check.Check[*CloudTrail] {
	return check.Check[*CloudTrail]{
		Meta: cloud("FC-AWS-071", "CloudTrail log file validation is disabled", finding.SeverityMedium,
			"Without log file validation, tampering with or deleting delivered log files goes undetected. "+
				"Medium where Trivy rates it high: the gap matters only once an attacker can already write to the trail's bucket, and validation detects tampering rather than preventing it.",
			"Set enable_log_file_validation = true.",
			ref("CIS AWS Foundations 3.2", ""),
			avd("AVD-AWS-0016"), tfsec("aws", "cloudtrail", "enable-log-validation"),
			cwe(354)),
		Eval: func(t *CloudTrail) []check.Violation {
			if !t.LogValidation.Is(false) {
				return nil
			}
			return []check.Violation{at(&t.Block, t.LogValidation.Range, "enable_log_file_validation", "CloudTrail %s does not validate its log files", t.Address)}
		},
	}
}
