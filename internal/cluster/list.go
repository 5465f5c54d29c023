package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/transport"
)

// lastApplied is the annotation kubectl apply keeps the whole applied
// manifest in. It doubles an object's size and, on a Secret, holds the
// Secret's data: it is dropped from everything read.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// listFunc lists one page of a resource in namespace ns ("" for all
// namespaces or a cluster-scoped resource) and returns its items and the
// continue token.
type listFunc func(ctx context.Context, cs kubernetes.Interface, ns string, opts metav1.ListOptions) ([]runtime.Object, string, error)

// resource is one kind the reader lists.
type resource struct {
	// name is the plural resource name, as in RBAC rules and URLs.
	name string
	// group is the API group ("" for the core group).
	group      string
	namespaced bool
	list       listFunc
}

// page adapts a typed List call to a listFunc.
func page[L interface{ GetContinue() string }, T any, PT interface {
	*T
	runtime.Object
}](call func(ctx context.Context, cs kubernetes.Interface, ns string, opts metav1.ListOptions) (L, error), items func(L) []T) listFunc {
	return func(ctx context.Context, cs kubernetes.Interface, ns string, opts metav1.ListOptions) ([]runtime.Object, string, error) {
		l, err := call(ctx, cs, ns, opts)
		if err != nil {
			return nil, "", err
		}
		its := items(l)
		out := make([]runtime.Object, len(its))
		for i := range its {
			out[i] = PT(&its[i])
		}
		return out, l.GetContinue(), nil
	}
}

type (
	lo = metav1.ListOptions
	cx = context.Context
	ki = kubernetes.Interface
)

