package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/controlplane"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/host"
	"github.com/fourc-dev/fourc/internal/objectstore"
	"github.com/fourc-dev/fourc/internal/pipeline"
	"github.com/fourc-dev/fourc/internal/probe"
	"github.com/fourc-dev/fourc/internal/report"
)

// live is what a live command (k8s, host, s3, probe) found.
type live struct {
	target   string
	findings []finding.Finding
	skipped  []finding.Skipped
	notices  []string
	// assets and environment come from a live cluster: the cross-layer
	// graph's input, and the platform, version and benchmark used.
	assets      []finding.Asset
	environment finding.Environment
}

// runLive validates the report options, runs the live scan and publishes
// what it found: one pipeline, options first.
func (g *globals) runLive(cmd *cobra.Command, o *outputOptions, scan func() (live, error)) error {
	plan, err := g.plan(cmd, o, ".")
	if err != nil {
		return err
	}
	reg, err := registry()
	if err != nil {
		return fmt.Errorf("check catalogue: %w", err)
	}
	res, err := scan()
	if err != nil {
		return err
	}
	finding.Sort(res.findings)
	return g.publish(cmd.Context(), plan, pipeline.Input{Target: res.target, Findings: res.findings, Skipped: res.skipped, Notices: res.notices, Checks: reg.All(),
		Assets: res.assets, Environment: res.environment})
}

func newK8sCommand(g *globals) *cobra.Command {
	o := &outputOptions{}
	var opts cluster.Options
	var (
		manifests, version string
		helm               helmOptions
		handlers           []string
	)
	cmd := &cobra.Command{
		Use:   "k8s",
		Short: "Audit a live Kubernetes cluster (read-only) or a folder of manifests",
		Long: `Audit the workloads, RBAC, network policies and namespaces of a live cluster
through a kubeconfig, read-only (see deploy/ for the minimal ClusterRole), or
of a folder of manifests with --manifests. Secret values are never read.`,
		Example: `  fourc k8s -A
  fourc k8s --context prod -n payments --format sarif --output k8s.sarif
  fourc k8s --manifests deploy/
  fourc k8s --manifests charts/ --values prod-values.yaml --set ingress.enabled=true
  fourc k8s who-can get secrets -n payments`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if manifests != "" {
				// Exactly `fourc scan DIR --scanners kube`.
				return runScan(cmd, g, &scanOptions{outputOptions: *o, scanners: []string{"kube"}, k8sVersion: version, helm: helm, runtimeHandlers: handlers}, manifests)
			}
			return g.runLive(cmd, o, func() (live, error) {
				prog := g.progress("reading the cluster")
				cfg := *g.cfg
				if err := k8sVersion(cmd, &cfg, version); err != nil {
					return live{}, err
				}
				opts.KubeOptions.UntrustedNamespaceLabel = cfg.Kubernetes.UntrustedNamespaceLabel
				opts.KubeOptions.KubernetesVersion = cfg.Kubernetes.Version
				opts.KubeOptions.RuntimeHandlers = handlers
				res, err := cluster.Scan(cmd.Context(), opts)
				prog.finish()
				if err != nil {
					return live{}, err
				}
				return live{target: "cluster " + snapshotName(opts), findings: res.Findings, skipped: res.Skipped,
					notices: res.Notices, assets: res.Assets, environment: res.Environment}, nil
			})
		},
	}
	o.addFlags(cmd)
	addClusterFlags(cmd, &opts)
	cmd.Flags().StringVar(&manifests, "manifests", "", "scan this folder of manifests instead of a live cluster (as fourc scan DIR --scanners kube)")
	addK8sVersionFlag(cmd, &version)
	addRuntimeHandlersFlag(cmd, &handlers)
	helm.addFlags(cmd)
	cmd.AddCommand(newWhoCanCommand(g, &opts), newProbeCommand(g), newAuditCommand(g, &opts), newAdmissionCommand(g, &opts), newOperatorCommand(g, &opts))
	return configured(cmd)
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

