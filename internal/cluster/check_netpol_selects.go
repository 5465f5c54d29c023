package cluster

// FC-LIVE-004 inspects a NetworkPolicy's spec.podSelector against the
// labels of the Pods that exist in its namespace: a policy that selects
// none of them fails. Only a live cluster has the Pods; the check is
// skipped when the snapshot holds no Pods at all (pods could not be read).

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
)

func checkNetworkPolicySelectsNothing() check.Check[*kube.Object] {
	return check.Check[*kube.Object]{
		Meta: meta("FC-LIVE-004", "NetworkPolicy selects no running pod", finding.SeverityLow,
			"The policy's pod selector matches no pod of its namespace: the traffic it was written to restrict is not restricted, usually because of a label typo or a renamed app.",
			"Fix spec.podSelector to match the labels of the pods it is meant to protect, or delete the stale policy.",
			finding.Reference{Source: "NSA/CISA Kubernetes Hardening Guide"}),
		Eval: func(o *kube.Object) []check.Violation {
			np, ok := o.Typed.(*networkingv1.NetworkPolicy)
			if !ok || o.Set() == nil {
				return nil
			}
			sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
			if err != nil {
				return []check.Violation{{Message: fmt.Sprintf("spec.podSelector is invalid: %v", err), Field: "spec.podSelector"}}
			}
			pods, selected := 0, 0
			for _, p := range o.Set().Objects {
				pod, ok := p.Typed.(*corev1.Pod)
				if !ok {
					continue
				}
				pods++
				if pod.Namespace == o.Namespace && !terminal(pod) && sel.Matches(labels.Set(pod.Labels)) {
					selected++
				}
			}
			if pods == 0 || selected > 0 {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("NetworkPolicy %q selects no running pod of namespace %q (selector %q)", o.Name, o.Namespace, sel.String()),
				Field:   "spec.podSelector",
			}}
		},
	}
}

// terminal reports whether a pod has finished and holds no traffic.
func terminal(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
}
