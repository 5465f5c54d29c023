package kube

// FC-NET-010 inspects spec.externalIPs of Services: any entry fails. The
// cluster then routes traffic for those addresses to the Service on every
// node, whoever owns the address (CVE-2020-8554: a user who may create
// Services can intercept the cluster's traffic to any IP).
//
// Severity MEDIUM, the Kubernetes project's own rating of CVE-2020-8554;
// Trivy and kube-bench do not check the field. The upstream mitigation is
// the DenyServiceExternalIPs admission plugin or a policy that rejects the
// field.

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkServiceExternalIPs() check.Check[*Object] {
	return check.Check[*Object]{
		Meta: meta("FC-NET-010", "Service sets externalIPs", finding.SeverityMedium,
			"spec.externalIPs makes every node accept traffic for those addresses and forward it to the Service, whether or not the cluster owns them: it exposes the pods on node addresses and lets whoever may create Services intercept traffic meant for other hosts (CVE-2020-8554).",
			"Remove spec.externalIPs and use a LoadBalancer or an Ingress; enable the DenyServiceExternalIPs admission plugin.",
			finding.Reference{Source: "CVE-2020-8554", URL: "https://github.com/kubernetes/kubernetes/issues/97076"}, refNSA()),
		Eval: func(o *Object) []check.Violation {
			svc, ok := o.Typed.(*corev1.Service)
			if !ok || len(svc.Spec.ExternalIPs) == 0 {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s accepts traffic for external IP(s) %s on every node", o, strings.Join(svc.Spec.ExternalIPs, ", ")),
				Field:   "spec.externalIPs",
			}}
		},
	}
}
