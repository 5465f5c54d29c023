package kube

// FC-RBAC-007 inspects roleRef and subjects of RoleBindings and
// ClusterRoleBindings: a binding of the ClusterRole cluster-admin fails for
// every subject that is not a "system:" user or group (service accounts
// included).

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRBACClusterAdmin() check.Check[*Object] {
	return bindingCheck(
		meta("FC-RBAC-007", "cluster-admin is bound to a user or service account", finding.SeverityHigh,
			"cluster-admin can do anything to every object of the cluster; a stolen credential of the subject is a full cluster compromise.",
			"Bind a role with only the permissions the subject needs; keep cluster-admin for break-glass access.",
			ref("CIS Kubernetes 5.1.1"), refNSA()),
		func(r rbacv1.RoleRef, s rbacv1.Subject) string {
			if r.Kind != "ClusterRole" || r.Name != "cluster-admin" {
				return ""
			}
			if s.Kind != rbacv1.ServiceAccountKind && strings.HasPrefix(s.Name, "system:") {
				return ""
			}
			return " (full control of the cluster)"
		})
}
