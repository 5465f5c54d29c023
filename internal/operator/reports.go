package operator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// maxConfigMapBytes keeps a findings ConfigMap under the 1 MiB limit of
// an object.
const maxConfigMapBytes = 900 << 10

// reportAnnotation names, on an overflow ConfigMap, the report whose
// findings it holds: "<Kind>:<namespace>/<name>".
const reportAnnotation = "fourc.dev/report"

// reportReconciler keeps one WorkloadReport as the last evaluation wants
// it: created with an owner reference to its workload, its status
// rewritten when its digest changes, deleted when its workload is gone.
// Reports are cached as metadata only; the digests last written are
// kept in memory (after a restart, every report is written once).
type reportReconciler struct {
	client  client.Client
	posture *postureReconciler
	metrics *metrics

	// namespace is the operator's own, where overflow ConfigMaps live.
	namespace string

	mu      sync.Mutex
	written map[types.NamespacedName]string
	// overflowed are the reports whose findings were last written to a
	// ConfigMap.
	overflowed map[types.NamespacedName]bool
}

// Reconcile implements reconcile.Reconciler.
func (r *reportReconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	start := time.Now()
	err := r.reconcile(ctx, req)
	r.metrics.duration.WithLabelValues("workloadreport").Observe(time.Since(start).Seconds())
	r.metrics.reconciles.WithLabelValues("workloadreport", result(err)).Inc()
	return reconcile.Result{}, err
}

// reportMeta is an empty WorkloadReport metadata object, as the cache
// holds them.
func reportMeta() *metav1.PartialObjectMetadata {
	m := &metav1.PartialObjectMetadata{}
	m.SetGroupVersionKind(GroupVersion.WithKind("WorkloadReport"))
	return m
}

func (r *reportReconciler) reconcile(ctx context.Context, req reconcile.Request) error {
	want, evaluated := r.posture.wanted(req.NamespacedName)
	meta := reportMeta()
	err := r.client.Get(ctx, req.NamespacedName, meta)
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("reading WorkloadReport %s: %w", req.NamespacedName, err)
	}
	exists := err == nil
	cur := WorkloadReport{ObjectMeta: meta.ObjectMeta}
	switch {
	case want == nil && exists && evaluated && cur.Labels[managedByLabel] == managedBy:
		// The workload is gone (its owner reference lets the garbage
		// collector do the same).
		if err := r.client.Delete(ctx, &cur); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("deleting WorkloadReport %s: %w", req.NamespacedName, err)
		}
		r.setWritten(req.NamespacedName, "")
		return r.dropOverflow(ctx, req.NamespacedName)
	case want == nil:
		return nil
	case !exists:
		cur = WorkloadReport{
			ObjectMeta: metav1.ObjectMeta{Namespace: want.report.Namespace, Name: want.report.Name,
				Labels: map[string]string{managedByLabel: managedBy, "fourc.dev/workload-kind": want.ref.Kind},
				OwnerReferences: []metav1.OwnerReference{{APIVersion: want.ref.APIVersion, Kind: want.ref.Kind, Name: want.ref.Name,
					UID: want.uid}}},
			Spec: WorkloadReportSpec{Workload: want.ref},
		}
		if err := r.client.Create(ctx, &cur); err != nil {
			return fmt.Errorf("creating WorkloadReport %s: %w", req.NamespacedName, err)
		}
	case r.digest(req.NamespacedName) == want.status.status.Digest:
		return nil
	}
	ref, err := writeOverflow(ctx, r.client, &cur, r.namespace, want.status.overflow)
	if err != nil {
		return err
	}
	if ref == nil {
		if err := r.dropOverflow(ctx, req.NamespacedName); err != nil {
			return err
		}
	}
	st := WorkloadReportStatus{ReportStatus: want.status.status, Images: want.images}
	st.FindingsRef, st.UpdatedAt = ref, metav1.Now()
	// A merge patch: the cache holds no resource version recent enough
	// to update with, and this controller is the status's only writer.
	patch, err := statusPatch(st)
	if err != nil {
		return fmt.Errorf("patching the status of WorkloadReport %s: %w", req.NamespacedName, err)
	}
	if err := r.client.Status().Patch(ctx, &cur, client.RawPatch(types.MergePatchType, patch)); err != nil {
		return fmt.Errorf("updating the status of WorkloadReport %s: %w", req.NamespacedName, err)
	}
	r.setWritten(req.NamespacedName, want.status.status.Digest)
	if ref != nil {
		r.mu.Lock()
		r.overflowed[req.NamespacedName] = true
		r.mu.Unlock()
	}
	return nil
}

