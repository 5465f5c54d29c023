package admission

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	networkinglisters "k8s.io/client-go/listers/networking/v1"
	"k8s.io/client-go/tools/cache"
)

// Cache is the webhook's [Lookup]: informers on Namespaces,
// NetworkPolicies and ServiceAccounts, so that a request never waits for
// the API server.
type Cache struct {
	factory    informers.SharedInformerFactory
	namespaces corelisters.NamespaceLister
	policies   networkinglisters.NetworkPolicyLister
	accounts   corelisters.ServiceAccountLister
	synced     []cache.InformerSynced
}

// resync is how often the informers replay their cache (a safety net; the
// watches keep it current).
const resync = 10 * time.Minute

// NewCache sets up the informers; [Cache.Start] runs them.
func NewCache(cs kubernetes.Interface) *Cache {
	f := informers.NewSharedInformerFactoryWithOptions(cs, resync, informers.WithTransform(slim))
	c := &Cache{factory: f}
	ns, np, sa := f.Core().V1().Namespaces(), f.Networking().V1().NetworkPolicies(), f.Core().V1().ServiceAccounts()
	c.namespaces, c.policies, c.accounts = ns.Lister(), np.Lister(), sa.Lister()
	c.synced = []cache.InformerSynced{ns.Informer().HasSynced, np.Informer().HasSynced, sa.Informer().HasSynced}
	return c
}

// slim drops what the checks never read (managed fields, the last applied
// configuration) before an object enters the cache.
func slim(obj any) (any, error) {
	if m, ok := obj.(metav1.Object); ok {
		m.SetManagedFields(nil)
		if a := m.GetAnnotations(); a != nil {
			delete(a, corev1.LastAppliedConfigAnnotation)
		}
	}
	return obj, nil
}

// Start runs the informers until ctx ends.
func (c *Cache) Start(ctx context.Context) { c.factory.Start(ctx.Done()) }

// Synced reports whether every informer has listed its kind once.
func (c *Cache) Synced() bool {
	for _, s := range c.synced {
		if !s() {
			return false
		}
	}
	return true
}

// WaitForSync blocks until the informers are synced or ctx ends, and
// reports which.
func (c *Cache) WaitForSync(ctx context.Context) bool {
	return cache.WaitForCacheSync(ctx.Done(), c.synced...)
}

// Namespace implements Lookup.
func (c *Cache) Namespace(name string) *corev1.Namespace {
	ns, err := c.namespaces.Get(name)
	if err != nil {
		return nil
	}
	return ns
}

// Context implements Lookup.
func (c *Cache) Context(namespace string) []runtime.Object {
	var out []runtime.Object
	if nps, err := c.policies.NetworkPolicies(namespace).List(labels.Everything()); err == nil {
		for _, np := range nps {
			out = append(out, np)
		}
	}
	if sas, err := c.accounts.ServiceAccounts(namespace).List(labels.Everything()); err == nil {
		for _, sa := range sas {
			out = append(out, sa)
		}
	}
	return out
}

var _ Lookup = (*Cache)(nil)
