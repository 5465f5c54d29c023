package kube

// FC-RBAC-008 inspects subjects of RoleBindings and ClusterRoleBindings:
// the groups system:anonymous, system:unauthenticated and
// system:authenticated and the user system:anonymous fail. Bootstrap
// bindings (kubernetes.io/bootstrapping=rbac-defaults) are skipped.

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRBACPublicGroups() check.Check[*Object] {
	return bindingCheck(
		meta("FC-RBAC-008", "Role is bound to anonymous or all authenticated users", finding.SeverityCritical,
			"system:anonymous and system:unauthenticated are everyone who can reach the API server; system:authenticated is every identity of every identity provider, service accounts included.",
			"Remove the subject and bind the role to the specific users, groups or service accounts that need it.",
			refNSA()),
		func(_ rbacv1.RoleRef, s rbacv1.Subject) string {
			switch {
			case s.Kind == rbacv1.GroupKind && s.Name == "system:unauthenticated",
				s.Kind == rbacv1.GroupKind && s.Name == "system:anonymous",
				s.Kind == rbacv1.UserKind && s.Name == "system:anonymous":
				return " (anyone who can reach the API server)"
			case s.Kind == rbacv1.GroupKind && s.Name == "system:authenticated":
				return " (every authenticated identity)"
			}
			return ""
		})
}
