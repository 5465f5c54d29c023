package cluster

// FC-LIVE-001 inspects a workload's spec.serviceAccountName (default
// "default") and automountServiceAccountToken (pod, then service account),
// and the effective RBAC permissions of that service account: bindings to
// it, to system:serviceaccounts[:<namespace>] and system:authenticated,
// with aggregated ClusterRoles resolved. A workload whose pods mount a
// token that may get, list or watch Secrets in the workload's namespace
// fails, unless its service account may do anything cluster-wide: that
// is FC-LIVE-002's finding, which says more. Workloads in kube-system,
// kube-public and kube-node-lease are not judged.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/rbac"
)

func checkWorkloadReadsSecrets(policy *rbac.Policy) check.Check[*kube.Workload] {
	return check.Check[*kube.Workload]{
		Meta: meta("FC-LIVE-001", "Workload's service account can read Secrets", finding.SeverityHigh,
			"The pods mount an API token whose effective permissions include reading Secrets: anyone who compromises the workload reads every credential of the namespace.",
			"Bind the service account to a role without get, list or watch on secrets, or set automountServiceAccountToken: false when the pods do not call the API.",
			finding.Reference{Source: "CIS Kubernetes 5.1.2"},
			finding.Reference{Source: "CWE-250"}),
		Eval: func(w *kube.Workload) []check.Violation {
			if policy == nil || platformNamespaces[w.Object.Namespace] || !mountsToken(w) {
				return nil
			}
			sa := rbac.ServiceAccount(w.Object.Namespace, serviceAccountName(w))
			if isClusterAdmin(policy, sa) {
				return nil // FC-LIVE-002
			}
			var verbs, via []string
			for _, verb := range []string{"get", "list", "watch"} {
				ok, v := policy.Can(sa, rbac.Request{Verb: verb, Resource: "secrets", Namespace: w.Object.Namespace})
				if ok {
					verbs = append(verbs, verb)
					via = appendNew(via, v...)
				}
			}
			if len(verbs) == 0 {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("pods of %s run as %s, which can %s secrets in namespace %q (via %s)",
					w.Object, sa, strings.Join(verbs, ", "), w.Object.Namespace, strings.Join(via, "; ")),
				Field: w.Field("spec.serviceAccountName"),
			}}
		},
	}
}

// appendNew appends the elements of add not yet in s.
func appendNew(s []string, add ...string) []string {
	for _, a := range add {
		found := false
		for _, x := range s {
			if x == a {
				found = true
				break
			}
		}
		if !found {
			s = append(s, a)
		}
	}
	return s
}
