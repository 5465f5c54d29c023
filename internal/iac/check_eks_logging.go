package iac

// Inspects aws_eks_cluster.enabled_cluster_log_types. Allowed: a known
// list that contains "audit" (or is unknown).

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkEKSLogging() check.Check[*EKSCluster] {
	return check.Check[*EKSCluster]{
		Meta: cloud("FC-AWS-042", "EKS control-plane audit logging is disabled", finding.SeverityMedium,
			"Without the audit log (and api, authenticator logs) there is no record of who did what in the cluster.",
			"Set enabled_cluster_log_types = [\"api\", \"audit\", \"authenticator\", \"controllerManager\", \"scheduler\"].",
			ref("CIS Amazon EKS 2.1.1", ""),
			avd("AVD-AWS-0038"), tfsec("aws", "eks", "enable-control-plane-logging"),
			cwe(778)),
		Eval: func(c *EKSCluster) []check.Violation {
			if !c.LogTypes.WhollyKnown() || c.LogTypes.Has("audit") {
				return nil
			}
			msg := "EKS cluster %s enables no control-plane logs"
			if len(c.LogTypes.Items) > 0 {
				msg = "EKS cluster %s does not enable the audit log"
			}
			return []check.Violation{at(&c.Block, c.LogTypes.Range, "enabled_cluster_log_types", msg, c.Address)}
		},
	}
}
