package operator

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/fourc-dev/fourc/internal/finding"
)

// metrics are the operator's own Prometheus metrics, served with
// controller-runtime's (reconcile counts, durations, queue depth, …) on
// --metrics-addr.
type metrics struct {
	score      *prometheus.GaugeVec     // namespace, layer
	findings   *prometheus.GaugeVec     // severity, layer
	reconciles *prometheus.CounterVec   // controller, result
	duration   *prometheus.HistogramVec // controller
	scans      *prometheus.GaugeVec     // state: queued, running
	scansDone  *prometheus.CounterVec   // result: scanned, failed
	cacheHits  prometheus.Counter
	cacheMiss  prometheus.Counter
}

// newMetrics registers the metrics with controller-runtime's registry,
// reusing those an earlier operator in the same process registered.
func newMetrics() *metrics {
	return &metrics{
		score: register(prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "fourc_posture_score",
			Help: "Posture score 0-100 by namespace and layer (namespace \"\" is the whole cluster; layer \"all\" the overall score)."},
			[]string{"namespace", "layer"})),
		findings: register(prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "fourc_findings",
			Help: "Current findings by severity and layer."}, []string{"severity", "layer"})),
		reconciles: register(prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fourc_reconcile_total",
			Help: "Reconciles by controller and result."}, []string{"controller", "result"})),
		duration: register(prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "fourc_reconcile_duration_seconds",
			Help: "Reconcile durations by controller.", Buckets: prometheus.ExponentialBuckets(0.001, 4, 10)}, []string{"controller"})),
		scans: register(prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "fourc_image_scans",
			Help: "Image and node scans by state: queued (waiting for a slot) or running."}, []string{"state"})),
		scansDone: register(prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fourc_image_scans_done_total",
			Help: "Finished image and node scans by result."}, []string{"result"})),
		cacheHits: register(prometheus.NewCounter(prometheus.CounterOpts{Name: "fourc_image_cache_hits_total",
			Help: "Image scans answered from the cache (same digest, same vulnerability database)."})),
		cacheMiss: register(prometheus.NewCounter(prometheus.CounterOpts{Name: "fourc_image_cache_misses_total",
			Help: "Image scans the cache could not answer."})),
	}
}

// register registers c, or returns the collector already registered
// under the same description.
func register[C prometheus.Collector](c C) C {
	err := ctrlmetrics.Registry.Register(c)
	var dup prometheus.AlreadyRegisteredError
	if errors.As(err, &dup) {
		if existing, ok := dup.ExistingCollector.(C); ok {
			return existing
		}
	}
	return c
}

// observe sets the gauges from an analysis.
func (m *metrics) observe(a *analysis) {
	m.findings.Reset()
	for _, l := range finding.Layers() {
		for _, s := range finding.Severities() {
			m.findings.WithLabelValues(s.String(), l.String()).Set(0)
		}
	}
	for _, f := range a.findings {
		m.findings.WithLabelValues(f.Severity.String(), layerName(f.Layer)).Inc()
	}
	m.score.Reset()
	m.score.WithLabelValues("", "all").Set(float64(a.cluster.status.Score))
	for _, l := range a.posture.Layers {
		m.score.WithLabelValues("", l.Layer).Set(float64(l.Score))
	}
	for _, ns := range a.posture.Namespaces {
		m.score.WithLabelValues(ns.Namespace, "all").Set(float64(ns.Score))
		for _, l := range ns.Layers {
			m.score.WithLabelValues(ns.Namespace, l.Layer).Set(float64(l.Score))
		}
	}
}
