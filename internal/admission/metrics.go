package admission

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the webhook's Prometheus metrics, on a registry of their own.
type metrics struct {
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	failures   *prometheus.CounterVec
	violations *prometheus.CounterVec
	reloads    *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fourc_admission_requests_total",
			Help: "Admission requests answered, by kind, operation, decision (allow or deny) and mode.",
		}, []string{"kind", "operation", "decision", "mode"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fourc_admission_evaluation_seconds",
			Help:    "Time to evaluate one admitted object, by kind.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"kind"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fourc_admission_failures_total",
			Help: "Evaluations that exceeded the time budget or failed, answered by the failure policy (open: allow, closed: deny), by reason (timeout or error).",
		}, []string{"failure_policy", "reason"}),
		violations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fourc_admission_violations_total",
			Help: "Policy violations seen, by check ID and mode (enforce: denied, warn: warned, audit: recorded).",
		}, []string{"check", "mode"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fourc_admission_policy_reloads_total",
			Help: "Policy file reloads, by result (success, or error: the previous policy stays).",
		}, []string{"result"}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.failures, m.violations, m.reloads,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}
