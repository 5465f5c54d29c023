package audit

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
)

// ClusterView is what the audit checks learn from a view of the cluster
// (a folder of manifests or a live snapshot, as the kube and cluster
// scanners report it in assets): the workloads of every namespace, to
// name the workload a pod belongs to, and the service accounts whose RBAC
// lets them read secrets.
type ClusterView struct {
	workloads map[string][]workload // by namespace
	secrets   map[string]bool       // "ns/name" of service accounts with readSecrets
}

type workload struct {
	name string
	res  finding.Resource
}

// NewClusterView builds a view from the assets of a cluster scan.
func NewClusterView(assets []finding.Asset) *ClusterView {
	c := &ClusterView{workloads: map[string][]workload{}, secrets: map[string]bool{}}
	for _, a := range assets {
		switch a.Kind {
		case "workload":
			ns := a.Attrs["namespace"]
			_, name, _ := strings.Cut(a.Resource.Name, "/")
			c.workloads[ns] = append(c.workloads[ns], workload{name: name, res: a.Resource})
		case "serviceaccount":
			if a.Attrs["readSecrets"] == "true" || a.Attrs["clusterAdmin"] == "true" {
				c.secrets[a.Resource.Name] = true
			}
		}
	}
	return c
}

// podResource names the workload a pod belongs to, so the finding joins
// the workload's node in the cross-layer graph: the workload whose name
// is the pod's, or the longest whose name followed by "-" starts the
// pod's (the names controllers give pods: NAME-HASH-XXXXX for a
// Deployment, NAME-N for a StatefulSet, NAME-XXXXX for a DaemonSet or a
// Job). Without a match (or a view) the pod itself.
func (c *ClusterView) podResource(ns, pod string) finding.Resource {
	own := finding.Resource{Kind: "Pod", Name: ns + "/" + pod}
	if c == nil {
		return own
	}
	best := -1
	var res finding.Resource
	for _, w := range c.workloads[ns] {
		if (pod == w.name || strings.HasPrefix(pod, w.name+"-")) && len(w.name) > best {
			best, res = len(w.name), w.res
		}
	}
	if best < 0 {
		return own
	}
	return res
}

// readsSecrets reports whether the view says the service account may
// read secrets (or is cluster-admin).
func (c *ClusterView) readsSecrets(ns, name string) bool {
	return c != nil && c.secrets[ns+"/"+name]
}
