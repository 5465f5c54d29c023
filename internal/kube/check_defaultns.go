package kube

// FC-K8S-014 inspects metadata.namespace of workloads: "default" fails.
// Workloads that leave the namespace out are applied wherever the client
// points and are not reported.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkDefaultNamespace() check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: meta("FC-K8S-014", "Workload runs in the default namespace", finding.SeverityLow,
			"The default namespace usually has no NetworkPolicies, quotas or Pod Security labels, and mixes unrelated workloads under the same RBAC.",
			"Create a namespace per application or team and move the workload there.",
			ref("CIS Kubernetes 5.7.4"), refNSA()),
		Eval: func(w *Workload) []check.Violation {
			if w.Object.Namespace != "default" {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s runs in the default namespace", w.Object),
				Field:   "metadata.namespace",
			}}
		},
	}
}
