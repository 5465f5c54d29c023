package iac

// Inspects azurerm_kubernetes_cluster.local_account_disabled (default
// false). Allowed: true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkAKSLocalAccounts() check.Check[*KubernetesCluster] {
	return check.Check[*KubernetesCluster]{
		Meta: cloud("FC-AZ-006", "AKS cluster keeps local accounts", finding.SeverityMedium,
			"The local cluster-admin account's static credentials bypass Entra ID authentication, conditional access and audit by identity.",
			"Set local_account_disabled = true and use Entra ID integration.",
			ref("Azure Security Benchmark IM-1", ""), cwe(798)),
		Eval: func(c *KubernetesCluster) []check.Violation {
			if !c.LocalAccountDisabled.Is(false) {
				return nil
			}
			return []check.Violation{at(&c.Block, c.LocalAccountDisabled.Range, "local_account_disabled", "AKS cluster %s keeps local accounts enabled", c.Address)}
		},
	}
}
