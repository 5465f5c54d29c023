package cluster

import (
	"cmp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
)

// maxOwnerDepth bounds the walk from a Pod to the workload that owns it
// (Pod → ReplicaSet → Deployment is two; Pod → Job → CronJob is two).
const maxOwnerDepth = 4

// Assets returns the assets of a snapshot for the cross-layer graph: those
// [kube.Assets] builds from the snapshot's objects — the same as a
// manifest scan of the same objects gives — plus what only a running
// cluster shows about the workloads that controllers run: the Nodes their
// Pods are scheduled on (a "scheduled" edge to node:NAME) and the digest
// each image resolved to (the image's "digest" attribute, from the Pods'
// container statuses). Assets are sorted by ID.
func Assets(snap *Snapshot) []finding.Asset {
	assets := kube.Assets(snap.Set)
	byID := map[string]int{}
	for i, a := range assets {
		byID[a.ID] = i
	}
	objects := map[types.UID]*kube.Object{}
	workloads := map[types.UID]*kube.Workload{}
	for _, o := range snap.Set.Objects {
		if uid := o.Meta().GetUID(); uid != "" {
			objects[uid] = o
		}
	}
	for _, w := range snap.Set.Workloads {
		if uid := w.Meta().GetUID(); uid != "" {
			workloads[uid] = w
		}
	}
	var added []finding.Asset
	for _, o := range snap.Set.Objects {
		pod, ok := o.Typed.(*corev1.Pod)
		if !ok || !controlled(pod.OwnerReferences) {
			continue // a bare Pod is a workload: kube.Assets saw it
		}
		w, direct := owner(pod, objects, workloads)
		if w == nil {
			continue
		}
		i, ok := byID[kube.WorkloadAssetID(w)]
		if !ok {
			continue
		}
		wa := &assets[i]
		if n := pod.Spec.NodeName; n != "" {
			id := "node:" + n
			if _, seen := byID[id]; !seen {
				byID[id] = -1
				added = append(added, finding.Asset{ID: id, Kind: "node", Name: n, Layer: finding.LayerCluster,
					Resource: finding.Resource{Kind: "Node", Name: n}, Attrs: map[string]string{}})
			}
			wa.Edges = append(wa.Edges, finding.Edge{Rel: "scheduled", To: id})
		}
		// The image each container ran, by the template of the Pod's
		// own controller (an old ReplicaSet's image is not the
		// Deployment's).
		images := map[string]string{}
		if dw, ok := kube.NewWorkload(direct); ok {
			for _, c := range slices.Concat(dw.PodSpec.InitContainers, dw.PodSpec.Containers) {
				images[c.Name] = strings.TrimSpace(c.Image)
			}
		}
		for _, st := range slices.Concat(pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses) {
			j, ok := byID["image:"+images[st.Name]]
			if !ok || j < 0 || images[st.Name] == "" {
				continue
			}
			if d := digestOf(st.ImageID); d != "" && assets[j].Attrs["digest"] == "" {
				if assets[j].Attrs == nil {
					assets[j].Attrs = map[string]string{}
				}
				assets[j].Attrs["digest"] = d
			}
		}
	}
	for i := range assets {
		e := assets[i].Edges
		slices.SortFunc(e, func(x, y finding.Edge) int { return cmp.Or(cmp.Compare(x.Rel, y.Rel), cmp.Compare(x.To, y.To)) })
		assets[i].Edges = slices.Compact(e)
	}
	assets = append(assets, added...)
	slices.SortFunc(assets, func(x, y finding.Asset) int { return cmp.Compare(x.ID, y.ID) })
	return assets
}

// owner walks a Pod's controller references up to the workload the checks
// judge, and returns it with the Pod's own controller. Nil when the chain
// leaves what the read saw.
func owner(pod *corev1.Pod, objects map[types.UID]*kube.Object, workloads map[types.UID]*kube.Workload) (*kube.Workload, *kube.Object) {
	var direct *kube.Object
	refs := pod.OwnerReferences
	for range maxOwnerDepth {
		uid := controllerUID(refs)
		if uid == "" {
			return nil, nil
		}
		o := objects[uid]
		if o == nil {
			return nil, nil
		}
		if direct == nil {
			direct = o
		}
		if w := workloads[uid]; w != nil {
			return w, direct
		}
		refs = o.Meta().GetOwnerReferences()
	}
	return nil, nil
}

// controllerUID returns the UID of the controlling owner, or "".
func controllerUID(refs []metav1.OwnerReference) types.UID {
	for _, r := range refs {
		if r.Controller != nil && *r.Controller {
			return r.UID
		}
	}
	return ""
}

// digestOf returns the sha256 digest of a container status imageID such as
// "docker-pullable://repo@sha256:…" or "sha256:…".
func digestOf(imageID string) string {
	if i := strings.Index(imageID, "sha256:"); i >= 0 {
		return imageID[i:]
	}
	return ""
}
