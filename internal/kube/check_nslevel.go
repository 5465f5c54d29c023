package kube

// FC-NET-007 inspects the pod-security.kubernetes.io/enforce and
// enforce-version labels of a workload's Namespace object and evaluates
// the workload's pod template against that level with every upstream Pod
// Security check, exactly as the admission plugin would. A pod that the
// namespace would reject fails. Workloads in undeclared namespaces, or in
// namespaces that enforce privileged, are not judged (FC-NET-006 reports
// the missing label).

import (
	"fmt"

	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkNamespaceLevel(ev *pssEvaluator) check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: meta("FC-NET-007", "Workload violates its namespace's Pod Security level", finding.SeverityMedium,
			"The namespace claims a Pod Security level its own workloads do not meet: their pods are rejected at admission, and the usual fix under pressure is to weaken the namespace.",
			"Fix the pod template to meet the namespace's level (the message lists what fails) rather than lowering the enforce label.",
			finding.Reference{Source: "Pod Security Admission", URL: "https://kubernetes.io/docs/concepts/security/pod-security-admission/"}),
		Eval: func(w *Workload) []check.Violation {
			ns := w.Namespace()
			if ev == nil || ns == nil || ns.Object == nil {
				return nil
			}
			labels := ns.Labels()
			if _, ok := labels[api.EnforceLevelLabel]; !ok {
				return nil
			}
			p, _ := api.PolicyToEvaluate(labels, api.Policy{
				Enforce: api.LevelVersion{Level: api.LevelPrivileged, Version: api.LatestVersion()},
			})
			if p.Enforce.Level == api.LevelPrivileged {
				return nil
			}
			agg := policy.AggregateCheckResults(ev.all.EvaluatePod(p.Enforce, w.PodMeta, w.PodSpec))
			if agg.Allowed {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("pods of %s would be rejected by namespace %q (enforce %s): %s", w.Object, ns.Name, p.Enforce, agg.ForbiddenDetail()),
				Field:   w.Field("spec"),
			}}
		},
	}
}
