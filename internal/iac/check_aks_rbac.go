package iac

// Inspects azurerm_kubernetes_cluster.role_based_access_control_enabled
// (or role_based_access_control.enabled; default true). Allowed: true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkAKSRBAC() check.Check[*KubernetesCluster] {
	return check.Check[*KubernetesCluster]{
		Meta: cloud("FC-AZ-005", "AKS cluster has Kubernetes RBAC disabled", finding.SeverityHigh,
			"Without RBAC every authenticated user is effectively a cluster administrator.",
			"Set role_based_access_control_enabled = true (the cluster must be recreated).",
			ref("CIS Azure Kubernetes Service 4.1", ""),
			avd("AVD-AZU-0042"), tfsec("azure", "container", "use-rbac-permissions"),
			cwe(284)),
		Eval: func(c *KubernetesCluster) []check.Violation {
			if !c.RBAC.Is(false) {
				return nil
			}
			return []check.Violation{at(&c.Block, c.RBAC.Range, "role_based_access_control_enabled", "AKS cluster %s disables Kubernetes RBAC", c.Address)}
		},
	}
}
