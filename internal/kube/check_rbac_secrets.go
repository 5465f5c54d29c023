package kube

// FC-RBAC-002 inspects rules of Roles and ClusterRoles: get, list or watch
// (or "*") on "secrets" of the core API group fails. Wildcard resources
// are FC-RBAC-001's.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRBACSecrets() check.Check[*Object] {
	return ruleCheck(
		meta("FC-RBAC-002", "Role can read secrets", finding.SeverityHigh,
			"Reading secrets yields every credential of the namespace (or cluster), including service account tokens of more privileged identities.",
			"Remove get, list and watch on secrets, or restrict them to the named secrets the subject needs with resourceNames.",
			ref("CIS Kubernetes 5.1.2"), refNSA()),
		[]resourceRule{{"", "secrets"}}, []string{"get", "list", "watch"}, "")
}
