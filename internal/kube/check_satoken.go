package kube

// FC-K8S-006 inspects spec.serviceAccountName and
// spec.automountServiceAccountToken of the pod template, and the
// automountServiceAccountToken of the "default" ServiceAccount when the
// set declares it. Heuristic: a pod that runs as the default service
// account does not talk to the API server, so it must not get a token; it
// fails unless the pod sets automountServiceAccountToken=false, or leaves
// it unset while the default ServiceAccount sets it false. Pods with their
// own service account are assumed to need the token.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkServiceAccountToken() check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: meta("FC-K8S-006", "Default service account token is mounted", finding.SeverityMedium,
			"Every container of the pod can read the mounted token and call the API server as the namespace's default service account.",
			"Set automountServiceAccountToken: false in the pod spec (or on the default ServiceAccount), or run the pod as a dedicated service account.",
			ref("CIS Kubernetes 5.1.5"), ref("CIS Kubernetes 5.1.6"), refNSA()),
		Eval: func(w *Workload) []check.Violation {
			s := w.PodSpec
			sa := s.ServiceAccountName
			if sa == "" {
				sa = s.DeprecatedServiceAccount
			}
			if sa != "" && sa != "default" {
				return nil
			}
			if s.AutomountServiceAccountToken != nil {
				if !*s.AutomountServiceAccountToken {
					return nil
				}
			} else if def := w.Namespace().ServiceAccount("default"); def != nil && def.AutomountServiceAccountToken != nil && !*def.AutomountServiceAccountToken {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("pods of %s run as the default service account with its API token mounted (automountServiceAccountToken is not false)", w.Object),
				Field:   w.Field("spec.automountServiceAccountToken"),
			}}
		},
	}
}
