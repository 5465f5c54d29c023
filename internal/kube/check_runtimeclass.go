package kube

// FC-K8S-015 inspects spec.runtimeClassName of workloads whose Namespace
// object carries the untrusted label (Options.UntrustedNamespaceLabel,
// "key=value" or a bare key meaning key=true; by default
// fourc.dev/untrusted=true): an empty runtimeClassName fails. Namespaces the set does not declare are not judged.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkUntrustedRuntimeClass(label string) check.Check[*Workload] {
	key, value, ok := strings.Cut(label, "=")
	if !ok {
		value = "true"
	}
	return check.Check[*Workload]{
		Meta: meta("FC-K8S-015", "Untrusted workload runs without a sandboxed runtime", finding.SeverityHigh,
			"Namespaces labelled as untrusted run code that must not share the node's kernel directly; without a RuntimeClass (gVisor, Kata) one kernel exploit reaches the node.",
			"Set spec.runtimeClassName to a sandboxed RuntimeClass in every workload of the namespace.",
			refNSA()),
		Eval: func(w *Workload) []check.Violation {
			if w.Namespace().Labels()[key] != value {
				return nil
			}
			if rc := w.PodSpec.RuntimeClassName; rc != nil && *rc != "" {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s runs in namespace %q labelled %s=%s but sets no runtimeClassName", w.Object, w.Object.Namespace, key, value),
				Field:   w.Field("spec.runtimeClassName"),
			}}
		},
	}
}
