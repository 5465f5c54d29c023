package iac

// Inspects azurerm_kubernetes_cluster: private_cluster_enabled and
// api_server_access_profile.authorized_ip_ranges (or
// api_server_authorized_ip_ranges). Allowed: a private cluster, or a known
// non-empty list without 0.0.0.0/0.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkAKSAuthorizedIPs() check.Check[*KubernetesCluster] {
	return check.Check[*KubernetesCluster]{
		Meta: cloud("FC-AZ-007", "AKS API server has no authorized IP ranges", finding.SeverityCritical,
			"A public API server without authorized IP ranges accepts connections from any address. "+
				"Critical, as for EKS (FC-AWS-040): the cluster's control plane is open to the whole internet, one leaked credential or API-server flaw away from every workload and secret.",
			"Set api_server_access_profile { authorized_ip_ranges = [...] } or private_cluster_enabled = true.",
			ref("CIS Azure Kubernetes Service 5.4.1", ""),
			avd("AVD-AZU-0041"), tfsec("azure", "container", "limit-authorized-ips"),
			cwe(284)),
		Eval: func(c *KubernetesCluster) []check.Violation {
			if !c.Private.Is(false) || !c.AuthorizedIPRanges.Known {
				return nil
			}
			if src, open := openSource(c.AuthorizedIPRanges); open {
				return []check.Violation{at(&c.Block, src.Range, "authorized_ip_ranges", "AKS cluster %s authorizes %s to reach its API server", c.Address, src.Val)}
			}
			if len(c.AuthorizedIPRanges.Items) > 0 {
				return nil
			}
			return []check.Violation{at(&c.Block, c.AuthorizedIPRanges.Range, "authorized_ip_ranges", "AKS cluster %s has a public API server without authorized IP ranges", c.Address)}
		},
	}
}
