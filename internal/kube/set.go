package kube

import (
	"cmp"
	"slices"
	"sync"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/fourc-dev/fourc/internal/rbac"
)

// Set is every object of one scan unit (a directory tree of manifests, or
// a live cluster snapshot), indexed so that checks can look across
// objects: a namespace's guardrails, the NetworkPolicies that apply to a
// workload, the workloads a Service exposes.
type Set struct {
	// Objects are all objects, in the order they were given.
	Objects []*Object
	// Workloads are the objects that run pods, except those controlled by
	// another object (a live ReplicaSet owned by a Deployment, a Job owned
	// by a CronJob: their owner is inspected instead) and those whose pod
	// template has no container (partial objects such as kustomize
	// patches, which the API server would reject on their own).
	Workloads []*Workload
	// Namespaces are every namespace the set declares or uses, sorted by
	// name. The empty name stands for objects that leave the namespace to
	// the client (kubectl -n, kustomize).
	Namespaces []*Namespace
	// StorageClasses are the set's StorageClass objects (cluster-scoped).
	StorageClasses []*Object

	byName map[string]*Namespace
	// policy is the RBAC model of the set's objects (see [Set.RBAC]).
	policy     *rbac.Policy
	policyOnce sync.Once
}

// Namespace is the view of one namespace across a set.
type Namespace struct {
	Name string
	// Object is the Namespace object, nil when the set does not declare it.
	Object *Object
	// Workloads, NetworkPolicies, Services, ServiceAccounts,
	// ResourceQuotas, LimitRanges and PersistentVolumeClaims are the
	// namespace's objects of those kinds.
	Workloads              []*Workload
	NetworkPolicies        []*Object
	Services               []*Object
	ServiceAccounts        []*Object
	ResourceQuotas         []*Object
	LimitRanges            []*Object
	PersistentVolumeClaims []*Object
}

// Labels returns the Namespace object's labels, nil when undeclared.
func (n *Namespace) Labels() map[string]string {
	if n == nil || n.Object == nil {
		return nil
	}
	return n.Object.Meta().GetLabels()
}

// Anchor is the object a finding about the whole namespace points to: the
// Namespace object, or else its first workload, NetworkPolicy or Service.
func (n *Namespace) Anchor() *Object {
	switch {
	case n.Object != nil:
		return n.Object
	case len(n.Workloads) > 0:
		return n.Workloads[0].Object
	case len(n.NetworkPolicies) > 0:
		return n.NetworkPolicies[0]
	case len(n.Services) > 0:
		return n.Services[0]
	case len(n.ServiceAccounts) > 0:
		return n.ServiceAccounts[0]
	case len(n.ResourceQuotas) > 0:
		return n.ResourceQuotas[0]
	case len(n.LimitRanges) > 0:
		return n.LimitRanges[0]
	case len(n.PersistentVolumeClaims) > 0:
		return n.PersistentVolumeClaims[0]
	}
	return nil
}

// ServiceAccount returns the namespace's ServiceAccount of that name, or nil.
func (n *Namespace) ServiceAccount(name string) *corev1.ServiceAccount {
	if n == nil {
		return nil
	}
	for _, o := range n.ServiceAccounts {
		if sa, ok := o.Typed.(*corev1.ServiceAccount); ok && o.Name == name {
			return sa
		}
	}
	return nil
}

// NewSet indexes objs. It links every object to the set, so build one Set
// per group of objects and do not share Objects between sets.
func NewSet(objs []*Object) *Set {
	s := &Set{Objects: objs, byName: map[string]*Namespace{}}
	for _, o := range objs {
		o.set = s
		switch o.Typed.(type) {
		case *corev1.Namespace:
			if ns := s.namespace(o.Name); ns.Object == nil {
				ns.Object = o
			}
			continue
		case *networkingv1.NetworkPolicy:
			ns := s.namespace(o.Namespace)
			ns.NetworkPolicies = append(ns.NetworkPolicies, o)
		case *corev1.Service:
			ns := s.namespace(o.Namespace)
			ns.Services = append(ns.Services, o)
		case *corev1.ServiceAccount:
			ns := s.namespace(o.Namespace)
			ns.ServiceAccounts = append(ns.ServiceAccounts, o)
		case *corev1.ResourceQuota:
			ns := s.namespace(o.Namespace)
			ns.ResourceQuotas = append(ns.ResourceQuotas, o)
		case *corev1.LimitRange:
			ns := s.namespace(o.Namespace)
			ns.LimitRanges = append(ns.LimitRanges, o)
		case *corev1.PersistentVolumeClaim:
			ns := s.namespace(o.Namespace)
			ns.PersistentVolumeClaims = append(ns.PersistentVolumeClaims, o)
		case *storagev1.StorageClass:
			s.StorageClasses = append(s.StorageClasses, o)
		}
		if w, ok := NewWorkload(o); ok && !controlled(o.Meta()) && len(w.PodSpec.Containers)+len(w.PodSpec.InitContainers) > 0 {
			w.ns = s.namespace(o.Namespace)
			w.ns.Workloads = append(w.ns.Workloads, w)
			s.Workloads = append(s.Workloads, w)
		}
	}
	for _, ns := range s.byName {
		s.Namespaces = append(s.Namespaces, ns)
	}
	slices.SortFunc(s.Namespaces, func(a, b *Namespace) int { return cmp.Compare(a.Name, b.Name) })
	return s
}

// Namespace returns the view of the named namespace, or nil when the set
// neither declares nor uses it.
func (s *Set) Namespace(name string) *Namespace { return s.byName[name] }

func (s *Set) namespace(name string) *Namespace {
	ns, ok := s.byName[name]
	if !ok {
		ns = &Namespace{Name: name}
		s.byName[name] = ns
	}
	return ns
}

// Selected returns the workloads of namespace ns whose pod labels match a
// Service-style equality selector. An empty selector selects nothing, as
// for a Service.
func (s *Set) Selected(ns string, selector map[string]string) []*Workload {
	n := s.byName[ns]
	if n == nil || len(selector) == 0 {
		return nil
	}
	sel := labels.SelectorFromSet(selector)
	var out []*Workload
	for _, w := range n.Workloads {
		if sel.Matches(labels.Set(w.PodMeta.Labels)) {
			out = append(out, w)
		}
	}
	return out
}

// controlled reports whether another object controls this one (a live
// object created by a controller).
func controlled(m metav1.Object) bool {
	for _, r := range m.GetOwnerReferences() {
		if r.Controller != nil && *r.Controller {
			return true
		}
	}
	return false
}

// StorageClass returns the set's StorageClass of that name, or nil.
func (s *Set) StorageClass(name string) *storagev1.StorageClass {
	for _, o := range s.StorageClasses {
		if sc, ok := o.Typed.(*storagev1.StorageClass); ok && o.Name == name {
			return sc
		}
	}
	return nil
}
