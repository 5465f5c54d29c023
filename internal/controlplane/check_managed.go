package controlplane

// FC-CIS-110 reads the platform detected on the node: on a managed
// service (EKS, GKE, AKS) the control plane is not on any node, so the
// control-plane recommendations of sections 1–3 cannot be checked from
// here. The check reports that once per node, at INFO, with the cloud
// settings that stand for them; other platforms pass.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// managedControls maps each managed service to the cloud configuration
// that carries the control-plane recommendations.
var managedControls = map[string]string{
	"eks": "EKS: enable control-plane logging (api, audit, authenticator), envelope-encrypt secrets with a KMS key (encryptionConfig), restrict or disable the public endpoint (endpointPublicAccess, publicAccessCidrs), and use access entries instead of aws-auth",
	"gke": "GKE: enable application-layer secrets encryption with Cloud KMS, Cloud Audit Logs, a private cluster endpoint or authorized networks, Shielded GKE nodes and Workload Identity",
	"aks": "AKS: enable Key Vault KMS etcd encryption, diagnostic settings for kube-audit, an API server authorized IP range or private cluster, Entra ID integration with local accounts disabled",
}

func managedRule() Rule {
	return Rule{
		ID: "FC-CIS-110", Components: []Component{ControlPlaneNode}, Severity: finding.SeverityInfo,
		Title:       "Control plane is managed by the cloud provider",
		Description: "On EKS, GKE and AKS the API server, controller manager, scheduler and etcd run in the provider's account; their CIS recommendations are met, or not, through the cluster's cloud configuration, which `fourc cloud` checks.",
		Remediation: "Check the managed cluster's cloud configuration (Terraform, CloudFormation or the provider's API) for the settings listed in the finding.",
		Eval: func(c *ComponentConfig) []check.Violation {
			hint, ok := managedControls[c.Platform.Name]
			if !ok {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("node runs on %s: the control plane is not visible here; check the cloud configuration instead — %s", c.Platform, hint),
				Field:   c.Platform.Evidence,
			}}
		},
		Refs: []finding.Reference{
			{Source: "CIS Amazon EKS Benchmark"}, {Source: "CIS Google Kubernetes Engine (GKE) Benchmark"}, {Source: "CIS Azure Kubernetes Service (AKS) Benchmark"},
		},
	}
}
