package kube

// FC-NET-006 inspects metadata.labels of Namespace objects: a namespace
// without a pod-security.kubernetes.io/enforce label, or with an invalid
// enforce or enforce-version value, fails; so do invalid audit, warn,
// audit-version and warn-version values (a missing audit or warn label is
// not a finding: enforce is the one that stops pods). kube-system,
// kube-public and kube-node-lease are the platform's and are skipped.

import (
	"fmt"

	"k8s.io/pod-security-admission/api"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkNamespacePSALabel() check.Check[*Namespace] {
	return check.Check[*Namespace]{
		Meta: meta("FC-NET-006", "Namespace does not enforce a Pod Security level", finding.SeverityMedium,
			"Without the enforce label, Pod Security Admission lets privileged pods into the namespace (unless a cluster-wide default says otherwise).",
			"Label the namespace pod-security.kubernetes.io/enforce=restricted (or baseline) with a pinned enforce-version.",
			ref("CIS Kubernetes 5.2.1"), finding.Reference{Source: "Pod Security Admission", URL: "https://kubernetes.io/docs/concepts/security/pod-security-admission/"}),
		Eval: func(ns *Namespace) []check.Violation {
			if ns.Object == nil {
				return nil
			}
			switch ns.Name {
			case "kube-system", "kube-public", "kube-node-lease":
				return nil
			}
			labels := ns.Labels()
			field := "metadata.labels"
			if _, ok := labels[api.EnforceLevelLabel]; !ok {
				return []check.Violation{{
					Message: fmt.Sprintf("namespace %q has no %s label", ns.Name, api.EnforceLevelLabel),
					Field:   field,
				}}
			}
			var out []check.Violation
			if _, err := api.ParseLevel(labels[api.EnforceLevelLabel]); err != nil {
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("namespace %q has an invalid %s label %q (the admission plugin falls back to restricted)", ns.Name, api.EnforceLevelLabel, labels[api.EnforceLevelLabel]),
					Field:         fieldKey(field, api.EnforceLevelLabel),
					Discriminator: "level",
				})
			}
			if v, ok := labels[api.EnforceVersionLabel]; ok {
				if _, err := api.ParseVersion(v); err != nil {
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("namespace %q has an invalid %s label %q (the admission plugin falls back to latest)", ns.Name, api.EnforceVersionLabel, v),
						Field:         fieldKey(field, api.EnforceVersionLabel),
						Discriminator: "version",
					})
				}
			}
			for _, m := range []struct{ mode, level, version string }{
				{"audit", api.AuditLevelLabel, api.AuditVersionLabel},
				{"warn", api.WarnLevelLabel, api.WarnVersionLabel},
			} {
				if v, ok := labels[m.level]; ok {
					if _, err := api.ParseLevel(v); err != nil {
						out = append(out, check.Violation{
							Message:       fmt.Sprintf("namespace %q has an invalid %s label %q (the admission plugin %ss at restricted instead)", ns.Name, m.level, v, m.mode),
							Field:         fieldKey(field, m.level),
							Discriminator: m.mode + "-level",
						})
					}
				}
				if v, ok := labels[m.version]; ok {
					if _, err := api.ParseVersion(v); err != nil {
						out = append(out, check.Violation{
							Message:       fmt.Sprintf("namespace %q has an invalid %s label %q (the admission plugin falls back to latest)", ns.Name, m.version, v),
							Field:         fieldKey(field, m.version),
							Discriminator: m.mode + "-version",
						})
					}
				}
			}
			return out
		},
	}
}
