package cluster

// FC-LIVE-007 inspects spec.runtimeClassName of workloads against the
// RuntimeClasses the cluster has: a name the cluster has no RuntimeClass
// of fails. It judges only when the RuntimeClasses were listed (a read
// that may not list them judges nothing). A manifest cannot show this:
// RuntimeClasses usually live elsewhere than the workloads naming them.

import (
	"fmt"

	nodev1 "k8s.io/api/node/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
)

// runtimeClasses returns the names of the snapshot's RuntimeClasses, or
// nil when they were not listed.
func runtimeClasses(snap *Snapshot) map[string]bool {
	if snap == nil {
		return nil
	}
	if _, listed := snap.Counts["runtimeclasses"]; !listed {
		return nil
	}
	out := map[string]bool{}
	for _, o := range snap.Set.Objects {
		if _, ok := o.Typed.(*nodev1.RuntimeClass); ok {
			out[o.Name] = true
		}
	}
	return out
}

func checkWorkloadRuntimeClassMissing(classes map[string]bool) check.Check[*kube.Workload] {
	return check.Check[*kube.Workload]{
		Meta: meta("FC-LIVE-007", "Workload names a RuntimeClass the cluster does not have", finding.SeverityLow,
			"The API server rejects every pod whose runtimeClassName names no RuntimeClass, so the workload runs no pod at all. "+
				"When the class was meant to sandbox untrusted code, the usual way out is to drop runtimeClassName, which runs it on the node's kernel. "+
				"Low: the failure is loud (the controller's events say why) and confined to this workload; FC-K8S-215 covers a class that exists but no node can run.",
			"Create the RuntimeClass (and configure its handler on the nodes), or name one the cluster has: kubectl get runtimeclasses.",
			finding.Reference{Source: "Kubernetes documentation: Runtime Class", URL: "https://kubernetes.io/docs/concepts/containers/runtime-class/"}),
		Eval: func(w *kube.Workload) []check.Violation {
			rc := w.PodSpec.RuntimeClassName
			if classes == nil || rc == nil || *rc == "" || classes[*rc] {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s names RuntimeClass %q, which the cluster does not have: its pods are rejected", w.Object, *rc),
				Field:   w.Field("spec.runtimeClassName"),
			}}
		},
	}
}
