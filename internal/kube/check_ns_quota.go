package kube

// FC-K8S-201 inspects the ResourceQuota objects of each namespace that runs
// workloads: a namespace without one fails. kube-system, kube-public and
// kube-node-lease are the platform's and are skipped.
//
// Severity: Trivy (KSV040) rates the missing quota LOW; Kubescape and
// kube-bench have no control for it. fourc agrees on LOW: a quota bounds
// the damage of a compromised or runaway workload (denial of service of
// its neighbours) but does not by itself open a door.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// systemNamespace reports whether name is one of the platform's own
// namespaces, whose guardrails the distribution manages.
func systemNamespace(name string) bool {
	switch name {
	case "kube-system", "kube-public", "kube-node-lease":
		return true
	}
	return false
}

func checkNamespaceResourceQuota() check.Check[*Namespace] {
	return check.Check[*Namespace]{
		Meta: meta("FC-K8S-201", "Namespace has no ResourceQuota", finding.SeverityLow,
			"Without a ResourceQuota one workload of the namespace (compromised, or a runaway replica count) can take the CPU, memory, pods and storage its neighbours need. Trivy rates this LOW as well; Kubescape and kube-bench do not check it.",
			"Add a ResourceQuota to the namespace with hard limits on requests.cpu, requests.memory, limits.cpu, limits.memory and pods.",
			refNSA(), ref("Kubernetes ResourceQuota")),
		Eval: func(ns *Namespace) []check.Violation {
			if len(ns.Workloads) == 0 || len(ns.ResourceQuotas) > 0 || systemNamespace(ns.Name) {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s runs %d workload(s) and has no ResourceQuota", nsLabel(ns), len(ns.Workloads)),
			}}
		},
	}
}
