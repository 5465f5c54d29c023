package kube

// FC-K8S-215 inspects the handler field of RuntimeClass objects
// (node.k8s.io/v1) against the container runtime handlers the nodes offer
// (Options.RuntimeHandlers: --runtime-handlers for manifests, the Nodes'
// status.runtimeHandlers for a live cluster). A handler outside that set
// fails. When the set is unknown (empty), nothing is judged.

import (
	"fmt"
	"slices"
	"strings"

	nodev1 "k8s.io/api/node/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// RuntimeClassHandlerCheckID is the ID of the check that needs the nodes'
// runtime handlers; a live scan names it in the notice it gives when no
// node reports them.
const RuntimeClassHandlerCheckID = "FC-K8S-215"

func checkRuntimeClassHandler(handlers []string) check.Check[*Object] {
	known := slices.Clone(handlers)
	slices.Sort(known)
	known = slices.Compact(known)
	return check.Check[*Object]{
		Meta: meta(RuntimeClassHandlerCheckID, "RuntimeClass names a runtime handler no node offers", finding.SeverityMedium,
			"A RuntimeClass whose handler no node's container runtime configures cannot run a single Pod: every Pod that names it "+
				"stays in ContainerCreating. When the class is the sandbox (gVisor, Kata) meant for untrusted code, the team believes those "+
				"workloads are isolated while the class is unusable, and the usual way out under pressure is to drop runtimeClassName, "+
				"which runs the untrusted code on the node's kernel. Medium: the failure itself is loud (Pods do not start), but the "+
				"isolation the class promises does not exist.",
			"Configure the handler in the container runtime of the nodes meant to run the class (a runtimes.<handler> table "+
				"in containerd's config.toml, [crio.runtime.runtimes.<handler>] in CRI-O's configuration), "+
				"or correct the RuntimeClass's handler to one the nodes offer (`fourc host` lists them).",
			finding.Reference{Source: "Kubernetes documentation: Runtime Class", URL: "https://kubernetes.io/docs/concepts/containers/runtime-class/"}),
		Eval: func(o *Object) []check.Violation {
			rc, ok := o.Typed.(*nodev1.RuntimeClass)
			if !ok || len(known) == 0 {
				return nil
			}
			if slices.Contains(known, rc.Handler) {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s names handler %q but the nodes offer only %s", o, rc.Handler, strings.Join(known, ", ")),
				Field:   "handler",
			}}
		},
	}
}
