package iac

// Inspects aws_iam_user_policy_attachment and aws_iam_policy_attachment
// (users): policy_arn. Allowed: anything but arn:*:iam::aws:policy/AdministratorAccess.

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkIAMUserAdmin() check.Check[*PolicyAttachment] {
	return check.Check[*PolicyAttachment]{
		Meta: cloud("FC-AWS-062", "AdministratorAccess is attached to an IAM user", finding.SeverityHigh,
			"IAM users hold long-lived credentials; giving one full administrator rights makes any leak of its password or access keys an account takeover. "+
				"High where Trivy rates a policy attached directly to a user low: that is hygiene in general, but with AdministratorAccess one leaked password or access key is a takeover of the account.",
			"Grant administrator rights through a role assumed with MFA (or IAM Identity Center), never directly to a user.",
			ref("CIS AWS Foundations 1.15", ""),
			avd("AVD-AWS-0143"),
			cwe(269)),
		Eval: func(a *PolicyAttachment) []check.Violation {
			if !a.PolicyARN.Known || !strings.HasSuffix(a.PolicyARN.Val, ":"+adminPolicy) || len(a.Users.Items) == 0 && len(a.Users.Refs) == 0 {
				return nil
			}
			return []check.Violation{at(&a.Block, a.PolicyARN.Range, "policy_arn", "%s attaches AdministratorAccess to an IAM user", a.Address)}
		},
	}
}