// resources lists every kind the shared checks inspect, cluster-scoped
// ones first.
func resources() []resource {
	return []resource{
		{"namespaces", "", false, page(func(ctx cx, cs ki, _ string, o lo) (*corev1.NamespaceList, error) {
			return cs.CoreV1().Namespaces().List(ctx, o)
		}, func(l *corev1.NamespaceList) []corev1.Namespace { return l.Items })},
		{"clusterroles", rbacv1.GroupName, false, page(func(ctx cx, cs ki, _ string, o lo) (*rbacv1.ClusterRoleList, error) {
			return cs.RbacV1().ClusterRoles().List(ctx, o)
		}, func(l *rbacv1.ClusterRoleList) []rbacv1.ClusterRole { return l.Items })},
		{"clusterrolebindings", rbacv1.GroupName, false, page(func(ctx cx, cs ki, _ string, o lo) (*rbacv1.ClusterRoleBindingList, error) {
			return cs.RbacV1().ClusterRoleBindings().List(ctx, o)
		}, func(l *rbacv1.ClusterRoleBindingList) []rbacv1.ClusterRoleBinding { return l.Items })},
		{"roles", rbacv1.GroupName, true, page(func(ctx cx, cs ki, ns string, o lo) (*rbacv1.RoleList, error) {
			return cs.RbacV1().Roles(ns).List(ctx, o)
		}, func(l *rbacv1.RoleList) []rbacv1.Role { return l.Items })},
		{"rolebindings", rbacv1.GroupName, true, page(func(ctx cx, cs ki, ns string, o lo) (*rbacv1.RoleBindingList, error) {
			return cs.RbacV1().RoleBindings(ns).List(ctx, o)
		}, func(l *rbacv1.RoleBindingList) []rbacv1.RoleBinding { return l.Items })},
		{"serviceaccounts", "", true, page(func(ctx cx, cs ki, ns string, o lo) (*corev1.ServiceAccountList, error) {
			return cs.CoreV1().ServiceAccounts(ns).List(ctx, o)
		}, func(l *corev1.ServiceAccountList) []corev1.ServiceAccount { return l.Items })},
		{"persistentvolumes", "", false, page(func(ctx cx, cs ki, _ string, o lo) (*corev1.PersistentVolumeList, error) {
			return cs.CoreV1().PersistentVolumes().List(ctx, o)
		}, func(l *corev1.PersistentVolumeList) []corev1.PersistentVolume { return l.Items })},
		{"storageclasses", storagev1.GroupName, false, page(func(ctx cx, cs ki, _ string, o lo) (*storagev1.StorageClassList, error) {
			return cs.StorageV1().StorageClasses().List(ctx, o)
		}, func(l *storagev1.StorageClassList) []storagev1.StorageClass { return l.Items })},
		{"runtimeclasses", nodev1.GroupName, false, page(func(ctx cx, cs ki, _ string, o lo) (*nodev1.RuntimeClassList, error) {
			return cs.NodeV1().RuntimeClasses().List(ctx, o)
		}, func(l *nodev1.RuntimeClassList) []nodev1.RuntimeClass { return l.Items })},
		{"resourcequotas", "", true, page(func(ctx cx, cs ki, ns string, o lo) (*corev1.ResourceQuotaList, error) {
			return cs.CoreV1().ResourceQuotas(ns).List(ctx, o)
		}, func(l *corev1.ResourceQuotaList) []corev1.ResourceQuota { return l.Items })},
		{"limitranges", "", true, page(func(ctx cx, cs ki, ns string, o lo) (*corev1.LimitRangeList, error) {
			return cs.CoreV1().LimitRanges(ns).List(ctx, o)
		}, func(l *corev1.LimitRangeList) []corev1.LimitRange { return l.Items })},
		{"persistentvolumeclaims", "", true, page(func(ctx cx, cs ki, ns string, o lo) (*corev1.PersistentVolumeClaimList, error) {
			return cs.CoreV1().PersistentVolumeClaims(ns).List(ctx, o)
		}, func(l *corev1.PersistentVolumeClaimList) []corev1.PersistentVolumeClaim { return l.Items })},
		{"services", "", true, page(func(ctx cx, cs ki, ns string, o lo) (*corev1.ServiceList, error) {
			return cs.CoreV1().Services(ns).List(ctx, o)
		}, func(l *corev1.ServiceList) []corev1.Service { return l.Items })},
		{"networkpolicies", networkingv1.GroupName, true, page(func(ctx cx, cs ki, ns string, o lo) (*networkingv1.NetworkPolicyList, error) {
			return cs.NetworkingV1().NetworkPolicies(ns).List(ctx, o)
		}, func(l *networkingv1.NetworkPolicyList) []networkingv1.NetworkPolicy { return l.Items })},
		{"ingresses", networkingv1.GroupName, true, page(func(ctx cx, cs ki, ns string, o lo) (*networkingv1.IngressList, error) {
			return cs.NetworkingV1().Ingresses(ns).List(ctx, o)
		}, func(l *networkingv1.IngressList) []networkingv1.Ingress { return l.Items })},
		{"pods", "", true, page(func(ctx cx, cs ki, ns string, o lo) (*corev1.PodList, error) {
			return cs.CoreV1().Pods(ns).List(ctx, o)
		}, func(l *corev1.PodList) []corev1.Pod { return l.Items })},
		{"replicationcontrollers", "", true, page(func(ctx cx, cs ki, ns string, o lo) (*corev1.ReplicationControllerList, error) {
			return cs.CoreV1().ReplicationControllers(ns).List(ctx, o)
		}, func(l *corev1.ReplicationControllerList) []corev1.ReplicationController { return l.Items })},
		{"deployments", appsv1.GroupName, true, page(func(ctx cx, cs ki, ns string, o lo) (*appsv1.DeploymentList, error) {
			return cs.AppsV1().Deployments(ns).List(ctx, o)
		}, func(l *appsv1.DeploymentList) []appsv1.Deployment { return l.Items })},
		{"statefulsets", appsv1.GroupName, true, page(func(ctx cx, cs ki, ns string, o lo) (*appsv1.StatefulSetList, error) {
			return cs.AppsV1().StatefulSets(ns).List(ctx, o)
		}, func(l *appsv1.StatefulSetList) []appsv1.StatefulSet { return l.Items })},
		{"daemonsets", appsv1.GroupName, true, page(func(ctx cx, cs ki, ns string, o lo) (*appsv1.DaemonSetList, error) {
			return cs.AppsV1().DaemonSets(ns).List(ctx, o)
		}, func(l *appsv1.DaemonSetList) []appsv1.DaemonSet { return l.Items })},
		{"replicasets", appsv1.GroupName, true, page(func(ctx cx, cs ki, ns string, o lo) (*appsv1.ReplicaSetList, error) {
			return cs.AppsV1().ReplicaSets(ns).List(ctx, o)
		}, func(l *appsv1.ReplicaSetList) []appsv1.ReplicaSet { return l.Items })},
		{"jobs", batchv1.GroupName, true, page(func(ctx cx, cs ki, ns string, o lo) (*batchv1.JobList, error) {
			return cs.BatchV1().Jobs(ns).List(ctx, o)
		}, func(l *batchv1.JobList) []batchv1.Job { return l.Items })},
		{"cronjobs", batchv1.GroupName, true, page(func(ctx cx, cs ki, ns string, o lo) (*batchv1.CronJobList, error) {
			return cs.BatchV1().CronJobs(ns).List(ctx, o)
		}, func(l *batchv1.CronJobList) []batchv1.CronJob { return l.Items })},
	}
}

