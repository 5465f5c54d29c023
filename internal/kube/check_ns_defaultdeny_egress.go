package kube

// FC-NET-008 inspects the NetworkPolicies of each namespace that runs
// workloads: it fails unless one policy selects every pod (podSelector:
// {}), lists Egress in spec.policyTypes and has no egress rule that allows
// every destination on every port (a rule without ports whose to is empty,
// or an ipBlock of 0.0.0.0/0 or ::/0 without except). Rules that open only
// some ports to anywhere, such as DNS on 53, keep the deny.
//
// Egress is its own check rather than a discriminator of FC-NET-004:
// a namespace with no NetworkPolicy at all fails here too (FC-NET-002 is
// the ingress side of that namespace), and teams often adopt ingress
// isolation first, so the two controls are ignored and tracked apart.
//
// Severity: Kubescape's "Ingress and Egress blocked" control rates the
// pair higher; Trivy and kube-bench (CIS 5.3.2 is a manual check of
// policies in general) do not rate egress on its own. fourc says LOW, like FC-NET-004:
// a missing egress deny widens what a compromised pod can reach (exfiltration,
// the cloud metadata endpoint, other namespaces) but is not itself a way in.

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// hasEgress reports whether the policy governs egress traffic: when
// policyTypes is empty, only a policy with egress rules does.
func hasEgress(np *networkingv1.NetworkPolicy) bool {
	if len(np.Spec.PolicyTypes) == 0 {
		return len(np.Spec.Egress) > 0
	}
	for _, t := range np.Spec.PolicyTypes {
		if t == networkingv1.PolicyTypeEgress {
			return true
		}
	}
	return false
}

// openEgress reports whether an egress rule allows every destination on
// every port.
func openEgress(r networkingv1.NetworkPolicyEgressRule) bool {
	if len(r.Ports) > 0 {
		return false
	}
	if len(r.To) == 0 {
		return true
	}
	for _, p := range r.To {
		if emptySelector(p.NamespaceSelector) && (p.PodSelector == nil || emptySelector(p.PodSelector)) {
			return true
		}
		if p.IPBlock != nil && openCIDR(p.IPBlock.CIDR) && len(p.IPBlock.Except) == 0 {
			return true
		}
	}
	return false
}

func defaultDenyEgress(np *networkingv1.NetworkPolicy) bool {
	if !emptySelector(&np.Spec.PodSelector) || !hasEgress(np) {
		return false
	}
	for _, r := range np.Spec.Egress {
		if openEgress(r) {
			return false
		}
	}
	return true
}

func checkNamespaceDefaultDenyEgress() check.Check[*Namespace] {
	return check.Check[*Namespace]{
		Meta: meta("FC-NET-008", "Namespace has no default-deny egress policy", finding.SeverityLow,
			"Without a default-deny egress policy a compromised pod can connect anywhere: other namespaces, the cloud metadata endpoint, the internet (exfiltration, command and control). Kubescape rates its combined ingress-and-egress control higher; fourc rates egress LOW, like the missing ingress deny (FC-NET-004), because it widens an attack rather than opening one.",
			"Add a NetworkPolicy with podSelector: {}, policyTypes: [Egress] and only the egress rules every pod needs (DNS), then allow further destinations per workload.",
			ref("CIS Kubernetes 5.3.2"), refNSA()),
		Eval: func(ns *Namespace) []check.Violation {
			if len(ns.Workloads) == 0 || systemNamespace(ns.Name) {
				return nil
			}
			for _, o := range ns.NetworkPolicies {
				if np, ok := o.Typed.(*networkingv1.NetworkPolicy); ok && defaultDenyEgress(np) {
					return nil
				}
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s runs %d workload(s) and no NetworkPolicy denies their egress by default (%d policy(ies) in the namespace)", nsLabel(ns), len(ns.Workloads), len(ns.NetworkPolicies)),
			}}
		},
	}
}
