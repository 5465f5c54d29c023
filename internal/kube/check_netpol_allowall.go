package kube

// FC-NET-003 inspects spec.policyTypes, spec.podSelector and
// spec.ingress[*].from and ports of NetworkPolicies. An ingress rule fails
// when it admits every source on every port: no from at all, or a peer that
// selects every pod of every namespace (namespaceSelector: {} without a
// podSelector restriction) or an ipBlock of 0.0.0.0/0 or ::/0 without
// exceptions, together with no port restriction.

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func emptySelector(s *metav1.LabelSelector) bool {
	return s != nil && len(s.MatchLabels) == 0 && len(s.MatchExpressions) == 0
}

// anySource reports whether an ingress rule admits traffic from anywhere.
func anySource(r networkingv1.NetworkPolicyIngressRule) bool {
	if len(r.From) == 0 {
		return true
	}
	for _, p := range r.From {
		if emptySelector(p.NamespaceSelector) && (p.PodSelector == nil || emptySelector(p.PodSelector)) {
			return true
		}
		if p.IPBlock != nil && openCIDR(p.IPBlock.CIDR) && len(p.IPBlock.Except) == 0 {
			return true
		}
	}
	return false
}

// hasIngress reports whether the policy governs ingress traffic.
func hasIngress(np *networkingv1.NetworkPolicy) bool {
	if len(np.Spec.PolicyTypes) == 0 {
		return true
	}
	for _, t := range np.Spec.PolicyTypes {
		if t == networkingv1.PolicyTypeIngress {
			return true
		}
	}
	return false
}

func checkNetworkPolicyAllowAll() check.Check[*Object] {
	return check.Check[*Object]{
		Meta: meta("FC-NET-003", "NetworkPolicy allows all ingress", finding.SeverityMedium,
			"An ingress rule that admits every source on every port cancels every other policy for the pods it selects, including a default deny.",
			"Restrict the rule's from to the pods, namespaces or address ranges that must connect, and list the ports.",
			refNSA()),
		Eval: func(o *Object) []check.Violation {
			np, ok := o.Typed.(*networkingv1.NetworkPolicy)
			if !ok || !hasIngress(np) {
				return nil
			}
			to := "the pods it selects"
			if emptySelector(&np.Spec.PodSelector) {
				to = "every pod of the namespace"
			}
			var out []check.Violation
			for i, r := range np.Spec.Ingress {
				if len(r.Ports) > 0 || !anySource(r) {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("ingress rule %d admits traffic from any source on any port to %s", i, to),
					Field:         fieldIndex("spec.ingress", i),
					Discriminator: fmt.Sprint(i),
				})
			}
			return out
		},
	}
}
