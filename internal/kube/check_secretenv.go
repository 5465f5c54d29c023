package kube

// FC-K8S-007 inspects env[*].valueFrom.secretKeyRef and envFrom[*].secretRef
// of every container (init, regular, ephemeral): any secret passed through
// the environment fails.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkSecretEnv() check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: meta("FC-K8S-007", "Secret passed as environment variable", finding.SeverityLow,
			"Environment variables leak into logs, crash reports, child processes and `kubectl describe`; secrets are safer as mounted files.",
			"Mount the secret as a volume and read it from a file instead of env or envFrom.",
			ref("CIS Kubernetes 5.4.1"), ref("CWE-526")),
		Eval: func(w *Workload) []check.Violation {
			var out []check.Violation
			for c := range w.Containers() {
				for j, e := range c.Env {
					if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
						continue
					}
					ref := e.ValueFrom.SecretKeyRef
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("%s reads key %q of secret %q into environment variable %s", c, ref.Key, ref.Name, e.Name),
						Field:         c.Path(fieldIndex("env", j) + ".valueFrom.secretKeyRef"),
						Discriminator: c.Name + "/env/" + e.Name,
					})
				}
				for j, e := range c.EnvFrom {
					if e.SecretRef == nil {
						continue
					}
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("%s loads every key of secret %q into its environment", c, e.SecretRef.Name),
						Field:         c.Path(fieldIndex("envFrom", j) + ".secretRef"),
						Discriminator: c.Name + "/envFrom/" + e.SecretRef.Name,
					})
				}
			}
			return out
		},
	}
}
