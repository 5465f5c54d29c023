package iac

// Inspects security group ingress rules (see sgOpenPorts). Allowed: no
// rule admits 0.0.0.0/0 or ::/0 to 2379-2380 (etcd), 6443 (Kubernetes
// API server) or 10250 (kubelet).

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkSGControlPlane() check.Check[*SecurityGroupRule] {
	return check.Check[*SecurityGroupRule]{
		Meta: cloud("FC-AWS-010", "Security group exposes Kubernetes control-plane ports to the internet", finding.SeverityCritical,
			"etcd, the Kubernetes API server and the kubelet API reachable from 0.0.0.0/0 put the whole cluster one credential leak or one unauthenticated endpoint away from takeover. "+
				"Critical where Trivy rates public security-group ingress high: these ports are the cluster's control plane, and an etcd or kubelet left without authentication hands over every workload without any credential.",
			"Restrict the rule's CIDR blocks to the networks that administer the cluster, or reach the control plane through a VPN or bastion.",
			ref("NSA/CISA Kubernetes Hardening Guide (network separation)", ""), ref("CIS Kubernetes 1.2.1", ""),
			avd("AVD-AWS-0107"), tfsec("aws", "vpc", "no-public-ingress-sgr"),
			cwe(284)),
		Eval: func(r *SecurityGroupRule) []check.Violation { return sgOpenPorts(r, controlPlanePorts()) },
	}
}
