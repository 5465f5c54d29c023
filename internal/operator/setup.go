package operator

import (
	"context"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/fourc-dev/fourc/internal/secret"
)

// reportWorkers is how many WorkloadReports are written at once.
const reportWorkers = 8

// notScan filters out the operator's own Jobs and their Pods: they are
// not workloads to report on.
var notScan = predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetLabels()[scanLabel] == "" })

// setup registers the controllers with the manager: posture (every
// watched kind → one key), workloadreport, image (in-process scans or
// scan Jobs) and, with NodeScans, node.
// secretsOK says whether the operator may list and watch Secrets; when
// it may not, Secrets are not watched.
func setup(mgr ctrl.Manager, opts Options, version string, secretsOK bool) error {
	m := newMetrics()
	images := newImageCache(opts.DBPath, opts.JobNamespace, m)
	p := &postureReconciler{
		client: mgr.GetClient(), version: version, kopts: opts.KubeOptions, debounce: opts.Debounce,
		images: images, metrics: m, log: opts.Logger,
		reportEvents: make(chan event.GenericEvent, 1024), imageEvents: make(chan event.GenericEvent, 1024),
		retrigger: make(chan event.GenericEvent, 1), noSecrets: !secretsOK,
	}
	toCluster := handler.EnqueueRequestsFromMapFunc(func(context.Context, client.Object) []reconcile.Request {
		return []reconcile.Request{clusterKey}
	})
	b := ctrl.NewControllerManagedBy(mgr).Named("posture").
		WithOptions(controller.Options{MaxConcurrentReconciles: 1})
	for _, w := range watchedKinds() {
		b = b.Watches(w.object, toCluster, builder.WithPredicates(notScan))
	}
	if secretsOK {
		b = b.WatchesMetadata(&corev1.Secret{}, toCluster)
	}
	b = b.Watches(&corev1.Node{}, toCluster).
		WatchesRawSource(source.Channel(p.retrigger, toCluster))
	if err := b.Complete(p); err != nil {
		return err
	}
	if err := ctrl.NewControllerManagedBy(mgr).Named("workloadreport").
		WithOptions(controller.Options{MaxConcurrentReconciles: reportWorkers}).
		Watches(&WorkloadReport{}, &handler.EnqueueRequestForObject{}, builder.OnlyMetadata).
		WatchesRawSource(source.Channel(p.reportEvents, &handler.EnqueueRequestForObject{})).
		Complete(&reportReconciler{client: mgr.GetClient(), posture: p, metrics: m, namespace: opts.JobNamespace,
			written: map[types.NamespacedName]string{}, overflowed: map[types.NamespacedName]bool{}}); err != nil {
		return err
	}
	if err := setupImages(mgr, opts, p); err != nil {
		return err
	}
	if !opts.NodeScans {
		return nil
	}
	return ctrl.NewControllerManagedBy(mgr).Named("node").
		For(&corev1.Node{}).
		Watches(&batchv1.Job{}, handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
			if n := o.GetLabels()[nodeLabel]; n != "" && o.GetNamespace() == opts.JobNamespace {
				return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: n}}}
			}
			return nil
		})).
		Complete(&nodeReconciler{client: mgr.GetClient(), metrics: m, logs: opts.Logs, namespace: opts.JobNamespace,
			scanImage: opts.ScanImage, serviceAccount: opts.NodeScanServiceAccount, max: opts.MaxConcurrentScans})
}

// setupImages registers the image controller of the scan mode.
func setupImages(mgr ctrl.Manager, opts Options, p *postureReconciler) error {
	b := ctrl.NewControllerManagedBy(mgr).Named("image").
		WatchesRawSource(source.Channel(p.imageEvents, &handler.EnqueueRequestForObject{}))
	if opts.ScanMode == ModeInProcess {
		det, err := secret.NewDetector(secret.Options{})
		if err != nil {
			return fmt.Errorf("compiling the secret rules: %w", err)
		}
		return b.WithOptions(controller.Options{MaxConcurrentReconciles: opts.MaxConcurrentScans}).
			Complete(&imageReconciler{secrets: det, images: p.images, posture: p, metrics: p.metrics, insecure: opts.InsecureRegistry})
	}
	// One reconcile at a time: counting the running Jobs and creating
	// one never race, so the limit holds.
	return b.WithOptions(controller.Options{MaxConcurrentReconciles: 1}).
		Watches(&batchv1.Job{}, handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
			if ref := o.GetAnnotations()[imageAnnotation]; ref != "" && o.GetNamespace() == opts.JobNamespace {
				return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: ref}}}
			}
			return nil
		})).
		Complete(&jobReconciler{client: mgr.GetClient(), images: p.images, posture: p, metrics: p.metrics, logs: opts.Logs,
			namespace: opts.JobNamespace, scanImage: opts.ScanImage, serviceAccount: opts.ScanServiceAccount, max: opts.MaxConcurrentScans})
}
