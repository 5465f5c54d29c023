package operator

import (
	"context"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/kube"
)

// lastApplied is kubectl apply's copy of the whole manifest; on a Secret
// it holds the data. It is dropped from every object cached.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// watched is one kind the posture controller watches and reads from the
// informer cache: the kinds `fourc k8s` lists (internal/cluster), so that
// both see the same objects.
type watched struct {
	// resource is the plural name, as in a live object's reference.
	resource   string
	namespaced bool
	object     client.Object
	list       client.ObjectList
}

// watchedKinds lists every kind the shared checks inspect. Secrets are
// watched apart, as metadata only, and Nodes apart too.
func watchedKinds() []watched {
	return []watched{
		{"namespaces", false, &corev1.Namespace{}, &corev1.NamespaceList{}},
		{"clusterroles", false, &rbacv1.ClusterRole{}, &rbacv1.ClusterRoleList{}},
		{"clusterrolebindings", false, &rbacv1.ClusterRoleBinding{}, &rbacv1.ClusterRoleBindingList{}},
		{"roles", true, &rbacv1.Role{}, &rbacv1.RoleList{}},
		{"rolebindings", true, &rbacv1.RoleBinding{}, &rbacv1.RoleBindingList{}},
		{"serviceaccounts", true, &corev1.ServiceAccount{}, &corev1.ServiceAccountList{}},
		{"persistentvolumes", false, &corev1.PersistentVolume{}, &corev1.PersistentVolumeList{}},
		{"storageclasses", false, &storagev1.StorageClass{}, &storagev1.StorageClassList{}},
		{"runtimeclasses", false, &nodev1.RuntimeClass{}, &nodev1.RuntimeClassList{}},
		{"resourcequotas", true, &corev1.ResourceQuota{}, &corev1.ResourceQuotaList{}},
		{"limitranges", true, &corev1.LimitRange{}, &corev1.LimitRangeList{}},
		{"persistentvolumeclaims", true, &corev1.PersistentVolumeClaim{}, &corev1.PersistentVolumeClaimList{}},
		{"services", true, &corev1.Service{}, &corev1.ServiceList{}},
		{"networkpolicies", true, &networkingv1.NetworkPolicy{}, &networkingv1.NetworkPolicyList{}},
		{"ingresses", true, &networkingv1.Ingress{}, &networkingv1.IngressList{}},
		{"pods", true, &corev1.Pod{}, &corev1.PodList{}},
		{"replicationcontrollers", true, &corev1.ReplicationController{}, &corev1.ReplicationControllerList{}},
		{"deployments", true, &appsv1.Deployment{}, &appsv1.DeploymentList{}},
		{"statefulsets", true, &appsv1.StatefulSet{}, &appsv1.StatefulSetList{}},
		{"daemonsets", true, &appsv1.DaemonSet{}, &appsv1.DaemonSetList{}},
		{"replicasets", true, &appsv1.ReplicaSet{}, &appsv1.ReplicaSetList{}},
		{"jobs", true, &batchv1.Job{}, &batchv1.JobList{}},
		{"cronjobs", true, &batchv1.CronJob{}, &batchv1.CronJobList{}},
	}
}

// stripObject is the cache's transform: no managed fields, no
// last-applied copy. The checks read neither.
func stripObject(in any) (any, error) {
	m, err := meta.Accessor(in)
	if err != nil {
		return in, nil //nolint:nilerr // not an object: cache it as it is
	}
	m.SetManagedFields(nil)
	if a := m.GetAnnotations(); a[lastApplied] != "" {
		secretData := strings.Contains(a[lastApplied], `"data"`) || strings.Contains(a[lastApplied], `"stringData"`)
		delete(a, lastApplied)
		if _, isSecret := in.(*metav1.PartialObjectMetadata); isSecret && secretData {
			a[lastAppliedDataMark] = "true"
		}
		m.SetAnnotations(a)
	}
	return in, nil
}

