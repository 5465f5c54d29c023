package admission

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

// RunOptions configure the webhook process ([Run]).
type RunOptions struct {
	// Kubeconfig and Context choose the cluster; empty means $KUBECONFIG,
	// ~/.kube/config or the in-cluster service account, and the current
	// context.
	Kubeconfig, Context string
	// Listen is the webhook's TLS address (":8443"); MetricsAddr the plain
	// HTTP address of /metrics (":9090"), empty for none.
	Listen, MetricsAddr string
	// TLSDir holds tls.crt and tls.key.
	TLSDir string
	// PolicyFile is re-read as it changes; empty when the policy is the
	// built-in default.
	PolicyFile string
	// FailurePolicy and Timeout are as in [Config].
	FailurePolicy string
	Timeout       time.Duration
	// PolicyInterval and CertInterval are how often the policy and the
	// certificate are re-read; zero means 10s.
	PolicyInterval, CertInterval time.Duration
	Logger                       *slog.Logger
}

// Run is `fourc k8s admission serve`: it connects to the cluster, starts
// the informers, loads the certificate and serves the webhook and the
// metrics until ctx ends.
func Run(ctx context.Context, o RunOptions, p *Policy) error {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	RouteLibraryLogs(o.Logger)
	cfg, err := RESTConfig(o.Kubeconfig, o.Context)
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("cluster %s: %w", cfg.Host, err)
	}
	info, err := cs.Discovery().ServerVersion()
	if err != nil {
		return fmt.Errorf("cluster %s is unreachable or refused the credentials: %w", cfg.Host, err)
	}
	cw, err := WatchCertificate(o.TLSDir, o.CertInterval)
	if err != nil {
		return err
	}
	c := NewCache(cs)
	s, err := NewServer(Config{Policy: p, Lookup: c, ClusterVersion: minorVersion(info.GitVersion), FailurePolicy: o.FailurePolicy,
		Timeout: o.Timeout, Logger: o.Logger, Ready: c.Synced})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", o.Listen, err)
	}
	var mln net.Listener
	if o.MetricsAddr != "" {
		if mln, err = net.Listen("tcp", o.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("--metrics-addr %s: %w", o.MetricsAddr, err)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c.Start(ctx)
	go func() {
		if c.WaitForSync(ctx) {
			o.Logger.Info("admission informers synced: ready")
		}
	}()
	go func() {
		if err := cw.Start(ctx); err != nil {
			o.Logger.Error("watching the TLS certificate", "dir", o.TLSDir, "error", err.Error())
		}
	}()
	if o.PolicyFile != "" {
		go s.WatchPolicy(ctx, o.PolicyFile, interval(o.PolicyInterval))
	}
	o.Logger.Info("admission webhook serving", "listen", ln.Addr().String(), "metrics", o.MetricsAddr, "cluster", cfg.Host,
		"version", info.GitVersion, "policy", p.Name, "mode", string(p.Mode), "fail_on", p.FailOn.String(),
		"failure_policy", s.cfg.FailurePolicy, "timeout", s.cfg.Timeout.String())
	errc := make(chan error, 2)
	go func() { errc <- s.ServeTLS(ctx, ln, cw) }()
	if mln != nil {
		go func() { errc <- s.ServeMetrics(ctx, mln) }()
	}
	err = <-errc
	cancel()
	if mln != nil {
		err = errors.Join(err, <-errc)
	}
	return err
}

// RouteLibraryLogs sends the logs of controller-runtime (the certificate
// watcher) and client-go (the informers) to logger. Both libraries hold
// their logger process-wide; without this, controller-runtime complains
// on stderr the first time it logs.
func RouteLibraryLogs(logger *slog.Logger) {
	ctrllog.SetLogger(logr.FromSlogHandler(logger.Handler()))
	klog.SetSlogLogger(logger)
}

func interval(d time.Duration) time.Duration {
	if d <= 0 {
		return 10 * time.Second
	}
	return d
}

// minorVersion turns "v1.33.2" into "v1.33", or "" when it cannot.
func minorVersion(v string) string {
	pv, err := version.ParseGeneric(v)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("v%d.%d", pv.Major(), pv.Minor())
}

// RESTConfig resolves a kubeconfig as kubectl does: the file given, else
// $KUBECONFIG, ~/.kube/config, else the in-cluster service account.
func RESTConfig(kubeconfig, context string) (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		if _, err := os.Stat(kubeconfig); err != nil {
			return nil, fmt.Errorf("reading kubeconfig %q: %w", kubeconfig, errors.Unwrap(err))
		}
		rules.ExplicitPath = kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: context})
	cfg, err := cc.ClientConfig()
	if err != nil && clientcmd.IsEmptyConfig(err) && kubeconfig == "" {
		return nil, errors.New("no kubeconfig found and not running in a cluster: give --kubeconfig FILE or set KUBECONFIG")
	}
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig: %w", err)
	}
	cfg = rest.CopyConfig(cfg)
	cfg.UserAgent = "fourc-admission"
	cfg.QPS, cfg.Burst = 20, 40
	return cfg, nil
}
