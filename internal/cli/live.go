package cli

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/controlplane"
	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/host"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/objectstore"
	"github.com/fourc-dev/fourc/internal/probe"
	"github.com/fourc-dev/fourc/internal/report"
	"github.com/fourc-dev/fourc/internal/source"
)

// liveResults runs a live scanner's findings through the common report path.
func (g *globals) liveResults(cmd *cobra.Command, o *outputOptions, target string, fs []finding.Finding, sk []finding.Skipped, notices []string) error {
	return g.liveReport(cmd, o, target, results{findings: fs, skipped: sk, notices: notices})
}

// liveReport runs what a live scanner produced (findings, skipped inputs,
// notices, assets, environment) through the common report path.
func (g *globals) liveReport(cmd *cobra.Command, o *outputOptions, target string, r results) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	o.merge(cmd, cfg)
	keep, failOn, err := o.filters()
	if err != nil {
		return err
	}
	ign, err := o.loadIgnore(cmd, ".")
	if err != nil {
		return err
	}
	reg, err := registry()
	if err != nil {
		return fmt.Errorf("check catalogue: %w", err)
	}
	finding.Sort(r.findings)
	r.ignore, r.checks = ign, reg.All()
	return g.publish(cmd.Context(), *o, target, r, keep, failOn)
}

func newK8sCommand(g *globals) *cobra.Command {
	o := &outputOptions{}
	var opts cluster.Options
	var manifests string
	cmd := &cobra.Command{
		Use:   "k8s",
		Short: "Audit a live Kubernetes cluster (read-only) or a folder of manifests",
		Long: `Audit the workloads, RBAC, network policies and namespaces of a live cluster
through a kubeconfig, read-only (see deploy/ for the minimal ClusterRole), or
of a folder of manifests with --manifests. Secret values are never read.`,
		Example: `  fourc k8s -A
  fourc k8s --context prod -n payments --format sarif --output k8s.sarif
  fourc k8s --manifests deploy/
  fourc k8s who-can get secrets -n payments`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if manifests != "" {
				return g.scanManifests(cmd, o, manifests)
			}
			prog := g.progress("reading the cluster")
			res, err := cluster.Scan(cmd.Context(), opts)
			prog.finish()
			if err != nil {
				return err
			}
			return g.liveReport(cmd, o, "cluster "+snapshotName(opts), results{findings: res.Findings, skipped: res.Skipped,
				notices: res.Notices, assets: res.Assets, environment: res.Environment})
		},
	}
	o.addFlags(cmd)
	addClusterFlags(cmd, &opts)
	cmd.Flags().StringVar(&manifests, "manifests", "", "scan this folder of manifests instead of a live cluster")
	cmd.AddCommand(newWhoCanCommand(g, &opts), newProbeCommand(g))
	return cmd
}

func addClusterFlags(cmd *cobra.Command, opts *cluster.Options) {
	f := cmd.PersistentFlags()
	f.StringVar(&opts.Kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)")
	f.StringVar(&opts.Context, "context", "", "kubeconfig context (default: the current one)")
	f.StringVarP(&opts.Namespace, "namespace", "n", "", "only this namespace (cluster-scoped objects are always read)")
	f.BoolVarP(&opts.AllNamespaces, "all-namespaces", "A", false, "every namespace")
}

func snapshotName(opts cluster.Options) string {
	if opts.Context != "" {
		return opts.Context
	}
	return "(current context)"
}

// scanManifests runs the Kubernetes scanner alone over a folder.
func (g *globals) scanManifests(cmd *cobra.Command, o *outputOptions, dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("manifests %q: %w", dir, err)
	}
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	sc := kube.NewScanner(kube.Options{UntrustedNamespaceLabel: cfg.Kubernetes.UntrustedNamespaceLabel})
	root, err := source.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	res, err := engine.Run(cmd.Context(), root.FS(), []engine.Scanner{sc}, engine.Options{Exclude: o.exclude, Logger: g.logger})
	if err != nil {
		return fmt.Errorf("scanning %q: %w", dir, err)
	}
	return g.liveResults(cmd, o, dir, res.Findings, res.Skipped, nil)
}

func newWhoCanCommand(g *globals, opts *cluster.Options) *cobra.Command {
	return &cobra.Command{
		Use:   "who-can VERB RESOURCE",
		Short: "List the users, groups and service accounts that may do VERB on RESOURCE",
		Example: `  fourc k8s who-can get secrets -n payments
  fourc k8s who-can create pods/exec -A
  fourc k8s who-can '*' '*'`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			snap, sk, err := cluster.Read(cmd.Context(), *opts)
			if err != nil {
				return err
			}
			for _, s := range sk {
				fmt.Fprintf(g.stderr, "fourc: warning: %s\n", report.Clean(s.String()))
			}
			ns := opts.Namespace
			if opts.AllNamespaces {
				ns = ""
			}
			subjects := cluster.WhoCan(snap, args[0], args[1], ns)
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "KIND\tNAMESPACE\tNAME\tVIA")
			for _, s := range subjects {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Kind, s.Namespace, s.Name, strings.Join(s.Via, "; "))
			}
			return tw.Flush()
		},
	}
}

