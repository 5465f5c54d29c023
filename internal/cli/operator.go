package cli

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/operator"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

func newOperatorCommand(g *globals, copts *cluster.Options) *cobra.Command {
	var (
		opts     operator.Options
		debounce time.Duration
	)
	cmd := &cobra.Command{
		Use:   "operator",
		Short: "Run fourc inside the cluster: keep reports up to date as custom resources",
		Long: `Run the continuous-scanning operator: informers watch workloads, RBAC,
namespaces, Services, Ingresses and NetworkPolicies, and the operator keeps
one WorkloadReport per workload, one ClusterPostureReport (attack paths and
scores) and, with --node-scans, one NodeReport per node up to date
(fourc.dev/v1alpha1; the CRDs are in deploy/helm/fourc/crds/).

Images are scanned once per digest and vulnerability database: in Jobs
running --scan-image (--scan-mode job, results read from the Job's Pod
logs) or in the operator itself (--scan-mode inprocess). Prometheus
metrics are served on --metrics-addr, /healthz and /readyz on
--health-addr.`,
		Example: `  fourc k8s operator --scan-mode job --scan-image ghcr.io/fourc-dev/fourc:latest --max-concurrent-scans 3
  fourc k8s operator --scan-mode inprocess --namespaces shop,payments --kubeconfig ~/.kube/config`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.ScanMode != operator.ModeJob && opts.ScanMode != operator.ModeInProcess {
				return usageError{Err: fmt.Errorf("invalid --scan-mode %q (want job or inprocess)", opts.ScanMode)}
			}
			if (opts.ScanMode == operator.ModeJob || opts.NodeScans) && opts.ScanImage == "" {
				return usageError{Err: fmt.Errorf("--scan-image is required with --scan-mode job and --node-scans")}
			}
			if opts.DBPath == "" {
				if p, err := vulndb.DefaultPath(); err == nil {
					if _, err := os.Stat(p); err == nil {
						opts.DBPath = p
					}
				}
			}
			opts.Kubeconfig, opts.Context = copts.Kubeconfig, copts.Context
			opts.Debounce, opts.Logger = debounce, g.logger
			return operator.Run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.MetricsAddr, "metrics-addr", ":9091", "address of the Prometheus metrics endpoint (0 turns it off)")
	f.StringVar(&opts.HealthAddr, "health-addr", ":8081", "address of /healthz and /readyz (0 turns them off)")
	f.BoolVar(&opts.LeaderElect, "leader-elect", false, "elect a leader, so that only one of several replicas works")
	f.StringVar(&opts.ScanMode, "scan-mode", operator.ModeJob, "where images are scanned: job (a Kubernetes Job per image) or inprocess")
	f.StringVar(&opts.ScanImage, "scan-image", "", "the fourc image the scan Jobs run")
	f.IntVar(&opts.MaxConcurrentScans, "max-concurrent-scans", 3, "how many image or node scans run at once")
	f.StringSliceVar(&opts.Namespaces, "namespaces", nil, "watch only these namespaces (default: all)")
	f.BoolVar(&opts.NodeScans, "node-scans", false, "audit every node with fourc host in a Job pinned to it")
	f.StringVar(&opts.JobNamespace, "job-namespace", "", "namespace of the scan Jobs and leader election (default: $POD_NAMESPACE, else fourc-system)")
	f.StringVar(&opts.ScanServiceAccount, "scan-service-account", "", "service account of the image scan Jobs (default: $FOURC_SCAN_SERVICE_ACCOUNT)")
	f.StringVar(&opts.NodeScanServiceAccount, "node-scan-service-account", "", "service account of the node scan Jobs (default: $FOURC_NODE_SCAN_SERVICE_ACCOUNT)")
	f.StringVar(&opts.DBPath, "db", "", "vulnerability database for in-process scans (default: $FOURC_DB or the user cache directory, when present)")
	f.BoolVar(&opts.InsecureRegistry, "insecure-registry", false, "allow plain HTTP to registries (in-process scans)")
	f.DurationVar(&debounce, "debounce", operator.DefaultDebounce, "shortest time between two cluster-wide evaluations")
	return cmd
}
