package iac

// Inspects aws_ecr_repository.image_scanning_configuration.scan_on_push
// (default false; unknown when aws_ecr_registry_scanning_configuration
// exists). Allowed: true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkECRScanOnPush() check.Check[*ECRRepository] {
	return check.Check[*ECRRepository]{
		Meta: cloud("FC-AWS-090", "ECR repository does not scan images on push", finding.SeverityMedium,
			"Images pushed without a vulnerability scan reach the cluster with whatever known vulnerabilities they carry, unnoticed. "+
				"Medium where Trivy rates it high: the missing scan opens nothing by itself, an attacker still has to reach a vulnerable running workload, and registry-wide or pipeline scanning often covers the same images.",
			"Set image_scanning_configuration { scan_on_push = true }, or configure registry-wide enhanced scanning.",
			ref("AWS Foundational Security Best Practices ECR.1", ""),
			avd("AVD-AWS-0030"), tfsec("aws", "ecr", "enable-image-scans"),
			cwe(1104)),
		Eval: func(r *ECRRepository) []check.Violation {
			if !r.ScanOnPush.Is(false) {
				return nil
			}
			return []check.Violation{at(&r.Block, r.ScanOnPush.Range, "image_scanning_configuration.scan_on_push", "ECR repository %s does not scan images on push", r.Address)}
		},
	}
}
