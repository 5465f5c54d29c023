package kube

// FC-K8S-202 inspects the LimitRange objects of each namespace that runs
// workloads: a namespace without one fails. kube-system, kube-public and
// kube-node-lease are skipped.
//
// Severity: Trivy (KSV039) rates the missing LimitRange LOW; Kubescape and
// kube-bench do not check it. fourc agrees: containers without limits are
// already reported one by one (FC-K8S-003, FC-K8S-004); the LimitRange is
// the namespace-wide default that catches the next one.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkNamespaceLimitRange() check.Check[*Namespace] {
	return check.Check[*Namespace]{
		Meta: meta("FC-K8S-202", "Namespace has no LimitRange", finding.SeverityLow,
			"Without a LimitRange a container that sets no requests or limits gets none, and with a ResourceQuota on limits it is rejected outright; the LimitRange gives every container default and maximum CPU and memory. Trivy rates this LOW as well.",
			"Add a LimitRange of type Container with default, defaultRequest and max for cpu and memory.",
			refNSA(), ref("Kubernetes LimitRange")),
		Eval: func(ns *Namespace) []check.Violation {
			if len(ns.Workloads) == 0 || len(ns.LimitRanges) > 0 || systemNamespace(ns.Name) {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s runs %d workload(s) and has no LimitRange", nsLabel(ns), len(ns.Workloads)),
			}}
		},
	}
}
