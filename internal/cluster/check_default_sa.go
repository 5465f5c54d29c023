package cluster

// FC-LIVE-003 inspects ServiceAccounts named "default": one whose
// automountServiceAccountToken is not false fails. Every namespace gets
// such an account from the cluster, so manifests rarely show it; pods that
// name no service account run as it and get its token. Namespaces
// kube-system, kube-public and kube-node-lease are not judged.

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
)

func checkDefaultServiceAccountToken() check.Check[*kube.Object] {
	return check.Check[*kube.Object]{
		Meta: meta("FC-LIVE-003", "Default service account mounts its API token", finding.SeverityLow,
			"Every pod of the namespace that names no service account gets the default account's API token, whether or not it calls the API.",
			"Set automountServiceAccountToken: false on the namespace's default ServiceAccount and give workloads that need the API their own account.",
			finding.Reference{Source: "CIS Kubernetes 5.1.5"},
			finding.Reference{Source: "NSA/CISA Kubernetes Hardening Guide"}),
		Eval: func(o *kube.Object) []check.Violation {
			sa, ok := o.Typed.(*corev1.ServiceAccount)
			if !ok || sa.Name != "default" || platformNamespaces[o.Namespace] {
				return nil
			}
			if sa.AutomountServiceAccountToken != nil && !*sa.AutomountServiceAccountToken {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("default service account of namespace %q does not set automountServiceAccountToken: false", o.Namespace),
				Field:   "automountServiceAccountToken",
			}}
		},
	}
}
