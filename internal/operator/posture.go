package operator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/fourc-dev/fourc/internal/kube"
)

// ClusterReportName is the name of the one ClusterPostureReport.
const ClusterReportName = "cluster"

// Labels the operator puts on what it creates.
const (
	managedByLabel = "app.kubernetes.io/managed-by"
	managedBy      = "fourc-operator"
	// scanLabel marks the operator's Jobs ("image" or "node"); they are
	// not workloads to report on.
	scanLabel = "fourc.dev/scan"
)

// secretsNotEvaluated is the ClusterPostureReport's note when the
// operator may not list and watch Secrets.
const secretsNotEvaluated = "secrets: list/watch forbidden (operator.secretMetadata off); secret-based checks (long-lived service-account tokens, values in last-applied annotations) not evaluated"

// clusterKey is the one queue key of the posture controller: every
// change anywhere enqueues it, and the queue collapses a burst into one.
var clusterKey = reconcile.Request{NamespacedName: types.NamespacedName{Name: ClusterReportName}}

// postureReconciler evaluates the whole cluster from the informer cache,
// writes the ClusterPostureReport and hands every workload's report to
// the report controller (through reportEvents) and every image not yet
// scanned to the image controller (through imageEvents).
type postureReconciler struct {
	client   client.Client
	version  string
	kopts    kube.Options
	debounce time.Duration
	images   *imageCache
	metrics  *metrics
	log      *slog.Logger

	reportEvents chan event.GenericEvent
	imageEvents  chan event.GenericEvent
	// retrigger is how image scans ask for a new evaluation.
	retrigger chan event.GenericEvent
	// noSecrets is set when the operator may not list and watch
	// Secrets: their checks are not evaluated.
	noSecrets bool

	mu        sync.Mutex
	last      time.Time
	took      time.Duration // the last evaluation's duration
	evaluated bool
	results   map[types.NamespacedName]*workloadResult
}

// Reconcile implements reconcile.Reconciler.
func (p *postureReconciler) Reconcile(ctx context.Context, _ reconcile.Request) (reconcile.Result, error) {
	p.mu.Lock()
	// At most one evaluation per debounce period, and never more than
	// one third of the time busy evaluating: a large cluster's
	// evaluation takes seconds.
	wait := max(p.debounce, 3*p.took) - time.Since(p.last)
	if wait > 0 {
		p.mu.Unlock()
		return reconcile.Result{RequeueAfter: wait}, nil
	}
	p.last = time.Now()
	p.mu.Unlock()
	start := time.Now()
	err := p.evaluate(ctx)
	took := time.Since(start)
	p.mu.Lock()
	p.took = took
	p.mu.Unlock()
	p.metrics.duration.WithLabelValues("posture").Observe(took.Seconds())
	p.metrics.reconciles.WithLabelValues("posture", result(err)).Inc()
	return reconcile.Result{}, err
}

// result names the outcome of a reconcile for the metrics.
func result(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}

