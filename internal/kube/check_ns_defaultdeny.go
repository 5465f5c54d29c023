package kube

// FC-NET-004 inspects the NetworkPolicies of each namespace that runs
// workloads and has at least one NetworkPolicy (FC-NET-002 covers none):
// it fails unless one policy selects every pod (podSelector: {}), governs
// Ingress and allows no ingress rule, the default deny.

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func defaultDenyIngress(np *networkingv1.NetworkPolicy) bool {
	return emptySelector(&np.Spec.PodSelector) && hasIngress(np) && len(np.Spec.Ingress) == 0
}

func checkNamespaceDefaultDeny() check.Check[*Namespace] {
	return check.Check[*Namespace]{
		Meta: meta("FC-NET-004", "Namespace has no default-deny ingress policy", finding.SeverityLow,
			"NetworkPolicies only isolate the pods they select; without a default deny every new or unlabelled pod is open to the whole cluster.",
			"Add a NetworkPolicy with podSelector: {}, policyTypes: [Ingress] and no ingress rules, then allow traffic per workload.",
			refNSA()),
		Eval: func(ns *Namespace) []check.Violation {
			if len(ns.Workloads) == 0 || len(ns.NetworkPolicies) == 0 {
				return nil
			}
			for _, o := range ns.NetworkPolicies {
				if np, ok := o.Typed.(*networkingv1.NetworkPolicy); ok && defaultDenyIngress(np) {
					return nil
				}
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s has %d NetworkPolicy(ies) but none denies ingress by default", nsLabel(ns), len(ns.NetworkPolicies)),
			}}
		},
	}
}