// reader reads one cluster.
type reader struct {
	client    kubernetes.Interface
	namespace string // "" for all namespaces
	pageSize  int64
}

// workers bounds how many resources are listed at once.
const workers = 4

// read lists every resource, a few at a time, and builds the snapshot.
// Objects keep the order of resources() and, within one, the server's.
// Besides the resources, it lists Secret metadata and Nodes and gets
// kubeadm's ConfigMaps.
func (r reader) read(ctx context.Context) (*Snapshot, []finding.Skipped, error) {
	type result struct {
		objs    []*kube.Object
		skipped *finding.Skipped
	}
	res := resources()
	var (
		secrets    []SecretMeta
		nodes      []NodeMeta
		configMaps map[string]map[string]string
	)
	// extras run after the resources, each filling its own variable.
	extras := []func() *finding.Skipped{
		func() *finding.Skipped {
			var err error
			if secrets, err = r.secrets(ctx); err != nil {
				return r.skip(resource{name: "secrets", namespaced: true}, err)
			}
			return nil
		},
		func() *finding.Skipped {
			var err error
			if nodes, err = r.nodes(ctx); err != nil {
				return r.skip(resource{name: "nodes"}, err)
			}
			return nil
		},
		func() *finding.Skipped {
			var sk *finding.Skipped
			configMaps, sk = r.kubeadmConfigMaps(ctx)
			return sk
		},
	}
	results := make([]result, len(res)+len(extras))
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			if i >= len(res) {
				results[i].skipped = extras[i-len(res)]()
				return
			}
			var err error
			results[i].objs, err = r.listAll(ctx, res[i])
			if err != nil {
				results[i].objs = nil
				results[i].skipped = r.skip(res[i], err)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	snap := &Snapshot{Counts: map[string]int{}, Secrets: secrets, Nodes: nodes, ConfigMaps: configMaps}
	var (
		objs    []*kube.Object
		skipped []finding.Skipped
	)
	for i, rs := range results {
		if rs.skipped != nil {
			skipped = append(skipped, *rs.skipped)
			continue
		}
		if i < len(res) {
			objs = append(objs, rs.objs...)
			snap.Counts[res[i].name] = len(rs.objs)
		}
	}
	if secrets != nil || !skippedPath(skipped, r.path(resource{name: "secrets", namespaced: true})) {
		snap.Counts["secrets"] = len(secrets)
	}
	if nodes != nil || !skippedPath(skipped, "nodes") {
		snap.Counts["nodes"] = len(nodes)
	}
	snap.Set = kube.NewSet(objs)
	return snap, skipped, nil
}

// skippedPath reports whether a skipped entry names path.
func skippedPath(sk []finding.Skipped, path string) bool {
	for _, s := range sk {
		if s.Path == path {
			return true
		}
	}
	return false
}

// skip turns the error of listing res into a Skipped entry: one line,
// "listing secrets: forbidden".
func (r reader) skip(res resource, err error) *finding.Skipped {
	return &finding.Skipped{Path: r.path(res), Scanner: scannerName, Reason: fmt.Sprintf("listing %s: %s", res.name, skipReason(err))}
}

// skipReason says in a few words why a request failed.
func skipReason(err error) string {
	var bound *transport.Error
	switch {
	case errors.As(err, &bound):
		return bound.Error()
	case apierrors.IsForbidden(err):
		return "forbidden"
	case apierrors.IsUnauthorized(err):
		return "unauthorized"
	case apierrors.IsNotFound(err):
		return "not served by this API server"
	}
	return oneLine(err.Error())
}

// path names a resource in the scope read: "pods", "namespaces/shop/pods".
func (r reader) path(res resource) string {
	if res.namespaced && r.namespace != "" {
		return "namespaces/" + r.namespace + "/" + res.name
	}
	return res.name
}

// listAll lists every page of res. A continue token that expired (the
// list took longer than etcd keeps history) restarts the list once.
func (r reader) listAll(ctx context.Context, res resource) ([]*kube.Object, error) {
	for attempt := 0; ; attempt++ {
		objs, err := r.pages(ctx, res)
		if apierrors.IsResourceExpired(err) && attempt == 0 {
			continue
		}
		return objs, err
	}
}

func (r reader) pages(ctx context.Context, res resource) ([]*kube.Object, error) {
	ns := ""
	opts := metav1.ListOptions{Limit: r.pageSize}
	switch {
	case res.namespaced:
		ns = r.namespace
	case res.name == "namespaces" && r.namespace != "":
		// Only the namespace read; its labels carry its Pod Security level.
		opts.FieldSelector = fields.OneTermEqualSelector("metadata.name", r.namespace).String()
	}
	var out []*kube.Object
	for {
		items, cont, err := res.list(ctx, r.client, ns, opts)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			o, err := r.object(res, it)
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
		if done, err := nextPage(ctx, &opts, cont); done || err != nil {
			return out, err
		}
	}
}

// errRepeatedContinue stops a list whose server answers a page with the
// continue token it was asked for, which would never end.
var errRepeatedContinue = errors.New("the server repeated its continue token")

// nextPage moves opts on to the page after one whose continue token was
// cont. It is done when there is no further page, and fails when the
// server repeats the token it was asked for or ctx ends.
func nextPage(ctx context.Context, opts *metav1.ListOptions, cont string) (done bool, err error) {
	switch {
	case cont == "":
		return true, nil
	case cont == opts.Continue:
		return false, errRepeatedContinue
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	opts.Continue = cont
	return false, nil
}

// object turns one listed item into a kube.Object, trimmed of what no
// check reads.
func (r reader) object(res resource, it runtime.Object) (*kube.Object, error) {
	if p, ok := it.(*corev1.Pod); ok && controlled(p.OwnerReferences) {
		it = slimPod(p)
	}
	m := it.(metav1.ObjectMetaAccessor).GetObjectMeta()
	m.SetManagedFields(nil)
	if a := m.GetAnnotations(); a[lastApplied] != "" {
		delete(a, lastApplied)
	}
	ref := res.name + "/" + m.GetName()
	if res.namespaced {
		ref = "namespaces/" + m.GetNamespace() + "/" + ref
	}
	o, err := kube.NewObject(it, kube.Source{Ref: ref, Item: -1})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	return o, nil
}

// controlled reports whether a controller owns the object.
func controlled(refs []metav1.OwnerReference) bool {
	for _, r := range refs {
		if r.Controller != nil && *r.Controller {
			return true
		}
	}
	return false
}

// slimPod keeps what the live view needs of a controller-owned Pod (its
// owner is what the checks judge): metadata without annotations, the
// service account, token mounting, node, phase, and the name and image ID
// of each container status (the digest its image resolved to). A Pod of a
// large Deployment shrinks from kilobytes to a few hundred bytes.
func slimPod(p *corev1.Pod) *corev1.Pod {
	slim := func(sts []corev1.ContainerStatus) []corev1.ContainerStatus {
		var out []corev1.ContainerStatus
		for _, st := range sts {
			out = append(out, corev1.ContainerStatus{Name: st.Name, ImageID: st.ImageID})
		}
		return out
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:            p.Name,
			Namespace:       p.Namespace,
			UID:             p.UID,
			Labels:          p.Labels,
			OwnerReferences: p.OwnerReferences,
		},
		Spec: corev1.PodSpec{
			ServiceAccountName:           p.Spec.ServiceAccountName,
			AutomountServiceAccountToken: p.Spec.AutomountServiceAccountToken,
			NodeName:                     p.Spec.NodeName,
		},
		Status: corev1.PodStatus{Phase: p.Status.Phase,
			InitContainerStatuses: slim(p.Status.InitContainerStatuses), ContainerStatuses: slim(p.Status.ContainerStatuses)},
	}
}

// SecretMeta is what fourc knows of a Secret: its metadata, never its data.
type SecretMeta struct {
	Namespace   string
	Name        string
	Labels      map[string]string
	Annotations map[string]string // without last-applied-configuration
	// LastAppliedData is set when kubectl apply copied the Secret's data
	// into the last-applied-configuration annotation, where every reader
	// of metadata sees it. The annotation itself is dropped on receipt.
	LastAppliedData bool
}

// Ref references the Secret like a live object's Source.Ref.
func (s SecretMeta) Ref() string { return "namespaces/" + s.Namespace + "/secrets/" + s.Name }

// metadataOnly is the only answer a Secret list accepts: the
// server sends object metadata, or fails with 406 Not Acceptable. There is
// no fallback to a full SecretList.
const metadataOnly = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"

// secrets lists the metadata of every Secret in scope, page by page.
func (r reader) secrets(ctx context.Context) ([]SecretMeta, error) {
	items, err := r.metadata(ctx, "secrets", true)
	if err != nil {
		return nil, err
	}
	out := make([]SecretMeta, 0, len(items))
	for _, it := range items {
		out = append(out, secretMeta(it))
	}
	return out, nil
}

// nodes lists every Node and keeps its name, labels (which tell the
// platform) and the names of the runtime handlers its kubelet reports in
// status.runtimeHandlers. Nothing else of a Node is kept.
func (r reader) nodes(ctx context.Context) ([]NodeMeta, error) {
	for attempt := 0; ; attempt++ {
		out, err := r.nodePages(ctx)
		if apierrors.IsResourceExpired(err) && attempt == 0 {
			continue
		}
		return out, err
	}
}

func (r reader) nodePages(ctx context.Context) ([]NodeMeta, error) {
	opts := metav1.ListOptions{Limit: r.pageSize}
	out := []NodeMeta{}
	for {
		l, err := r.client.CoreV1().Nodes().List(ctx, opts)
		if err != nil {
			return nil, err
		}
		for i := range l.Items {
			out = append(out, nodeMeta(&l.Items[i]))
		}
		if done, err := nextPage(ctx, &opts, l.Continue); done || err != nil {
			return out, err
		}
	}
}

// nodeMeta keeps what fourc reads of a Node. RuntimeHandlers stays nil
// when the kubelet reports none (older than 1.30, or a runtime that does
// not tell); the default handler, which has no name, is not listed.
func nodeMeta(n *corev1.Node) NodeMeta {
	m := NodeMeta{Name: n.Name, Labels: n.Labels}
	if len(n.Status.RuntimeHandlers) > 0 {
		m.RuntimeHandlers = []string{}
		for _, h := range n.Status.RuntimeHandlers {
			if h.Name != "" {
				m.RuntimeHandlers = append(m.RuntimeHandlers, h.Name)
			}
		}
	}
	return m
}

// metadata lists the metadata of every object of a core-group resource in
// scope (namespaced) or in the cluster, restarting once on an expired
// continue token.
func (r reader) metadata(ctx context.Context, resource string, namespaced bool) ([]metav1.PartialObjectMetadata, error) {
	for attempt := 0; ; attempt++ {
		out, err := r.metadataPages(ctx, resource, namespaced)
		if apierrors.IsResourceExpired(err) && attempt == 0 {
			continue
		}
		return out, err
	}
}

func (r reader) metadataPages(ctx context.Context, resource string, namespaced bool) ([]metav1.PartialObjectMetadata, error) {
	opts := metav1.ListOptions{Limit: r.pageSize}
	ns := ""
	if namespaced {
		ns = r.namespace
	}
	var out []metav1.PartialObjectMetadata
	for {
		raw, err := r.client.CoreV1().RESTClient().Get().
			Namespace(ns).
			Resource(resource).
			VersionedParams(&opts, scheme.ParameterCodec).
			SetHeader("Accept", metadataOnly).
			Do(ctx).Raw()
		if err != nil {
			return nil, err
		}
		var l metav1.PartialObjectMetadataList
		if err := json.Unmarshal(raw, &l); err != nil {
			return nil, fmt.Errorf("decoding %s metadata: %w", strings.TrimSuffix(resource, "s"), err)
		}
		if l.Kind != "PartialObjectMetadataList" {
			return nil, fmt.Errorf("server answered with %q instead of %s metadata; discarded", l.Kind, strings.TrimSuffix(resource, "s"))
		}
		out = append(out, l.Items...)
		if done, err := nextPage(ctx, &opts, l.Continue); done || err != nil {
			return out, err
		}
	}
}

// secretMeta keeps a Secret's names, labels and annotations, and whether
// its last-applied-configuration annotation carries data, dropping that
// annotation.
func secretMeta(m metav1.PartialObjectMetadata) SecretMeta {
	s := SecretMeta{Namespace: m.Namespace, Name: m.Name, Labels: m.Labels}
	if la, ok := m.Annotations[lastApplied]; ok {
		s.LastAppliedData = appliedData(la)
		delete(m.Annotations, lastApplied)
	}
	s.Annotations = m.Annotations
	return s
}

// appliedData reports whether a last-applied-configuration holds a
// non-empty data or stringData field. It reads the JSON into a throw-away
// value and keeps nothing of it.
func appliedData(la string) bool {
	var v struct {
		Data       map[string]json.RawMessage `json:"data"`
		StringData map[string]json.RawMessage `json:"stringData"`
	}
	if err := json.Unmarshal([]byte(la), &v); err != nil {
		return strings.Contains(la, `"data"`) || strings.Contains(la, `"stringData"`)
	}
	return len(v.Data)+len(v.StringData) > 0
}