// evaluate is one cluster-wide evaluation.
func (p *postureReconciler) evaluate(ctx context.Context) error {
	snap, err := snapshot(ctx, p.client, p.version, !p.noSecrets)
	if err != nil {
		return err
	}
	// The Pod Security Standards are judged at the cluster's own version
	// unless the user named one, as `fourc k8s` does.
	kopts := p.kopts
	if kopts.KubernetesVersion == "" {
		kopts.KubernetesVersion = snap.MinorVersion()
	}
	p.mu.Lock()
	prev := p.results
	p.mu.Unlock()
	a := analyze(snap, kopts, p.images.lookup, prev)
	p.metrics.observe(a)
	p.images.setDigests(a.digests)
	// A failure to write the cluster report (say, no namespace for its
	// findings ConfigMap yet) must not hold back the workloads' reports:
	// it is returned last. The cluster-wide findings are dropped before
	// the reports are handed out, which takes a while on a large cluster.
	clusterErr := p.writeCluster(ctx, a)
	a.cluster, a.findings = built{}, nil
	var changed []types.NamespacedName
	p.mu.Lock()
	old := p.results
	for k, r := range a.workloads {
		if o, ok := old[k]; !ok || o.status.status.Digest != r.status.status.Digest {
			changed = append(changed, k)
		}
	}
	p.results, p.evaluated = a.workloads, true
	p.mu.Unlock()
	// Reports of workloads gone (also while the operator was down).
	reports := &metav1.PartialObjectMetadataList{}
	reports.SetGroupVersionKind(GroupVersion.WithKind("WorkloadReportList"))
	if err := p.client.List(ctx, reports, client.MatchingLabels{managedByLabel: managedBy}); err != nil {
		return fmt.Errorf("listing WorkloadReports from the cache: %w", err)
	}
	for _, r := range reports.Items {
		if k := client.ObjectKeyFromObject(&r); a.workloads[k] == nil {
			changed = append(changed, k)
		}
	}
	p.log.Debug("evaluated", "workloads", len(a.workloads), "findings", len(a.findings), "changed", len(changed), "took", time.Since(p.last))
	for _, k := range changed {
		if !send(ctx, p.reportEvents, &WorkloadReport{ObjectMeta: metav1.ObjectMeta{Namespace: k.Namespace, Name: k.Name}}) {
			return nil
		}
	}
	for _, ref := range p.images.wanted(a.images) {
		if !send(ctx, p.imageEvents, &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: ref}}) {
			return nil
		}
	}
	return clusterErr
}

// send hands obj to a controller's channel source; false when ctx ended.
func send(ctx context.Context, ch chan<- event.GenericEvent, obj client.Object) bool {
	select {
	case ch <- event.GenericEvent{Object: obj}:
		return true
	case <-ctx.Done():
		return false
	}
}

// wanted returns the report a workload should have, and whether the
// cluster has been evaluated at all.
func (p *postureReconciler) wanted(k types.NamespacedName) (*workloadResult, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.results[k], p.evaluated
}

// trigger asks for an evaluation soon, without blocking.
func (p *postureReconciler) trigger() {
	select {
	case p.retrigger <- event.GenericEvent{Object: &ClusterPostureReport{ObjectMeta: metav1.ObjectMeta{Name: ClusterReportName}}}:
	default: // one is already pending
	}
}

// writeCluster creates or updates the ClusterPostureReport.
func (p *postureReconciler) writeCluster(ctx context.Context, a *analysis) error {
	st := a.posture
	st.ReportStatus = a.cluster.status
	if p.noSecrets {
		st.NotEvaluated = append(st.NotEvaluated, secretsNotEvaluated)
	}
	st.Digest = ""
	st.Digest = digestOf(st)
	var cur ClusterPostureReport
	err := p.client.Get(ctx, types.NamespacedName{Name: ClusterReportName}, &cur)
	switch {
	case apierrors.IsNotFound(err):
		cur = ClusterPostureReport{ObjectMeta: metav1.ObjectMeta{Name: ClusterReportName, Labels: map[string]string{managedByLabel: managedBy}}}
		if err := p.client.Create(ctx, &cur); err != nil {
			return fmt.Errorf("creating ClusterPostureReport %q: %w", ClusterReportName, err)
		}
	case err != nil:
		return fmt.Errorf("reading ClusterPostureReport %q: %w", ClusterReportName, err)
	case cur.Status.Digest == st.Digest:
		return nil
	}
	ref, err := writeOverflow(ctx, p.client, &cur, p.images.jobNamespace, a.cluster.overflow)
	if err != nil {
		return err
	}
	st.FindingsRef = ref
	st.UpdatedAt = metav1.Now()
	cur.Status = st
	if err := p.client.Status().Update(ctx, &cur); err != nil {
		return fmt.Errorf("updating the status of ClusterPostureReport %q: %w", ClusterReportName, err)
	}
	return nil
}

// digestOf hashes a status (its Digest and UpdatedAt left empty): equal
// digests mean nothing to write.
func digestOf(v any) string {
	data, _ := json.Marshal(v) // report types: never fails
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}