// lastAppliedDataMark is set, in the cache only, on Secret metadata whose
// dropped last-applied copy held the Secret's data.
const lastAppliedDataMark = "fourc.dev/last-applied-data"

// snapshot builds what `fourc k8s` would read from the informer cache:
// the same object model, so that cluster.Evaluate and cluster.Assets run
// unchanged. Cached objects are read without copying: the checks only
// read them.
// Without withSecrets (the operator may not list them), it has none.
func snapshot(ctx context.Context, c client.Reader, version string, withSecrets bool) (*cluster.Snapshot, error) {
	snap := &cluster.Snapshot{Version: version, Counts: map[string]int{}}
	var objs []*kube.Object
	for _, w := range watchedKinds() {
		list := w.list.DeepCopyObject().(client.ObjectList)
		if err := c.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
			return nil, fmt.Errorf("listing %s from the cache: %w", w.resource, err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return nil, fmt.Errorf("listing %s from the cache: %w", w.resource, err)
		}
		for _, it := range items {
			if m, err := meta.Accessor(it); err == nil && m.GetLabels()[scanLabel] != "" {
				continue // the operator's own Jobs and their Pods
			}
			o, err := liveObject(w, it)
			if err != nil {
				return nil, err
			}
			objs = append(objs, o)
		}
		snap.Counts[w.resource] = len(items)
	}
	var err error
	if withSecrets {
		if snap.Secrets, err = secrets(ctx, c); err != nil {
			return nil, err
		}
	}
	if snap.Nodes, err = nodes(ctx, c); err != nil {
		return nil, err
	}
	snap.Counts["secrets"], snap.Counts["nodes"] = len(snap.Secrets), len(snap.Nodes)
	snap.Set = kube.NewSet(objs)
	return snap, nil
}

// liveObject wraps one cached object as internal/cluster does: its
// reference is "namespaces/NS/RESOURCE/NAME" or "RESOURCE/NAME".
func liveObject(w watched, it runtime.Object) (*kube.Object, error) {
	m, err := meta.Accessor(it)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", w.resource, err)
	}
	ref := w.resource + "/" + m.GetName()
	if w.namespaced {
		ref = "namespaces/" + m.GetNamespace() + "/" + ref
	}
	o, err := kube.NewObject(it, kube.Source{Ref: ref, Item: -1})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	return o, nil
}

// secrets lists the cached metadata of every Secret.
func secrets(ctx context.Context, c client.Reader) ([]cluster.SecretMeta, error) {
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("SecretList"))
	if err := c.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		return nil, fmt.Errorf("listing secrets from the cache: %w", err)
	}
	out := make([]cluster.SecretMeta, 0, len(list.Items))
	for _, s := range list.Items {
		ann := map[string]string{}
		for k, v := range s.Annotations {
			if k != lastAppliedDataMark {
				ann[k] = v
			}
		}
		out = append(out, cluster.SecretMeta{Namespace: s.Namespace, Name: s.Name, Labels: s.Labels, Annotations: ann,
			LastAppliedData: s.Annotations[lastAppliedDataMark] == "true"})
	}
	return out, nil
}

// nodes lists the cached Nodes as cluster.NodeMeta: name, labels and
// runtime handlers.
func nodes(ctx context.Context, c client.Reader) ([]cluster.NodeMeta, error) {
	list := &corev1.NodeList{}
	if err := c.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		return nil, fmt.Errorf("listing nodes from the cache: %w", err)
	}
	out := make([]cluster.NodeMeta, 0, len(list.Items))
	for _, n := range list.Items {
		nm := cluster.NodeMeta{Name: n.Name, Labels: n.Labels}
		for _, h := range n.Status.RuntimeHandlers {
			nm.RuntimeHandlers = append(nm.RuntimeHandlers, h.Name)
		}
		out = append(out, nm)
	}
	return out, nil
}
