package iac

// Inspects aws_eks_cluster.vpc_config.endpoint_public_access (default
// true) and public_access_cidrs (default ["0.0.0.0/0"]). Allowed: public
// access off, or limited to CIDRs other than 0.0.0.0/0.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkEKSPublicEndpoint() check.Check[*EKSCluster] {
	return check.Check[*EKSCluster]{
		Meta: cloud("FC-AWS-040", "EKS API endpoint is open to the internet", finding.SeverityCritical,
			"A public Kubernetes API endpoint without CIDR limits can be reached, probed and brute-forced from anywhere. "+
				"Critical, as Trivy rates it: exposure is the whole internet and the target is the cluster's control plane, one leaked token or API-server flaw away from every workload and secret.",
			"Set vpc_config.endpoint_public_access = false, or limit public_access_cidrs to known networks.",
			ref("CIS Amazon EKS 5.4.1", ""), ref("NSA/CISA Kubernetes Hardening Guide", ""),
			avd("AVD-AWS-0040"), tfsec("aws", "eks", "no-public-cluster-access"),
			avd("AVD-AWS-0041"), tfsec("aws", "eks", "no-public-cluster-access-to-cidr"),
			cwe(284)),
		Eval: func(c *EKSCluster) []check.Violation {
			if !c.PublicAccess.Is(true) {
				return nil
			}
			src, open := openSource(c.PublicAccessCIDRs)
			if !open {
				return nil
			}
			r := src.Range
			if !c.PublicAccessCIDRs.Explicit {
				r = c.PublicAccess.Range
			}
			return []check.Violation{at(&c.Block, r, "vpc_config.public_access_cidrs",
				"EKS cluster %s exposes its API endpoint publicly to %s", c.Address, src.Val)}
		},
	}
}
