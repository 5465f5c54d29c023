package iac

// Inspects aws_iam_access_key.user, linked to the user's
// aws_iam_user_policy_attachment / aws_iam_policy_attachment
// (AdministratorAccess) and aws_iam_user_policy (Action "*"). Allowed: the
// user is not known to be an administrator.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkIAMAdminAccessKey() check.Check[*AccessKey] {
	return check.Check[*AccessKey]{
		Meta: cloud("FC-AWS-063", "Access key created for an administrator IAM user", finding.SeverityHigh,
			"A long-lived access key for an administrator is root-equivalent: it never expires, is often copied into CI systems and laptops, and its secret is stored in the Terraform state.",
			"Remove the access key; let automation assume a narrowly scoped role (OIDC federation for CI) instead.",
			ref("CIS AWS Foundations 1.4", ""), ref("CIS AWS Foundations 1.15", ""), cwe(798)),
		Eval: func(k *AccessKey) []check.Violation {
			if k.AdminVia == "" {
				return nil
			}
			return []check.Violation{at(&k.Block, k.User.Range, "user", "%s is an access key for a user made administrator by %s", k.Address, k.AdminVia)}
		},
	}
}
