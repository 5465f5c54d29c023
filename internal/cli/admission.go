package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/admission"
	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/report"
)

// defaultPolicyFile is where the Helm chart mounts the policy.
const defaultPolicyFile = "/etc/fourc/policy.yaml"

func newAdmissionCommand(g *globals, opts *cluster.Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admission",
		Short: "Judge objects as they are created: fourc as a validating admission webhook",
		Long: `Run fourc's Kubernetes checks on every Pod, workload, Service, RBAC object and
Namespace the API server is asked to create or update, and deny, warn or
record what fails the admission policy. See docs/admission.md.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newAdmissionServeCommand(g, opts))
	return cmd
}

// admissionServeOptions are the flags of `fourc k8s admission serve`; the
// Helm chart passes exactly these.
type admissionServeOptions struct {
	listen, tlsDir, policy, metricsAddr, failurePolicy, format string
	timeout                                                    time.Duration
	dryRun                                                     bool
}

func newAdmissionServeCommand(g *globals, opts *cluster.Options) *cobra.Command {
	var o admissionServeOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the validating admission webhook (or, with --dry-run, judge what a cluster already runs)",
		Long: `Serve AdmissionReview v1 requests on /validate over TLS (with /healthz and
/readyz on the same listener), and Prometheus metrics on /metrics.

Each namespace's mode comes from its label fourc.dev/admission
(enforce, warn, audit or off), else from the policy file: enforce denies,
warn allows with warnings kubectl prints, audit allows and records (a log
line, a metric and an audit annotation). The policy file is a subset of
fourc.yaml (fail-on, admission, kubernetes, posture) and is re-read when it
changes; the certificate is re-read when it is rotated.

With --dry-run, nothing is served: the objects the cluster already has are
judged against the policy, and those that would have been denied, warned
about or audited are listed. The exit status is 1 when one would have
been denied.`,
		Example: `  fourc k8s admission serve --tls-dir /etc/fourc/tls --policy /etc/fourc/policy.yaml
  fourc k8s admission serve --failure-policy closed --timeout 1s
  fourc k8s admission serve --dry-run --context prod --policy policy.yaml
  fourc k8s admission serve --dry-run -A --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAdmissionServe(cmd, g, opts, &o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", ":8443", "address of the webhook's TLS listener (/validate, /healthz, /readyz)")
	f.StringVar(&o.tlsDir, "tls-dir", "/etc/fourc/tls", "directory holding tls.crt and tls.key (a mounted kubernetes.io/tls Secret); re-read when rotated")
	f.StringVar(&o.policy, "policy", defaultPolicyFile, "admission policy file (a subset of fourc.yaml); re-read when it changes")
	f.StringVar(&o.metricsAddr, "metrics-addr", ":9090", "address of the Prometheus /metrics listener (plain HTTP); empty for none")
	f.StringVar(&o.failurePolicy, "failure-policy", admission.FailOpen, "when an evaluation fails or exceeds --timeout in an enforce namespace: open (allow) or closed (deny)")
	f.DurationVar(&o.timeout, "timeout", admission.DefaultTimeout, "time budget of one evaluation")
	f.BoolVar(&o.dryRun, "dry-run", false, "judge the objects the cluster already has and print what would have been denied or warned about; serve nothing")
	f.StringVarP(&o.format, "format", "f", "table", "--dry-run output: table or json")
	_ = cmd.RegisterFlagCompletionFunc("failure-policy", listValues([]string{admission.FailOpen, admission.FailClosed}, false))
	_ = cmd.RegisterFlagCompletionFunc("format", listValues([]string{"table", "json"}, false))
	return cmd
}

func runAdmissionServe(cmd *cobra.Command, g *globals, opts *cluster.Options, o *admissionServeOptions) error {
	switch {
	case o.failurePolicy != admission.FailOpen && o.failurePolicy != admission.FailClosed:
		return usageError{Err: fmt.Errorf("invalid --failure-policy %q (want open or closed)", o.failurePolicy)}
	case o.timeout <= 0:
		return usageError{Err: fmt.Errorf("invalid --timeout %s (want a positive duration such as 2s)", o.timeout)}
	case o.format != "table" && o.format != "json":
		return usageError{Err: fmt.Errorf("invalid --format %q for admission serve (want table or json)", o.format)}
	}
	logger := admissionLogger(cmd, g)
	p, policyFile, err := loadAdmissionPolicy(cmd, o.policy, logger)
	if err != nil {
		return err
	}
	if o.dryRun {
		return admissionDryRun(cmd, g, opts, p, o.format)
	}
	return admission.Run(cmd.Context(), admission.RunOptions{
		Kubeconfig: opts.Kubeconfig, Context: opts.Context,
		Listen: o.listen, MetricsAddr: o.metricsAddr, TLSDir: o.tlsDir,
		PolicyFile: policyFile, FailurePolicy: o.failurePolicy, Timeout: o.timeout, Logger: logger,
	}, p)
}

// admissionLogger is the server's logger: JSON lines on stderr, at info
// unless --log-level says otherwise (a server's log is its record).
func admissionLogger(cmd *cobra.Command, g *globals) *slog.Logger {
	lvl := slog.LevelInfo
	if cmd.Flags().Changed("log-level") {
		_ = lvl.UnmarshalText([]byte(g.logLevel))
	}
	return slog.New(slog.NewJSONHandler(g.stderr, &slog.HandlerOptions{Level: lvl}))
}

// loadAdmissionPolicy reads the policy file. Without one at the default
// path (and --policy not given), the built-in default applies; the file
// returned is then empty, as there is nothing to watch.
func loadAdmissionPolicy(cmd *cobra.Command, name string, logger *slog.Logger) (*admission.Policy, string, error) {
	p, err := admission.LoadPolicy(name)
	switch {
	case err == nil:
		return p, name, nil
	case errors.Is(err, fs.ErrNotExist) && !cmd.Flags().Changed("policy"):
		p = admission.DefaultPolicy()
		logger.Info("no admission policy file; using the built-in default", "path", name, "mode", string(p.Mode), "fail_on", p.FailOn.String())
		return p, "", nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, "", usageError{Err: fmt.Errorf("--policy %q: no such file", name)}
	}
	return nil, "", usageError{Err: err}
}

// admissionDryRun reads the cluster, judges what it has and prints the
// verdicts; a deny among them is exit status 1.
func admissionDryRun(cmd *cobra.Command, g *globals, opts *cluster.Options, p *admission.Policy, format string) error {
	prog := g.progress("reading the cluster")
	snap, skipped, err := cluster.Read(cmd.Context(), *opts)
	prog.finish()
	if err != nil {
		return err
	}
	for _, s := range skipped {
		fmt.Fprintf(g.stderr, "fourc: warning: %s\n", report.Clean(s.String()))
	}
	verdicts, err := admission.DryRun(cmd.Context(), snap.Set, p, snap.MinorVersion())
	if err != nil {
		return err
	}
	if format == "json" {
		err = writeVerdictsJSON(cmd.OutOrStdout(), p, verdicts)
	} else {
		err = writeVerdictsTable(cmd.OutOrStdout(), verdicts)
	}
	if err != nil {
		return err
	}
	denied := 0
	for _, v := range verdicts {
		if v.Decision == "deny" {
			denied++
		}
	}
	if denied > 0 {
		if !g.quiet {
			fmt.Fprintf(g.stderr, "fourc: exit 1: %d of the cluster's objects would have been denied (policy %s)\n", denied, p.Name)
		}
		return errFindings
	}
	return nil
}

func writeVerdictsTable(w io.Writer, verdicts []admission.Verdict) error {
	if len(verdicts) == 0 {
		_, err := fmt.Fprintln(w, "Every object the policy judges would have been admitted without a warning.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DECISION\tMODE\tKIND\tNAMESPACE\tNAME\tCHECKS")
	for _, v := range verdicts {
		ids := make([]string, 0, len(v.Violations))
		for _, x := range v.Violations {
			if len(ids) == 0 || ids[len(ids)-1] != x.CheckID {
				ids = append(ids, x.CheckID)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", v.Decision, v.Mode, v.Kind, report.Clean(v.Namespace), report.Clean(v.Name), strings.Join(ids, ", "))
	}
	return tw.Flush()
}

func writeVerdictsJSON(w io.Writer, p *admission.Policy, verdicts []admission.Verdict) error {
	if verdicts == nil {
		verdicts = []admission.Verdict{}
	}
	out := struct {
		Policy   string              `json:"policy"`
		FailOn   string              `json:"fail_on"`
		Verdicts []admission.Verdict `json:"verdicts"`
	}{Policy: p.Name, FailOn: p.FailOn.String(), Verdicts: verdicts}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
