package iac

// Inspects aws_eks_cluster.encryption_config.resources. Allowed: contains
// "secrets".

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkEKSSecretsEncryption() check.Check[*EKSCluster] {
	return check.Check[*EKSCluster]{
		Meta: cloud("FC-AWS-041", "EKS secrets are not envelope-encrypted with KMS", finding.SeverityMedium,
			"Without envelope encryption, Kubernetes Secrets are stored in etcd protected only by the storage layer's encryption. "+
				"Medium where Trivy rates it high: etcd lives in the AWS-managed control plane on encrypted storage, so the missing layer matters only to someone who already reaches etcd or its backups, while Secrets stay readable through the API to whoever RBAC allows.",
			"Add encryption_config { resources = [\"secrets\"] provider { key_arn = ... } } with a customer-managed KMS key.",
			ref("CIS Amazon EKS 5.3.1", ""),
			avd("AVD-AWS-0039"), tfsec("aws", "eks", "encrypt-secrets"),
			cwe(311)),
		Eval: func(c *EKSCluster) []check.Violation {
			if !c.SecretsEncryption.Is(false) {
				return nil
			}
			return []check.Violation{at(&c.Block, c.SecretsEncryption.Range, "encryption_config",
				"EKS cluster %s does not encrypt secrets with a KMS key", c.Address)}
		},
	}
}
