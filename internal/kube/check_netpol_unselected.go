package kube

// FC-NET-009 inspects a workload's pod template labels (metadata.labels)
// against spec.podSelector of every NetworkPolicy of its namespace in the
// scan unit: a workload whose pods no policy selects fails. Namespaces
// without any NetworkPolicy are FC-NET-002's and are not judged here, so a
// namespace gives one finding or the other, not both. A live cluster's
// per-pod variant belongs to the live checks; FC-LIVE-004 is the reverse
// (a policy that selects no pod).
//
// Pods on the host network are skipped: no NetworkPolicy applies to them
// (FC-K8S-1xx reports hostNetwork).
//
// Severity MEDIUM, as FC-NET-002: such a pod is as open as one in a
// namespace without policies. Kubescape has a per-workload control
// ("Missing network policy"); Trivy and kube-bench (CIS 5.3.2) look per
// namespace only.

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// selectsPods reports whether a policy's podSelector matches pod labels; an
// invalid selector selects nothing, as the API server would reject it.
func selectsPods(np *networkingv1.NetworkPolicy, pod map[string]string) bool {
	sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
	if err != nil {
		return false
	}
	return sel.Matches(labels.Set(pod))
}

func checkUnselectedWorkload() check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: meta("FC-NET-009", "Workload is selected by no NetworkPolicy", finding.SeverityMedium,
			"NetworkPolicies isolate only the pods they select. A pod that no policy of its namespace selects accepts connections from every pod of the cluster and may connect anywhere, even though its neighbours are isolated. Rated MEDIUM like a namespace without policies (FC-NET-002); Trivy and kube-bench look per namespace only.",
			"Label the pods so that an existing policy selects them, or add a policy for the workload (a default deny with podSelector: {} covers every pod).",
			ref("CIS Kubernetes 5.3.2"), refNSA()),
		Eval: func(w *Workload) []check.Violation {
			ns := w.Namespace()
			if ns == nil || len(ns.NetworkPolicies) == 0 || w.PodSpec.HostNetwork {
				return nil
			}
			for _, o := range ns.NetworkPolicies {
				if np, ok := o.Typed.(*networkingv1.NetworkPolicy); ok && selectsPods(np, w.PodMeta.Labels) {
					return nil
				}
			}
			return []check.Violation{{
				Message: fmt.Sprintf("no NetworkPolicy of %s selects the pods of %s (labels %v)", nsLabel(ns), w.Object, labels.Set(w.PodMeta.Labels)),
				Field:   w.Field("metadata.labels"),
			}}
		},
	}
}
