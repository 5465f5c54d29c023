package kube

// FC-RBAC-006 inspects rules of Roles and ClusterRoles: any verb on
// nodes/proxy of the core API group fails.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRBACNodeProxy() check.Check[*Object] {
	return ruleCheck(
		meta("FC-RBAC-006", "Role can proxy to the kubelet", finding.SeverityHigh,
			"nodes/proxy reaches the kubelet API directly, which runs commands in any pod of the node and bypasses audit logging and admission control.",
			"Remove nodes/proxy from the role; monitoring agents should read metrics through the metrics endpoints instead.",
			ref("CIS Kubernetes 5.1.10")),
		[]resourceRule{{"", "nodes", "proxy"}}, nil, " (the kubelet API)")
}
