package kube

// FC-NET-007 inspects the pod-security.kubernetes.io/enforce and
// enforce-version labels of a workload's Namespace object and evaluates
// the workload's pod template against that level with every upstream Pod
// Security check, exactly as the admission plugin would. A pod that the
// namespace would reject fails. Workloads in undeclared namespaces, or in
// namespaces that enforce privileged, are not judged (FC-NET-006 reports
// the missing label). The level is evaluated at the label's version, where
// "latest", a missing version label and a version newer than the cluster
// mean the cluster's version (Options.KubernetesVersion).

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
			p := ev.policy(labels)
			if p.Enforce.Level == api.LevelPrivileged {
				return nil
			}
			agg := ev.admit(p.Enforce, w)
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

// policy returns the Pod Security policy of a namespace's labels at the
// evaluator's version: every mode defaults to privileged, as in a cluster
// without an admission configuration.
func (ev *pssEvaluator) policy(labels map[string]string) api.Policy {
	def := api.LevelVersion{Level: api.LevelPrivileged, Version: ev.version}
	p, _ := api.PolicyToEvaluate(labels, api.Policy{Enforce: def, Audit: def, Warn: def})
	p.Enforce.Version = atVersion(p.Enforce.Version, ev.version)
	p.Audit.Version = atVersion(p.Audit.Version, ev.version)
	p.Warn.Version = atVersion(p.Warn.Version, ev.version)
	return p
}

// admit evaluates a workload's pod template at a level, as the admission
// plugin would.
func (ev *pssEvaluator) admit(lv api.LevelVersion, w *Workload) policy.AggregateCheckResult {
	return policy.AggregateCheckResults(ev.all.EvaluatePod(lv, w.PodMeta, w.PodSpec))
}
