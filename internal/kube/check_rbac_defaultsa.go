package kube

// FC-RBAC-009 inspects subjects of RoleBindings and ClusterRoleBindings: a
// ServiceAccount subject named "default" fails.

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRBACDefaultServiceAccount() check.Check[*Object] {
	return bindingCheck(
		meta("FC-RBAC-009", "Default service account is granted a role", finding.SeverityMedium,
			"Every pod of the namespace that does not name a service account runs as default, so the role reaches all of them.",
			"Create a dedicated service account for the workload that needs the role and bind that instead.",
			ref("CIS Kubernetes 5.1.5")),
		func(_ rbacv1.RoleRef, s rbacv1.Subject) string {
			if s.Kind == rbacv1.ServiceAccountKind && s.Name == "default" {
				return " (every pod of the namespace that names no service account)"
			}
			return ""
		})
}
