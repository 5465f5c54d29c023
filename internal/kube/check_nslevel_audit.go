package kube

// FC-NET-011 inspects the pod-security.kubernetes.io/audit and warn labels
// (and their -version labels) of a workload's Namespace object and
// evaluates the workload's pod template at each level, as FC-NET-007 does
// for enforce. A pod that the namespace admits but would audit or warn
// about fails, once per mode (the discriminator). Pods that enforce already
// rejects are FC-NET-007's alone: they never get to audit or warn.
//
// The difference with enforce: audit and warn do not stop the pod. Audit
// writes an annotation to the API server's audit log, warn returns a
// warning to the client (kubectl prints it); the pod runs. The namespace's
// owners declared the level as a goal, and the workload does not meet it.
//
// Severity LOW (FC-NET-007 is MEDIUM): nothing is broken at admission, but
// the workload falls short of a level its namespace aims for. Kubescape and
// Trivy evaluate pods against fixed levels (reported by FC-K8S-1xx here),
// not against the namespace's audit or warn labels.

import (
	"fmt"

	"k8s.io/pod-security-admission/api"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkNamespaceAuditWarnLevel(ev *pssEvaluator) check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: meta("FC-NET-011", "Workload violates its namespace's audit or warn Pod Security level", finding.SeverityLow,
			"The namespace's audit or warn label names a Pod Security level its workload does not meet. Unlike enforce (FC-NET-007), these modes admit the pod: audit records the violation in the API server's audit log and warn shows a warning to whoever applies it, so the gap persists unnoticed unless someone reads them.",
			"Fix the pod template to meet the level (the message lists what fails); then raise enforce to that level.",
			finding.Reference{Source: "Pod Security Admission", URL: "https://kubernetes.io/docs/concepts/security/pod-security-admission/"}),
		Eval: func(w *Workload) []check.Violation {
			ns := w.Namespace()
			if ev == nil || ns == nil || ns.Object == nil {
				return nil
			}
			labels := ns.Labels()
			p := ev.policy(labels)
			if p.Enforce.Level != api.LevelPrivileged && !ev.admit(p.Enforce, w).Allowed {
				return nil
			}
			var out []check.Violation
			for _, m := range []struct {
				mode, label, effect string
				lv                  api.LevelVersion
			}{
				{"audit", api.AuditLevelLabel, "recorded in the audit log", p.Audit},
				{"warn", api.WarnLevelLabel, "shown as a warning to the client", p.Warn},
			} {
				if _, ok := labels[m.label]; !ok || m.lv.Level == api.LevelPrivileged {
					continue
				}
				agg := ev.admit(m.lv, w)
				if agg.Allowed {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("pods of %s do not meet namespace %q's %s level (%s), admitted but %s: %s", w.Object, ns.Name, m.mode, m.lv, m.effect, agg.ForbiddenDetail()),
					Field:         w.Field("spec"),
					Discriminator: m.mode,
				})
			}
			return out
		},
	}
}
