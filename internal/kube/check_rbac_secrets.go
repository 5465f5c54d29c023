package kube

// FC-RBAC-002 inspects the effective rules of Roles and ClusterRoles (a
// ClusterRole's aggregated rules included): get, list or watch (or "*") on
// "secrets" of the core API group (or "*") fails. Wildcard resources are
// FC-RBAC-001's. A rule limited by resourceNames passes: it reads only the
// Secrets it names, which is the remediation, not the weakness.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRBACSecrets() check.Check[*Object] {
	return ruleCheck(
		meta("FC-RBAC-002", "Role can read secrets", finding.SeverityHigh,
			"Reading secrets yields every credential of the namespace (or cluster), including service account tokens of more privileged identities. "+
				"A rule limited by resourceNames to named Secrets is not reported: the API server lets it read only those Secrets (never list or watch the rest), "+
				"which is what least privilege asks for. A ClusterRole that aggregates another with such a rule is reported too, since the API server grants it the aggregated rule.",
			"Remove get, list and watch on secrets, or restrict them to the named secrets the subject needs with resourceNames.",
			ref("CIS Kubernetes 5.1.2"), refNSA()),
		[]resourceRule{{"", "secrets", ""}}, []string{"get", "list", "watch"}, "")
}
