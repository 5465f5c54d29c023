package cluster

// FC-LIVE-002 inspects a workload's service account and token mounting as
// FC-LIVE-001 does, and fails when the service account's effective
// permissions allow every verb on every resource of every API group
// cluster-wide (cluster-admin or an equivalent, through any binding or
// group). Workloads in kube-system, kube-public and kube-node-lease are
// not judged.

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/rbac"
)

func checkWorkloadClusterAdmin(policy *rbac.Policy) check.Check[*kube.Workload] {
	return check.Check[*kube.Workload]{
		Meta: meta("FC-LIVE-002", "Workload's service account controls the whole cluster", finding.SeverityCritical,
			"The pods mount an API token that may do anything to any object of the cluster: a compromise of the workload is a compromise of the cluster.",
			"Bind the service account to a role limited to what the workload needs, never cluster-admin or wildcard rules.",
			finding.Reference{Source: "CIS Kubernetes 5.1.1"},
			finding.Reference{Source: "CWE-269"}),
		Eval: func(w *kube.Workload) []check.Violation {
			if policy == nil || platformNamespaces[w.Object.Namespace] || !mountsToken(w) {
				return nil
			}
			sa := rbac.ServiceAccount(w.Object.Namespace, serviceAccountName(w))
			ok, via := policy.Can(sa, clusterAdminRequest)
			if !ok {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("pods of %s run as %s, which may do anything cluster-wide (via %s)", w.Object, sa, strings.Join(via, "; ")),
				Field:   w.Field("spec.serviceAccountName"),
			}}
		},
	}
}

// clusterAdminRequest is every verb on every resource of every API group,
// cluster-wide.
var clusterAdminRequest = rbac.Request{Verb: rbacv1.VerbAll, Group: rbacv1.APIGroupAll, Resource: rbacv1.ResourceAll}

// isClusterAdmin reports whether sa may do anything cluster-wide.
func isClusterAdmin(policy *rbac.Policy, sa Subject) bool {
	ok, _ := policy.Can(sa, clusterAdminRequest)
	return ok
}
