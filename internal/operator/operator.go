// Package operator is fourc's continuous scanner inside a cluster
// (`fourc k8s operator`): a controller-runtime manager whose informers
// watch workloads, RBAC, namespaces and network objects and keep reports
// up to date as custom resources of group fourc.dev/v1alpha1:
//
//   - one WorkloadReport per workload (owned by it, so garbage-collected
//     with it): the checks `fourc k8s` runs on it plus the findings of the
//     images it runs;
//   - one ClusterPostureReport "cluster": attack paths and scores from
//     internal/posture, per layer and namespace;
//   - one NodeReport per node (--node-scans): `fourc host /host` in a Job
//     pinned to the node with its root file system mounted read-only.
//
// Kubernetes is the engine: every change arrives through a watch, work
// waits in controller-runtime's queues (the cluster-wide evaluation is
// one queue key, so a burst of changes collapses into one evaluation at
// most every Debounce), and image scans either run in the operator
// (--scan-mode inprocess) or as Jobs the scheduler places (--scan-mode
// job), at most --max-concurrent-scans at a time. An image is scanned
// once per digest and vulnerability database version.
//
// Results of Jobs are read from the logs of their Pod: the Job runs
// `fourc image REF --format json` (or `fourc host /host --format json`)
// with a read-only root file system and prints its report to stdout; the
// operator reads it once the Job completes (pods/log get) and parses it
// ([parseReport]). Nothing is written by the Job, so it needs no
// credentials (its service account token is not mounted).
//
// The CustomResourceDefinitions are deploy/helm/fourc/crds/*.yaml.
package operator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/go-logr/logr"
	authorizationv1 "k8s.io/api/authorization/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/fourc-dev/fourc/internal/kube"
)

// Scan modes.
const (
	ModeJob       = "job"
	ModeInProcess = "inprocess"
)

// DefaultDebounce is the shortest time between two cluster-wide
// evaluations.
const DefaultDebounce = 5 * time.Second

// Options configure the operator; the CLI flags map one to one.
type Options struct {
	// Config is the client configuration; nil means Kubeconfig and
	// Context, else in-cluster.
	Config     *rest.Config
	Kubeconfig string
	Context    string
	// MetricsAddr and HealthAddr are where /metrics and /healthz, /readyz
	// are served; "0" turns one off.
	MetricsAddr string
	HealthAddr  string
	LeaderElect bool
	// ScanMode is ModeJob or ModeInProcess.
	ScanMode string
	// ScanImage is the fourc image the Jobs run.
	ScanImage          string
	MaxConcurrentScans int
	// Namespaces limits the watch to these namespaces; empty means all.
	Namespaces []string
	// NodeScans runs a `fourc host` Job on every node.
	NodeScans bool
	// JobNamespace is where Jobs, leader election and the ConfigMaps of
	// cluster-scoped reports live; empty means $POD_NAMESPACE, else
	// "fourc-system".
	JobNamespace string
	// ScanServiceAccount and NodeScanServiceAccount are the service
	// accounts image and node Jobs run as (their token is not mounted);
	// empty means $FOURC_SCAN_SERVICE_ACCOUNT and
	// $FOURC_NODE_SCAN_SERVICE_ACCOUNT, else the namespace's default.
	ScanServiceAccount     string
	NodeScanServiceAccount string
	// DBPath is the vulnerability database in-process scans match
	// against; empty means no matching (packages and configuration only).
	DBPath string
	// InsecureRegistry allows plain HTTP to registries (in-process).
	InsecureRegistry bool
	// Debounce is the shortest time between cluster-wide evaluations;
	// zero means DefaultDebounce.
	Debounce time.Duration
	// Logs reads the output of a finished Job; nil reads its Pod's logs.
	Logs LogSource
	// KubeOptions tune the shared Kubernetes checks.
	KubeOptions kube.Options
	Logger      *slog.Logger
}

// LogSource returns what the Pod of a finished Job printed.
type LogSource interface {
	JobOutput(ctx context.Context, job *batchv1.Job) ([]byte, error)
}

func (o *Options) defaults() error {
	switch o.ScanMode {
	case "":
		o.ScanMode = ModeJob
	case ModeJob, ModeInProcess:
	default:
		return fmt.Errorf("invalid scan mode %q (want %s or %s)", o.ScanMode, ModeJob, ModeInProcess)
	}
	if o.MaxConcurrentScans <= 0 {
		o.MaxConcurrentScans = 1
	}
	if o.JobNamespace == "" {
		o.JobNamespace = os.Getenv("POD_NAMESPACE")
	}
	if o.JobNamespace == "" {
		o.JobNamespace = "fourc-system"
	}
	if o.ScanServiceAccount == "" {
		o.ScanServiceAccount = os.Getenv("FOURC_SCAN_SERVICE_ACCOUNT")
	}
	if o.NodeScanServiceAccount == "" {
		o.NodeScanServiceAccount = os.Getenv("FOURC_NODE_SCAN_SERVICE_ACCOUNT")
	}
	if o.Debounce <= 0 {
		o.Debounce = DefaultDebounce
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if (o.ScanMode == ModeJob || o.NodeScans) && o.ScanImage == "" {
		return errors.New("--scan-image is required for --scan-mode job and --node-scans")
	}
	return nil
}

// restConfig resolves the client configuration.
func (o *Options) restConfig() (*rest.Config, error) {
	if o.Config != nil {
		return rest.CopyConfig(o.Config), nil
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = o.Kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: o.Context}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("loading the client configuration: %w", err)
	}
	return cfg, nil
}

