package kube

// FC-RBAC-004 inspects rules of Roles and ClusterRoles: create or get (or
// "*") on pods/exec or pods/attach of the core API group fails (kubectl
// exec uses create; the websocket protocol uses get).

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRBACExec() check.Check[*Object] {
	return ruleCheck(
		meta("FC-RBAC-004", "Role can exec into pods", finding.SeverityHigh,
			"Exec and attach run commands inside any pod the role reaches, with that pod's service account token and mounted secrets.",
			"Remove create and get on pods/exec and pods/attach; use a break-glass role for debugging.",
			refNSA()),
		[]resourceRule{{"", "pods", "exec"}, {"", "pods", "attach"}}, []string{"create", "get"}, "")
}
