package kube

import (
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Source says where an object came from: a document of a manifest file, or
// a live object.
type Source struct {
	// File is the manifest's slash-separated path relative to the scan
	// root; empty for a live object.
	File string
	// Doc is the 1-based position of the YAML document in File.
	Doc int
	// Item is the 0-based index of the object inside a List document, or
	// -1 when the document is the object itself.
	Item int
	// Ref references a live object, e.g. "namespaces/shop/deployments/api".
	// When File and Ref are both empty, findings name the object instead.
	Ref string
}

// Object is one Kubernetes object of a kind fourc inspects, decoded into its
// typed k8s.io/api struct. Manifests and live snapshots both produce
// Objects; checks only ever see Objects, never raw YAML.
type Object struct {
	// APIVersion and Kind are as declared, e.g. "apps/v1" and "Deployment".
	APIVersion string
	Kind       string
	// Namespace is empty for cluster-scoped objects and for namespaced
	// objects that leave it to the client (kubectl -n, kustomize).
	Namespace string
	Name      string
	// Typed is the decoded object: *appsv1.Deployment, *rbacv1.Role, ….
	Typed runtime.Object
	// Source is where the object came from.
	Source Source
	// Lines maps field paths of the object to source lines.
	Lines Lines

	set *Set
}

// NewObject wraps a typed object of a supported kind (the kinds [Load]
// decodes). A live-cluster source builds its Objects with it; the kind is
// taken from the Go type, so an empty TypeMeta is fine.
func NewObject(typed runtime.Object, src Source) (*Object, error) {
	gv, kind := kindOf(typed)
	if kind == "" {
		return nil, fmt.Errorf("unsupported object type %T", typed)
	}
	if av := typed.GetObjectKind().GroupVersionKind(); av.Kind == kind && av.Version != "" {
		gv = av.GroupVersion().String()
	}
	m := typed.(metav1.ObjectMetaAccessor).GetObjectMeta()
	return &Object{
		APIVersion: gv,
		Kind:       kind,
		Namespace:  m.GetNamespace(),
		Name:       m.GetName(),
		Typed:      typed,
		Source:     src,
	}, nil
}

// Meta returns the object's metadata.
func (o *Object) Meta() metav1.Object {
	return o.Typed.(metav1.ObjectMetaAccessor).GetObjectMeta()
}

// Set returns the set the object belongs to, or nil before [NewSet].
func (o *Object) Set() *Set { return o.set }

// Resource names the object for a finding: Kind and "namespace/name".
func (o *Object) Resource() finding.Resource {
	name := o.Name
	if o.Namespace != "" {
		name = o.Namespace + "/" + name
	}
	return finding.Resource{Kind: o.Kind, Name: name}
}

// Location returns where field of the object is: file and line for a
// manifest, the object reference for a live object.
func (o *Object) Location(field string) finding.Location {
	if o.Source.File != "" {
		return finding.Location{Path: o.Source.File, StartLine: o.Lines.Line(field)}
	}
	if o.Source.Ref != "" {
		return finding.Location{Object: o.Source.Ref}
	}
	return finding.Location{Object: o.Resource().String()}
}

// String names the object for messages, e.g. `Deployment "shop/api"`.
func (o *Object) String() string {
	r := o.Resource()
	return fmt.Sprintf("%s %q", r.Kind, r.Name)
}

// kindOf returns the canonical group/version and kind of a supported typed
// object, or an empty kind.
func kindOf(obj runtime.Object) (groupVersion, kind string) {
	switch obj.(type) {
	case *corev1.Pod:
		return "v1", "Pod"
	case *corev1.ReplicationController:
		return "v1", "ReplicationController"
	case *corev1.Service:
		return "v1", "Service"
	case *corev1.Namespace:
		return "v1", "Namespace"
	case *corev1.ServiceAccount:
		return "v1", "ServiceAccount"
	case *corev1.ResourceQuota:
		return "v1", "ResourceQuota"
	case *corev1.LimitRange:
		return "v1", "LimitRange"
	case *corev1.PersistentVolumeClaim:
		return "v1", "PersistentVolumeClaim"
	case *corev1.PersistentVolume:
		return "v1", "PersistentVolume"
	case *storagev1.StorageClass:
		return "storage.k8s.io/v1", "StorageClass"
	case *nodev1.RuntimeClass:
		return "node.k8s.io/v1", "RuntimeClass"
	case *appsv1.Deployment:
		return "apps/v1", "Deployment"
	case *appsv1.StatefulSet:
		return "apps/v1", "StatefulSet"
	case *appsv1.DaemonSet:
		return "apps/v1", "DaemonSet"
	case *appsv1.ReplicaSet:
		return "apps/v1", "ReplicaSet"
	case *batchv1.Job:
		return "batch/v1", "Job"
	case *batchv1.CronJob:
		return "batch/v1", "CronJob"
	case *rbacv1.Role:
		return "rbac.authorization.k8s.io/v1", "Role"
	case *rbacv1.ClusterRole:
		return "rbac.authorization.k8s.io/v1", "ClusterRole"
	case *rbacv1.RoleBinding:
		return "rbac.authorization.k8s.io/v1", "RoleBinding"
	case *rbacv1.ClusterRoleBinding:
		return "rbac.authorization.k8s.io/v1", "ClusterRoleBinding"
	case *networkingv1.NetworkPolicy:
		return "networking.k8s.io/v1", "NetworkPolicy"
	case *networkingv1.Ingress:
		return "networking.k8s.io/v1", "Ingress"
	}
	return "", ""
}

// newTyped returns an empty typed object for a declared apiVersion and
// kind, or nil for kinds fourc does not inspect (ConfigMaps, custom
// resources, …). Older API versions whose shape fourc reads identically
// (apps/v1beta2 Deployments, batch/v1beta1 CronJobs, rbac v1beta1) decode
// into the v1 structs.
func newTyped(apiVersion, kind string) runtime.Object {
	group, version := "", apiVersion
	if i := strings.LastIndexByte(apiVersion, '/'); i >= 0 {
		group, version = apiVersion[:i], apiVersion[i+1:]
	}
	k, ok := typedKinds[groupKind{group, kind}]
	if !ok || !slices.Contains(k.versions, version) {
		return nil
	}
	return k.new()
}

// groupKind is an API group (empty for the core group) and a kind.
type groupKind struct{ group, kind string }

// typedKind is a kind fourc decodes: the API versions it accepts and the
// empty object to decode into.
type typedKind struct {
	versions []string
	new      func() runtime.Object
}

var (
	v1Only       = []string{"v1"}
	appsVersions = []string{"v1", "v1beta1", "v1beta2"}
	rbacVersions = []string{"v1", "v1beta1", "v1alpha1"}
	betaAndV1    = []string{"v1", "v1beta1"}
)

// typedKinds lists every kind newTyped decodes. Read only.
var typedKinds = map[groupKind]typedKind{
	{"", "Pod"}:                   {v1Only, func() runtime.Object { return &corev1.Pod{} }},
	{"", "ReplicationController"}: {v1Only, func() runtime.Object { return &corev1.ReplicationController{} }},
	{"", "Service"}:               {v1Only, func() runtime.Object { return &corev1.Service{} }},
	{"", "Namespace"}:             {v1Only, func() runtime.Object { return &corev1.Namespace{} }},
	{"", "ServiceAccount"}:        {v1Only, func() runtime.Object { return &corev1.ServiceAccount{} }},
	{"", "ResourceQuota"}:         {v1Only, func() runtime.Object { return &corev1.ResourceQuota{} }},
	{"", "LimitRange"}:            {v1Only, func() runtime.Object { return &corev1.LimitRange{} }},
	{"", "PersistentVolumeClaim"}: {v1Only, func() runtime.Object { return &corev1.PersistentVolumeClaim{} }},
	{"", "PersistentVolume"}:      {v1Only, func() runtime.Object { return &corev1.PersistentVolume{} }},

	{"storage.k8s.io", "StorageClass"}: {betaAndV1, func() runtime.Object { return &storagev1.StorageClass{} }},
	// node.k8s.io/v1beta1 RuntimeClasses keep handler at the top level too.
	{"node.k8s.io", "RuntimeClass"}: {betaAndV1, func() runtime.Object { return &nodev1.RuntimeClass{} }},

	{"apps", "Deployment"}:          {appsVersions, func() runtime.Object { return &appsv1.Deployment{} }},
	{"apps", "DaemonSet"}:           {appsVersions, func() runtime.Object { return &appsv1.DaemonSet{} }},
	{"apps", "ReplicaSet"}:          {appsVersions, func() runtime.Object { return &appsv1.ReplicaSet{} }},
	{"apps", "StatefulSet"}:         {appsVersions, func() runtime.Object { return &appsv1.StatefulSet{} }},
	{"extensions", "Deployment"}:    {appsVersions, func() runtime.Object { return &appsv1.Deployment{} }},
	{"extensions", "DaemonSet"}:     {appsVersions, func() runtime.Object { return &appsv1.DaemonSet{} }},
	{"extensions", "ReplicaSet"}:    {appsVersions, func() runtime.Object { return &appsv1.ReplicaSet{} }},
	{"extensions", "NetworkPolicy"}: {appsVersions, func() runtime.Object { return &networkingv1.NetworkPolicy{} }},
	{"extensions", "Ingress"}:       {appsVersions, func() runtime.Object { return &networkingv1.Ingress{} }},

	{"batch", "Job"}:     {v1Only, func() runtime.Object { return &batchv1.Job{} }},
	{"batch", "CronJob"}: {betaAndV1, func() runtime.Object { return &batchv1.CronJob{} }},

	{"rbac.authorization.k8s.io", "Role"}:               {rbacVersions, func() runtime.Object { return &rbacv1.Role{} }},
	{"rbac.authorization.k8s.io", "ClusterRole"}:        {rbacVersions, func() runtime.Object { return &rbacv1.ClusterRole{} }},
	{"rbac.authorization.k8s.io", "RoleBinding"}:        {rbacVersions, func() runtime.Object { return &rbacv1.RoleBinding{} }},
	{"rbac.authorization.k8s.io", "ClusterRoleBinding"}: {rbacVersions, func() runtime.Object { return &rbacv1.ClusterRoleBinding{} }},

	{"networking.k8s.io", "NetworkPolicy"}: {v1Only, func() runtime.Object { return &networkingv1.NetworkPolicy{} }},
	{"networking.k8s.io", "Ingress"}:       {betaAndV1, func() runtime.Object { return &networkingv1.Ingress{} }},
}
