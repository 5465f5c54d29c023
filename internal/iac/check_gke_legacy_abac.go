package iac

// Inspects google_container_cluster.enable_legacy_abac (default false).
// Allowed: false.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkGKELegacyABAC() check.Check[*ContainerCluster] {
	return check.Check[*ContainerCluster]{
		Meta: cloud("FC-GCP-005", "GKE legacy ABAC is enabled", finding.SeverityHigh,
			"Legacy attribute-based access control grants broad, static permissions that bypass Kubernetes RBAC.",
			"Set enable_legacy_abac = false and use RBAC.",
			ref("CIS Google Kubernetes Engine 5.8.3", ""),
			avd("AVD-GCP-0062"), tfsec("google", "gke", "use-rbac-permissions"),
			cwe(284)),
		Eval: func(c *ContainerCluster) []check.Violation {
			if !c.LegacyABAC.Is(true) {
				return nil
			}
			return []check.Violation{at(&c.Block, c.LegacyABAC.Range, "enable_legacy_abac", "GKE cluster %s enables legacy ABAC", c.Address)}
		},
	}
}
