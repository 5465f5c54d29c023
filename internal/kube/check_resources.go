package kube

// FC-K8S-003 and FC-K8S-004 inspect resources.limits and resources.requests
// (cpu and memory) of init and regular containers; ephemeral containers
// cannot set resources. Pod-level spec.resources, when set, covers every
// container for the resources it names.

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// missingResources returns the names of cpu and memory absent from both the
// container's and the pod's list.
func missingResources(ctr, pod corev1.ResourceList) []string {
	var out []string
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		_, inCtr := ctr[r]
		_, inPod := pod[r]
		if !inCtr && !inPod {
			out = append(out, string(r))
		}
	}
	return out
}

func resourceCheck(m check.Meta, kind string, pick func(corev1.ResourceRequirements) corev1.ResourceList) check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: m,
		Eval: func(w *Workload) []check.Violation {
			var pod corev1.ResourceList
			if w.PodSpec.Resources != nil {
				pod = pick(*w.PodSpec.Resources)
			}
			var out []check.Violation
			for c := range w.Containers() {
				if c.Kind == EphemeralContainer {
					continue
				}
				missing := missingResources(pick(c.Resources), pod)
				if len(missing) == 0 {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("%s sets no resources.%s for %s", c, kind, strings.Join(missing, ", ")),
					Field:         c.Path("resources." + kind),
					Discriminator: c.Name,
				})
			}
			return out
		},
	}
}

func checkResourceLimits() check.Check[*Workload] {
	return resourceCheck(
		meta("FC-K8S-003", "Container has no CPU or memory limit", finding.SeverityMedium,
			"Without limits one compromised or faulty container can exhaust the node's CPU or memory and starve every other pod on it.",
			"Set resources.limits.cpu and resources.limits.memory on every container (or pod-level resources).",
			refNSA(), ref("CWE-770")),
		"limits", func(r corev1.ResourceRequirements) corev1.ResourceList { return r.Limits })
}

func checkResourceRequests() check.Check[*Workload] {
	return resourceCheck(
		meta("FC-K8S-004", "Container has no CPU or memory request", finding.SeverityLow,
			"Without requests the scheduler cannot reserve capacity, so the pod is evicted first under pressure and noisy neighbours go unchecked.",
			"Set resources.requests.cpu and resources.requests.memory on every container (or pod-level resources).",
			refNSA(), ref("CWE-770")),
		"requests", func(r corev1.ResourceRequirements) corev1.ResourceList { return r.Requests })
}
