package kube

// FC-NET-002 inspects each namespace of the set: one that runs workloads
// but has no NetworkPolicy fails. Workloads that leave the namespace out
// count as one namespace, the one the client applies them to.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// nsLabel names a namespace in messages.
func nsLabel(ns *Namespace) string {
	if ns.Name == "" {
		return "the namespace of workloads without metadata.namespace"
	}
	return fmt.Sprintf("namespace %q", ns.Name)
}

func checkNamespaceNetworkPolicy() check.Check[*Namespace] {
	return check.Check[*Namespace]{
		Meta: meta("FC-NET-002", "Namespace has no NetworkPolicy", finding.SeverityMedium,
			"Without NetworkPolicies every pod accepts connections from every pod of the cluster, so one compromised pod can reach all the others.",
			"Add a default-deny NetworkPolicy to the namespace and allow only the traffic each workload needs.",
			ref("CIS Kubernetes 5.3.2"), refNSA()),
		Eval: func(ns *Namespace) []check.Violation {
			if len(ns.Workloads) == 0 || len(ns.NetworkPolicies) > 0 {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s runs %d workload(s) and has no NetworkPolicy", nsLabel(ns), len(ns.Workloads)),
			}}
		},
	}
}
