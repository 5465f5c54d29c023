package kube

// FC-RBAC-005 inspects rules of Roles and ClusterRoles: create, update or
// patch (or "*") on pods, replicationcontrollers (core), deployments,
// statefulsets, daemonsets, replicasets (apps), jobs or cronjobs (batch)
// fails.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRBACCreateWorkloads() check.Check[*Object] {
	return ruleCheck(
		meta("FC-RBAC-005", "Role can create or change workloads", finding.SeverityMedium,
			"Whoever can create a pod, directly or through a controller, can run it as any service account of the namespace and mount any of its secrets.",
			"Grant create, update and patch on pods and workload controllers only to deployment pipelines and operators.",
			ref("CIS Kubernetes 5.1.4")),
		[]resourceRule{
			{"", "pods", ""}, {"", "replicationcontrollers", ""},
			{"apps", "deployments", ""}, {"apps", "statefulsets", ""}, {"apps", "daemonsets", ""}, {"apps", "replicasets", ""},
			{"batch", "jobs", ""}, {"batch", "cronjobs", ""},
		},
		[]string{"create", "update", "patch"}, "")
}
