package kube

// FC-K8S-012 and FC-K8S-013 inspect livenessProbe and readinessProbe of
// regular containers of long-running workloads. Init and ephemeral
// containers, Jobs, CronJobs and pods with restartPolicy Never or
// OnFailure are not expected to have probes.

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func probeCheck(m check.Meta, field string, probe func(*corev1.Container) *corev1.Probe) check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: m,
		Eval: func(w *Workload) []check.Violation {
			if w.RunsToCompletion() {
				return nil
			}
			var out []check.Violation
			for c := range w.Containers() {
				if c.Kind != RegularContainer || probe(c.Container) != nil {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("%s has no %s", c, field),
					Field:         c.Path(field),
					Discriminator: c.Name,
				})
			}
			return out
		},
	}
}

func checkLivenessProbe() check.Check[*Workload] {
	return probeCheck(
		meta("FC-K8S-012", "Container has no liveness probe", finding.SeverityLow,
			"Without a liveness probe a hung or wedged process keeps running and serving errors until someone notices; availability is part of security.",
			"Add a livenessProbe that fails when the process can no longer make progress.",
			refNSA()),
		"livenessProbe", func(c *corev1.Container) *corev1.Probe { return c.LivenessProbe })
}

func checkReadinessProbe() check.Check[*Workload] {
	return probeCheck(
		meta("FC-K8S-013", "Container has no readiness probe", finding.SeverityLow,
			"Without a readiness probe the Service sends traffic to pods that are still starting or already failing.",
			"Add a readinessProbe that succeeds only when the container can serve requests.",
			refNSA()),
		"readinessProbe", func(c *corev1.Container) *corev1.Probe { return c.ReadinessProbe })
}
