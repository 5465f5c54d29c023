package iac

// Inspects google_container_cluster.database_encryption.state. Allowed:
// "ENCRYPTED".

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkGKEDatabaseEncryption() check.Check[*ContainerCluster] {
	return check.Check[*ContainerCluster]{
		Meta: cloud("FC-GCP-004", "GKE secrets are not encrypted with Cloud KMS", finding.SeverityMedium,
			"Without application-layer secrets encryption, Kubernetes Secrets in etcd are protected only by Google's default storage encryption.",
			"Add database_encryption { state = \"ENCRYPTED\" key_name = ... } with a Cloud KMS key.",
			ref("CIS Google Kubernetes Engine 5.3.1", ""), cwe(311)),
		Eval: func(c *ContainerCluster) []check.Violation {
			if !c.DatabaseEncryption.Is(false) {
				return nil
			}
			return []check.Violation{at(&c.Block, c.DatabaseEncryption.Range, "database_encryption", "GKE cluster %s does not encrypt secrets with Cloud KMS", c.Address)}
		},
	}
}
