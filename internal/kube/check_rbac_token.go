package kube

// FC-RBAC-010 inspects the effective rules of Roles and ClusterRoles
// (aggregated rules included): create (or "*") on serviceaccounts/token of
// the core API group fails, unless the rule is limited by resourceNames to
// named service accounts. The resource must be named: "*" and "*/token"
// are FC-RBAC-001's.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRBACTokenCreation() check.Check[*Object] {
	return ruleCheck(
		meta("FC-RBAC-010", "Role can mint tokens for any service account", finding.SeverityHigh,
			"create on serviceaccounts/token (the TokenRequest API) issues a fresh, valid API token for any service account the role reaches, "+
				"so the subject acts with the permissions of the most privileged service account of the namespace (or of the cluster, through a ClusterRoleBinding) "+
				"without reading a Secret or running a pod. CIS Kubernetes 5.1.13 lists it as a manual control; fourc rates it HIGH, as it rates impersonation "+
				"(FC-RBAC-003) and reading Secrets (FC-RBAC-002), which give the same power: it is not CRITICAL because the role must still be bound to someone, "+
				"and a rule limited by resourceNames to named service accounts is not reported.",
			"Remove create on serviceaccounts/token, or limit it with resourceNames to the service accounts the subject must mint tokens for; "+
				"pods get their own tokens through projected volumes without it.",
			ref("CIS Kubernetes 5.1.13"), ref("CWE-269")),
		[]resourceRule{{"", "serviceaccounts", "token"}}, []string{"create"}, " (tokens for any service account)")
}
