package cluster

import (
	"github.com/fourc-dev/fourc/internal/rbac"
)

// Subject is a user, group or service account, as RBAC bindings name
// them; who-can returns them with the bindings that grant.
type Subject = rbac.Subject

// WhoCan answers `fourc k8s who-can VERB RESOURCE [-n NAMESPACE]` on a
// snapshot from the one RBAC model (kube.Set.RBAC): resource in kubectl's
// notation (see [rbac.ParseResource]), namespace empty for cluster-wide.
func WhoCan(snap *Snapshot, verb, resource, namespace string) []Subject {
	req := rbac.ParseResource(resource)
	req.Verb, req.Namespace = verb, namespace
	return snap.Set.RBAC().WhoCan(req)
}
