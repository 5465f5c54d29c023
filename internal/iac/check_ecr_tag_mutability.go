package iac

// Inspects aws_ecr_repository.image_tag_mutability (default MUTABLE).
// Allowed: IMMUTABLE or IMMUTABLE_WITH_EXCLUSION.

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkECRTagMutability() check.Check[*ECRRepository] {
	return check.Check[*ECRRepository]{
		Meta: cloud("FC-AWS-091", "ECR image tags are mutable", finding.SeverityMedium,
			"With mutable tags, whoever can push can silently replace the image behind a tag that deployments already reference. "+
				"Medium where Trivy rates it high: only principals already allowed to push to the repository can swap an image, so it widens what a compromised pipeline can do rather than who has access.",
			"Set image_tag_mutability = \"IMMUTABLE\" and deploy by digest.",
			ref("AWS Foundational Security Best Practices ECR.2", ""),
			avd("AVD-AWS-0031"), tfsec("aws", "ecr", "enforce-immutable-repository"),
			cwe(494)),
		Eval: func(r *ECRRepository) []check.Violation {
			if !r.TagMutability.Known || strings.HasPrefix(r.TagMutability.Val, "IMMUTABLE") {
				return nil
			}
			return []check.Violation{at(&r.Block, r.TagMutability.Range, "image_tag_mutability", "ECR repository %s allows tags to be overwritten (%s)", r.Address, r.TagMutability.Val)}
		},
	}
}
