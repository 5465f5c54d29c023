package iac

// Inspects google_container_cluster.private_cluster_config.enable_private_nodes
// (default false; unknown for Autopilot). Allowed: true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkGKEPrivateNodes() check.Check[*ContainerCluster] {
	return check.Check[*ContainerCluster]{
		Meta: cloud("FC-GCP-006", "GKE nodes have public IP addresses", finding.SeverityMedium,
			"Nodes with public addresses are directly reachable from the internet; a private cluster keeps them on internal addresses only.",
			"Add private_cluster_config { enable_private_nodes = true }.",
			ref("CIS Google Kubernetes Engine 5.6.5", ""),
			avd("AVD-GCP-0059"), tfsec("google", "gke", "enable-private-cluster"),
			cwe(284)),
		Eval: func(c *ContainerCluster) []check.Violation {
			if !c.PrivateNodes.Is(false) {
				return nil
			}
			return []check.Violation{at(&c.Block, c.PrivateNodes.Range, "private_cluster_config.enable_private_nodes", "GKE cluster %s does not use private nodes", c.Address)}
		},
	}
}