func newWhoCanCommand(g *globals, opts *cluster.Options) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "who-can VERB RESOURCE",
		Short: "List the users, groups and service accounts that may do VERB on RESOURCE",
		Example: `  fourc k8s who-can get secrets -n payments
  fourc k8s who-can create pods/exec -A
  fourc k8s who-can '*' '*' --format json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError{Err: fmt.Errorf("who-can needs a VERB and a RESOURCE (got %d argument(s)), e.g. 'fourc k8s who-can get secrets' or 'fourc k8s who-can create pods/exec'", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return usageError{Err: fmt.Errorf("invalid --format %q for who-can (want table or json)", format)}
			}
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
			if format == "json" {
				return writeWhoCanJSON(cmd.OutOrStdout(), args[0], args[1], subjects)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "KIND\tNAMESPACE\tNAME\tVIA")
			for _, s := range subjects {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Kind, s.Namespace, s.Name, strings.Join(s.Via, "; "))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table or json")
	_ = cmd.RegisterFlagCompletionFunc("format", listValues([]string{"table", "json"}, false))
	return cmd
}

// writeWhoCanJSON writes the answer of who-can as one JSON object.
func writeWhoCanJSON(w io.Writer, verb, resource string, subjects []cluster.Subject) error {
	type subject struct {
		Kind      string   `json:"kind"`
		Namespace string   `json:"namespace,omitempty"`
		Name      string   `json:"name"`
		Via       []string `json:"via"`
	}
	out := struct {
		Verb     string    `json:"verb"`
		Resource string    `json:"resource"`
		Subjects []subject `json:"subjects"`
	}{Verb: verb, Resource: resource, Subjects: []subject{}}
	for _, s := range subjects {
		out.Subjects = append(out.Subjects, subject{Kind: s.Kind, Namespace: s.Namespace, Name: s.Name, Via: s.Via})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// addFlagsWithoutExclude adds the report flags but --exclude, which a
// command that reads no files cannot honour.
func (o *outputOptions) addFlagsWithoutExclude(cmd *cobra.Command) {
	tmp := &cobra.Command{}
	o.addFlags(tmp)
	tmp.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "exclude" {
			cmd.Flags().AddFlag(f)
		}
	})
}

func newHostCommand(g *globals) *cobra.Command {
	o := &outputOptions{}
	var k8sVersion string
	var insecure bool
	cmd := &cobra.Command{
		Use:   "host ROOTFS|TARBALL|IMAGE",
		Short: "Audit a node's root filesystem: OS hardening and Kubernetes CIS checks",
		Long: `Audit a node from its root filesystem (a mounted volume, an unpacked image or
'/' itself), a tarball of one, or a node image (docker archive, OCI archive or
layout, registry reference; read in memory, never unpacked): sshd, kernel
modules and end of life, automatic updates, SELinux/AppArmor, immutable OS,
file permissions, the container runtime socket, and the CIS Kubernetes checks
of the components whose static pod manifests, kubelet config and process
command lines it finds. Facts about the node (kernel, immutable OS, the
container runtime handlers a RuntimeClass may name) are shown as notices.
Nothing is executed on the node.`,
		Example: `  fourc host /
  fourc host /host --format json   # from a privileged debug pod with the node mounted
  fourc host node-rootfs.tar.gz
  fourc host registry.example.com/node-image:1.31`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.runLive(cmd, o, func() (live, error) {
				ctx, stop := g.status(cmd.Context())
				n, sk0, done, err := openHostRoot(ctx, args[0], insecure)
				stop()
				if err != nil {
					return live{}, err
				}
				defer done()
				var notices []string
				facts := func(k, v string) {
					if k != "node" {
						notices = append(notices, "node "+k+": "+v)
					}
				}
				suite := controlplane.NewSuite(controlplane.Options{KubernetesVersion: k8sVersion})
				fs, sk := host.ScanNode(cmd.Context(), n, host.Options{Suites: []host.Suite{suite}, Facts: facts, Now: g.now()})
				return live{target: args[0], findings: fs, skipped: append(sk0, sk...), notices: notices}, nil
			})
		},
	}
	o.addFlagsWithoutExclude(cmd)
	cmd.Flags().StringVar(&k8sVersion, "kubernetes-version", "", "pick the CIS benchmark for this Kubernetes version instead of detecting it")
	cmd.Flags().BoolVar(&insecure, "insecure", false, "allow plain HTTP to the registry of an image reference")
	return configured(cmd)
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
			return g.runLive(cmd, o, func() (live, error) {
				if len(opts.BackupPatterns) == 0 {
					opts.BackupPatterns = objectstore.DefaultBackupPatterns()
				}
				opts.Logger = g.logger
				fs, sk, err := objectstore.Scan(cmd.Context(), opts)
				target := opts.Endpoint
				if target == "" {
					target = "AWS S3"
				}
				return live{target: target, findings: fs, skipped: sk}, err
			})
		},
	}
	o.addFlagsWithoutExclude(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.Endpoint, "endpoint", "", "S3-compatible endpoint URL (default: AWS)")
	f.StringVar(&opts.Region, "region", "", "region (default: from the AWS config, else us-east-1)")
	f.StringVar(&opts.Profile, "profile", "", "AWS shared-config profile")
	f.StringSliceVar(&opts.Buckets, "bucket", nil, "only these buckets (default: all)")
	f.StringSliceVar(&opts.BackupPatterns, "backup-pattern", nil, "bucket name globs or tag key=value marking backup buckets (default: *backup*, backup=true)")
	f.BoolVar(&opts.Insecure, "insecure", false, "allow plain HTTP to the endpoint")
	return configured(cmd)
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
				return usageError{Err: fmt.Errorf("name at least one endpoint with --apiserver, --kubelet or --etcd")}
			}
			return g.runLive(cmd, o, func() (live, error) {
				fs, sk, err := probe.Run(cmd.Context(), opts)
				return live{target: "control-plane endpoints", findings: fs, skipped: sk}, err
			})
		},
	}
	o.addFlagsWithoutExclude(cmd)
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
	return configured(cmd)
}
