package iac

// Inspects node_config.image_type of google_container_cluster (and its
// node_pool blocks) and google_container_node_pool (default
// COS_CONTAINERD). Allowed: COS or COS_CONTAINERD.

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkGKENodeImage() check.Check[*NodeConfig] {
	return check.Check[*NodeConfig]{
		Meta: cloud("FC-GCP-008", "GKE nodes do not run Container-Optimized OS", finding.SeverityLow,
			"Container-Optimized OS has a minimal, read-only, automatically patched root file system; general-purpose images carry more attack surface.",
			"Set node_config.image_type = \"COS_CONTAINERD\".",
			ref("CIS Google Kubernetes Engine 5.5.1", ""),
			avd("AVD-GCP-0054"), tfsec("google", "gke", "node-pool-uses-cos"),
			cwe(1104)),
		Eval: func(n *NodeConfig) []check.Violation {
			if !n.ImageType.Known || strings.HasPrefix(strings.ToUpper(n.ImageType.Val), "COS") {
				return nil
			}
			return []check.Violation{at(&n.Block, n.ImageType.Range, "node_config.image_type", "%s uses node image %q instead of Container-Optimized OS", n.Address, n.ImageType.Val)}
		},
	}
}