// dropOverflow deletes the overflow ConfigMap of a report, if this
// operator wrote one.
func (r *reportReconciler) dropOverflow(ctx context.Context, k types.NamespacedName) error {
	r.mu.Lock()
	had := r.overflowed[k]
	delete(r.overflowed, k)
	r.mu.Unlock()
	if !had {
		return nil
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: r.namespace, Name: overflowName(k.Namespace, k.Name)}}
	if err := r.client.Delete(ctx, cm); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("deleting ConfigMap %s/%s: %w", cm.Namespace, cm.Name, err)
	}
	return nil
}

// overflowName names the overflow ConfigMap of a report:
// "<report>-findings" for a cluster-scoped report,
// "<namespace>.<report>-findings" for a namespaced one (the ConfigMaps
// of every namespace share the operator's), cut and suffixed with a
// hash when too long.
func overflowName(namespace, name string) string {
	n := name + "-findings"
	if namespace != "" {
		n = namespace + "." + n
	}
	if len(n) <= 253 {
		return n
	}
	sum := sha256.Sum256([]byte(n))
	return n[:236] + "-" + hex.EncodeToString(sum[:8])
}

// statusPatch is a JSON merge patch that sets a report's status: the
// optional fields it leaves out are set to null, so that none of the
// previous status survives.
func statusPatch(st WorkloadReportStatus) ([]byte, error) {
	data, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	for _, k := range []string{"findingsRef", "findings", "topFindings", "images"} {
		if _, ok := m[k]; !ok {
			m[k] = nil
		}
	}
	return json.Marshal(map[string]any{"status": m})
}

// digest returns the digest last written to a report.
func (r *reportReconciler) digest(k types.NamespacedName) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.written[k]
}

// setWritten records the digest written to a report ("" forgets it).
func (r *reportReconciler) setWritten(k types.NamespacedName, digest string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if digest == "" {
		delete(r.written, k)
		return
	}
	r.written[k] = digest
}

// writeOverflow writes findings that do not fit in a report into a
// ConfigMap of the operator's namespace (see [overflowName]) and returns
// the reference to it; nil data writes nothing. Findings beyond the size
// of a ConfigMap are cut, worst kept. The ConfigMap of a cluster-scoped
// report is owned by it; that of a namespaced report cannot be (an owner
// is in the same namespace), so the report controller deletes it.
func writeOverflow(ctx context.Context, c client.Client, owner client.Object, namespace string, data []byte) (*FindingsRef, error) {
	if data == nil {
		return nil, nil
	}
	data = fitConfigMap(data)
	gvk, err := c.GroupVersionKindFor(owner)
	if err != nil {
		return nil, err
	}
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: overflowName(owner.GetNamespace(), owner.GetName()),
			Labels:      map[string]string{managedByLabel: managedBy},
			Annotations: map[string]string{reportAnnotation: gvk.Kind + ":" + client.ObjectKeyFromObject(owner).String()}},
		Data: map[string]string{findingsKey: string(data)},
	}
	if owner.GetNamespace() == "" {
		cm.OwnerReferences = []metav1.OwnerReference{{APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind,
			Name: owner.GetName(), UID: owner.GetUID()}}
	}
	err = c.Create(ctx, cm)
	if apierrors.IsAlreadyExists(err) {
		err = c.Update(ctx, cm)
	}
	if err != nil {
		return nil, fmt.Errorf("writing ConfigMap %s/%s: %w", namespace, cm.Name, err)
	}
	return &FindingsRef{Namespace: namespace, Name: cm.Name, Key: findingsKey}, nil
}

// fitConfigMap cuts a JSON list of finding summaries (worst first) until
// it fits in a ConfigMap.
func fitConfigMap(data []byte) []byte {
	if len(data) <= maxConfigMapBytes {
		return data
	}
	var all []FindingSummary
	if json.Unmarshal(data, &all) != nil {
		return []byte("[]")
	}
	for len(data) > maxConfigMapBytes && len(all) > 0 {
		n := len(all) * maxConfigMapBytes / len(data)
		all = all[:min(n, len(all)-1)]
		data, _ = json.Marshal(all)
	}
	return data
}
