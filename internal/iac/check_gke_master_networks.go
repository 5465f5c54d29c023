package iac

// Inspects google_container_cluster.master_authorized_networks_config.
// Allowed: present.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkGKEMasterAuthorizedNetworks() check.Check[*ContainerCluster] {
	return check.Check[*ContainerCluster]{
		Meta: cloud("FC-GCP-007", "GKE control plane has no authorized networks", finding.SeverityMedium,
			"Without master authorized networks, the cluster's API endpoint accepts connections from any address.",
			"Add master_authorized_networks_config with the CIDR blocks that administer the cluster.",
			ref("CIS Google Kubernetes Engine 5.6.3", ""),
			avd("AVD-GCP-0061"), tfsec("google", "gke", "enable-master-networks"),
			cwe(284)),
		Eval: func(c *ContainerCluster) []check.Violation {
			if !c.MasterAuthorizedNetworks.Is(false) {
				return nil
			}
			return []check.Violation{at(&c.Block, c.MasterAuthorizedNetworks.Range, "master_authorized_networks_config", "GKE cluster %s does not restrict its control plane to authorized networks", c.Address)}
		},
	}
}
