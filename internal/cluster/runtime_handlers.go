package cluster

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/kube"
)

// runtimeHandlers returns the runtime handlers the shared checks judge
// RuntimeClasses against, and a notice when they cannot be judged or are
// judged against the user's list rather than the nodes'.
//
// The nodes' handlers are known when every Node read reports its own
// (status.runtimeHandlers): a Node that reports none (kubelet older than
// 1.30, or a runtime that does not tell) may offer any handler. They win
// over given, the user's --runtime-handlers, which is used only when the
// nodes do not tell. The notice is given only when the cluster has a
// RuntimeClass to judge.
func runtimeHandlers(snap *Snapshot, given []string) ([]string, string) {
	known, silent := nodeHandlers(snap.Nodes)
	if known != nil {
		return known, ""
	}
	if !hasRuntimeClass(snap.Set) {
		return given, ""
	}
	why := fmt.Sprintf("%d of %d nodes report no runtime handlers (status.runtimeHandlers, kubelet 1.30+)", silent, len(snap.Nodes))
	switch {
	case silent == 0 && len(snap.Nodes) > 0:
		why = "the nodes report only the default runtime handler"
	case snap.Nodes == nil:
		why = "the nodes could not be read"
	case len(snap.Nodes) == 0:
		why = "the cluster has no nodes"
	}
	if len(given) > 0 {
		return given, fmt.Sprintf("RuntimeClass handlers judged against --runtime-handlers %s (%s): %s", strings.Join(given, ","), kube.RuntimeClassHandlerCheckID, why)
	}
	return nil, fmt.Sprintf("RuntimeClass handlers not checked (%s): %s; give them with --runtime-handlers", kube.RuntimeClassHandlerCheckID, why)
}

// nodeHandlers returns the union of the nodes' runtime handlers, sorted,
// or nil when some node reports none (silent counts them), there is no
// node or no handler has a name.
func nodeHandlers(nodes []NodeMeta) (known []string, silent int) {
	for _, n := range nodes {
		if n.RuntimeHandlers == nil {
			silent++
			continue
		}
		known = append(known, n.RuntimeHandlers...)
	}
	if silent > 0 || len(known) == 0 {
		return nil, silent
	}
	slices.Sort(known)
	return slices.Compact(known), 0
}

// hasRuntimeClass reports whether set holds a RuntimeClass.
func hasRuntimeClass(set *kube.Set) bool {
	for _, o := range set.Objects {
		if o.Kind == "RuntimeClass" {
			return true
		}
	}
	return false
}
