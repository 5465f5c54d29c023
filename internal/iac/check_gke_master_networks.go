package iac

// Inspects google_container_cluster.master_authorized_networks_config.
// Allowed: present.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkGKEMasterAuthorizedNetworks() check.Check[*ContainerCluster] {
	return check.Check[*ContainerCluster]{
		Meta: cloud("FC-GCP-007", "GKE control plane has no authorized networks", finding.SeverityCritical,
			"Without master authorized networks, the cluster's API endpoint accepts connections from any address. "+
				"Critical where Trivy rates it high: fourc rates a Kubernetes control plane open to the whole internet the same on every cloud (FC-AWS-040, FC-AZ-007), one leaked credential or API-server flaw away from every workload.",
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
