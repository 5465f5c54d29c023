package kube

// FC-K8S-203 inspects spec.hard of ResourceQuota objects: a quota that
// sets none of requests.cpu, requests.memory, limits.cpu, limits.memory or
// pods fails, naming the missing ones (cpu and memory count as
// requests.cpu and requests.memory, as the API server reads them). Quotas
// with spec.scopes or spec.scopeSelector are skipped: they bound a subset
// of pods on purpose and another quota covers the rest.
//
// Severity LOW, as Trivy's KSV040 (which asks for the four cpu and memory
// keys); fourc also asks for pods, which bounds the pod count itself.

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkResourceQuotaScope() check.Check[*Object] {
	return check.Check[*Object]{
		Meta: meta("FC-K8S-203", "ResourceQuota does not bound CPU, memory and pods", finding.SeverityLow,
			"A ResourceQuota that leaves out requests.cpu, requests.memory, limits.cpu, limits.memory or pods lets the namespace grow without bound in that dimension.",
			"Set spec.hard for requests.cpu, requests.memory, limits.cpu, limits.memory and pods.",
			refNSA(), ref("Kubernetes ResourceQuota")),
		Eval: func(o *Object) []check.Violation {
			q, ok := o.Typed.(*corev1.ResourceQuota)
			if !ok || len(q.Spec.Scopes) > 0 || q.Spec.ScopeSelector != nil {
				return nil
			}
			alias := map[corev1.ResourceName]corev1.ResourceName{
				corev1.ResourceRequestsCPU:    corev1.ResourceCPU,
				corev1.ResourceRequestsMemory: corev1.ResourceMemory,
			}
			var missing []string
			for _, r := range []corev1.ResourceName{corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory, corev1.ResourcePods} {
				if _, ok := q.Spec.Hard[r]; ok {
					continue
				}
				if a, ok := alias[r]; ok {
					if _, ok := q.Spec.Hard[a]; ok {
						continue
					}
				}
				missing = append(missing, string(r))
			}
			if len(missing) == 0 {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s sets no hard limit on %s", o, strings.Join(missing, ", ")),
				Field:   "spec.hard",
			}}
		},
	}
}