func newHostCommand(g *globals) *cobra.Command {
	o := &outputOptions{}
	var k8sVersion string
	cmd := &cobra.Command{
		Use:   "host ROOTFS",
		Short: "Audit a node's root filesystem: OS hardening and Kubernetes CIS checks",
		Long: `Audit a node from its root filesystem (a mounted volume, an unpacked image or
'/' itself): sshd, kernel modules, automatic updates, file permissions, the
container runtime socket, and the CIS Kubernetes checks of the components
whose static pod manifests, kubelet config and process command lines it finds.
Nothing is executed on the node.`,
		Example: `  fourc host /
  fourc host /host --format json   # from a privileged debug pod with the node mounted`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			suite := controlplane.NewSuite(controlplane.Options{KubernetesVersion: k8sVersion})
			fs, sk, err := host.Scan(cmd.Context(), args[0], host.Options{Suites: []host.Suite{suite}})
			if err != nil {
				return fmt.Errorf("root filesystem %q: %w", args[0], err)
			}
			return g.liveResults(cmd, o, args[0], fs, sk, nil)
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&k8sVersion, "kubernetes-version", "", "pick the CIS benchmark for this Kubernetes version instead of detecting it")
	return cmd
}

func newS3Command(g *globals) *cobra.Command {
	o := &outputOptions{}
	var opts objectstore.Options
	cmd := &cobra.Command{
		Use:   "s3",
		Short: "Audit the buckets of an S3-compatible endpoint (read-only)",
		Long: `Audit buckets of AWS S3 or any S3-compatible endpoint: default encryption,
versioning, object lock on backup buckets, public policies and ACLs, access
logging. Credentials come from the standard AWS chain (environment, shared
files, --profile). Only read calls are made.`,
		Example: `  fourc s3
  fourc s3 --endpoint http://127.0.0.1:9000 --insecure --bucket backups`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(opts.BackupPatterns) == 0 {
				opts.BackupPatterns = objectstore.DefaultBackupPatterns()
			}
			opts.Logger = g.logger
			fs, sk, err := objectstore.Scan(cmd.Context(), opts)
			if err != nil {
				return err
			}
			target := opts.Endpoint
			if target == "" {
				target = "AWS S3"
			}
			return g.liveResults(cmd, o, target, fs, sk, nil)
		},
	}
	o.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.Endpoint, "endpoint", "", "S3-compatible endpoint URL (default: AWS)")
	f.StringVar(&opts.Region, "region", "", "region (default: from the AWS config, else us-east-1)")
	f.StringVar(&opts.Profile, "profile", "", "AWS shared-config profile")
	f.StringSliceVar(&opts.Buckets, "bucket", nil, "only these buckets (default: all)")
	f.StringSliceVar(&opts.BackupPatterns, "backup-pattern", nil, "bucket name globs or tag key=value marking backup buckets (default: *backup*, backup=true)")
	f.BoolVar(&opts.Insecure, "insecure", false, "allow plain HTTP to the endpoint")
	return cmd
}

func newProbeCommand(g *globals) *cobra.Command {
	o := &outputOptions{}
	var opts probe.Options
	cmd := &cobra.Command{
		Use:   "probe",
		Short: "Probe control-plane endpoints: TLS, anonymous access, encryption at rest in etcd",
		Long: `Connect to the API server, kubelets and etcd and prove what flags cannot:
certificate chains and expiry, TLS versions and ciphers accepted, plain HTTP,
anonymous requests, and — with etcd client credentials — whether each Secret
is stored encrypted (values are never printed).`,
		Example: `  fourc k8s probe --apiserver https://10.0.0.1:6443 --kubelet 10.0.0.11:10250 --ca /etc/kubernetes/pki/ca.crt
  fourc k8s probe --etcd https://127.0.0.1:2379 --etcd-ca ca.crt --etcd-cert apiserver-etcd-client.crt --etcd-key apiserver-etcd-client.key`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(opts.APIServer)+len(opts.Kubelet)+len(opts.Etcd) == 0 {
				return usageError{fmt.Errorf("name at least one endpoint with --apiserver, --kubelet or --etcd")}
			}
			fs, sk, err := probe.Run(cmd.Context(), opts)
			if err != nil {
				return err
			}
			return g.liveResults(cmd, o, "control-plane endpoints", fs, sk, nil)
		},
	}
	o.addFlags(cmd)
	f := cmd.Flags()
	f.StringSliceVar(&opts.APIServer, "apiserver", nil, "API server endpoints (URL or host:port)")
	f.StringSliceVar(&opts.Kubelet, "kubelet", nil, "kubelet endpoints (host:10250)")
	f.StringSliceVar(&opts.Etcd, "etcd", nil, "etcd client endpoints")
	f.StringVar(&opts.CAFile, "ca", "", "cluster CA file to verify API server and kubelet certificates")
	f.StringVar(&opts.EtcdCAFile, "etcd-ca", "", "etcd CA file")
	f.StringVar(&opts.EtcdCertFile, "etcd-cert", "", "etcd client certificate (needed for the encryption-at-rest check)")
	f.StringVar(&opts.EtcdKeyFile, "etcd-key", "", "etcd client key")
	f.StringVar(&opts.EncryptionConfig, "encryption-config", "", "the API server's EncryptionConfiguration, to check every resource it names")
	f.StringSliceVar(&opts.Resources, "resource", nil, "resources besides secrets whose storage to check")
	return cmd
}