// Scheme is the scheme of the operator's client: the built-in kinds and
// the report kinds.
func Scheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, err
	}
	return s, AddToScheme(s)
}

// Run runs the operator until ctx ends.
func Run(ctx context.Context, opts Options) error {
	if err := opts.defaults(); err != nil {
		return err
	}
	cfg, err := opts.restConfig()
	if err != nil {
		return err
	}
	// The operator's writes come in bursts (a report per workload on
	// start-up); client-go's default of 5 per second is far too slow.
	cfg.QPS, cfg.Burst = 200, 400
	cfg.UserAgent = "fourc-operator"
	// controller-runtime's packages log through its global logger.
	ctrllog.SetLogger(logr.FromSlogHandler(opts.Logger.Handler()))
	mgr, err := newManager(cfg, opts)
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if opts.Logs == nil {
		opts.Logs = podLogs{client: cs}
	}
	v, err := cs.Discovery().ServerVersion()
	if err != nil {
		return fmt.Errorf("reading the API server's version: %w", err)
	}
	secretsOK, err := mayWatchSecrets(ctx, cs, opts.Namespaces)
	if err != nil {
		return err
	}
	if !secretsOK {
		opts.Logger.Warn("may not list and watch Secrets: secret-based checks are not evaluated (grant operator.secretMetadata to evaluate them)")
	}
	if err := setup(mgr, opts, v.GitVersion, secretsOK); err != nil {
		return err
	}
	opts.Logger.Info("operator starting", "scanMode", opts.ScanMode, "namespaces", opts.Namespaces, "server", cfg.Host)
	return mgr.Start(ctx)
}

// newManager builds the manager: its cache (namespaces, no managed
// fields), metrics and health endpoints and leader election.
func newManager(cfg *rest.Config, opts Options) (ctrl.Manager, error) {
	scheme, err := Scheme()
	if err != nil {
		return nil, err
	}
	copts := cache.Options{DefaultTransform: stripObject}
	if len(opts.Namespaces) > 0 {
		copts.DefaultNamespaces = map[string]cache.Config{}
		jobNS := map[string]cache.Config{opts.JobNamespace: {}}
		for _, ns := range opts.Namespaces {
			copts.DefaultNamespaces[ns] = cache.Config{}
			jobNS[ns] = cache.Config{}
		}
		// Jobs are workloads of the namespaces watched and the scans of
		// the operator's own namespace.
		copts.ByObject = map[client.Object]cache.ByObject{&batchv1.Job{}: {Namespaces: jobNS}}
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                  scheme,
		Logger:                  logr.FromSlogHandler(opts.Logger.Handler()),
		Cache:                   copts,
		Client:                  client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.ConfigMap{}}}},
		Metrics:                 metricsserver.Options{BindAddress: opts.MetricsAddr},
		HealthProbeBindAddress:  opts.HealthAddr,
		LeaderElection:          opts.LeaderElect,
		LeaderElectionID:        "fourc-operator.fourc.dev",
		LeaderElectionNamespace: opts.JobNamespace,
		// Tests run several operators, one after the other, in a process.
		Controller: config.Controller{SkipNameValidation: ptrTo(true)},
	})
	if err != nil {
		return nil, fmt.Errorf("creating the controller manager: %w", err)
	}
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return nil, err
	}
	if err := mgr.AddReadyzCheck("informers", func(req *http.Request) error {
		if !mgr.GetCache().WaitForCacheSync(req.Context()) {
			return errors.New("informers not synced")
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return mgr, nil
}

// mayWatchSecrets asks the API server (SelfSubjectAccessReview) whether
// the operator may list and watch Secrets in every namespace it watches.
func mayWatchSecrets(ctx context.Context, cs kubernetes.Interface, namespaces []string) (bool, error) {
	if len(namespaces) == 0 {
		namespaces = []string{""}
	}
	for _, ns := range namespaces {
		for _, verb := range []string{"list", "watch"} {
			r := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
				ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: ns, Verb: verb, Resource: "secrets"}}}
			res, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, r, metav1.CreateOptions{})
			if err != nil {
				return false, fmt.Errorf("asking whether the operator may %s Secrets: %w", verb, err)
			}
			if !res.Status.Allowed {
				return false, nil
			}
		}
	}
	return true, nil
}
