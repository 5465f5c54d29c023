package iac

// Inspects the statements of IAM policy documents (aws_iam_policy,
// aws_iam_role_policy, aws_iam_user_policy, aws_iam_group_policy and data
// aws_iam_policy_document): Effect and Action. Allowed: no Allow
// statement whose Action is "*" or "*:*".

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkIAMAllActions() check.Check[*PolicyDocument] {
	return check.Check[*PolicyDocument]{
		Meta: cloud("FC-AWS-060", "IAM policy allows all actions", finding.SeverityCritical,
			"A statement allowing Action \"*\" grants full administrative rights over the resources it names; a compromise of any principal holding it is a compromise of the account. "+
				"Critical, one level above Trivy's rating for policy wildcards in general: this statement is administrator access itself, the largest impact IAM can grant.",
			"List the specific actions the principal needs instead of \"*\".",
			ref("CIS AWS Foundations 1.16", ""),
			avd("AVD-AWS-0057"), tfsec("aws", "iam", "no-policy-wildcards"),
			cwe(269)),
		Eval: func(p *PolicyDocument) []check.Violation {
			var out []check.Violation
			for i, s := range p.Statements {
				if !s.Effect.Is("Allow") || !s.Actions.Has("*", "*:*") {
					continue
				}
				v := at(&p.Block, s.Range, "Statement", "statement %d of %s allows Action \"*\"", i+1, p.Address)
				v.Discriminator = fmt.Sprint(i)
				out = append(out, v)
			}
			return out
		},
	}
}
