package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/fourc-dev/fourc/internal/audit"
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/pipeline"
	"github.com/fourc-dev/fourc/internal/source"
)

// auditOptions are the flags of `fourc k8s audit`.
type auditOptions struct {
	follow, fromStart, learn, live bool
	profile, rules, manifests      string
	merge, trusted                 []string
	burstThreshold, maxLine        int
	burstWindow, followWindow      time.Duration
}

func newAuditCommand(g *globals, copts *cluster.Options) *cobra.Command {
	o := &outputOptions{}
	ao := &auditOptions{}
	cmd := &cobra.Command{
		Use:   "audit FILE|DIR|-...",
		Short: "Analyse Kubernetes API server audit logs: suspicious requests and deviations from a learned profile",
		Long: `Read the API server's audit log (JSON lines: a file, a folder of rotated
logs read oldest first, gzip or not, or - for standard input) one event at a
time and report suspicious requests (FC-RT-001 to 010): exec into pods,
unexpected secret reads, anonymous access, privileged pods, cluster-admin
grants, token requests, impersonation, service accounts used from untrusted
networks, failed-auth bursts, admission configuration removed; plus your CEL
rules (audit.rules in fourc.yaml, or --rules). --learn builds a profile of
normal behaviour; --profile reports deviations from it (FC-RT-101 to 104).
--follow tails a growing log and prints findings as JSON lines as they happen.
With a cluster view (--manifests DIR or --cluster) runtime findings join the
cross-layer graph. See docs/runtime.md.`,
		Example: `  fourc k8s audit /var/log/kubernetes/audit/
  fourc k8s audit audit.log --manifests deploy/ --format sarif -o audit.sarif
  fourc k8s audit --learn week1/ week2/ -o profile.json
  fourc k8s audit --learn --merge a.json --merge b.json -o profile.json
  fourc k8s audit today.log --profile profile.json --fail-on high
  fourc k8s audit --follow /var/log/kubernetes/audit.log --trusted-networks 10.0.0.0/8`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !(ao.learn && len(ao.merge) > 0) {
				return usageError{Err: errors.New("audit needs an audit log: a FILE, a DIR of rotated logs or - for standard input")}
			}
			if ao.learn {
				return runLearn(cmd, g, ao, o.output, args)
			}
			if ao.follow {
				return runFollow(cmd, g, o, ao, copts, args)
			}
			return runAudit(cmd, g, o, ao, copts, args)
		},
	}
	o.addFlagsWithoutExclude(cmd)
	f := cmd.Flags()
	f.BoolVar(&ao.follow, "follow", false, "follow one growing log (like tail -F: rotation and truncation handled) or standard input and print findings as JSON lines as they happen, until interrupted")
	f.BoolVar(&ao.fromStart, "from-start", false, "with --follow: read the file from its beginning instead of only what is written from now on")
	f.BoolVar(&ao.learn, "learn", false, "learn a profile of normal behaviour from the logs (and --merge profiles) and write it as JSON to --output (default stdout)")
	f.StringSliceVar(&ao.merge, "merge", nil, "with --learn: profiles to merge into the learned one (a union)")
	f.StringVar(&ao.profile, "profile", "", "report deviations from this learned profile (FC-RT-101 to 104)")
	f.StringVar(&ao.rules, "rules", "", "a YAML file of audit rules (CEL over one event), in addition to audit.rules of fourc.yaml")
	f.StringSliceVar(&ao.trusted, "trusted-networks", nil, "CIDRs service accounts may send requests from (FC-RT-008), in addition to audit.trusted-networks of fourc.yaml")
	f.StringVar(&ao.manifests, "manifests", "", "a folder of manifests as the cluster view: pods map to workloads, exec findings join attack paths")
	f.BoolVar(&ao.live, "cluster", false, "read the live cluster (--kubeconfig, --context) as the cluster view")
	f.IntVar(&ao.burstThreshold, "burst-threshold", audit.DefaultBurstThreshold, "refused requests (401/403) from one source or user that make a burst (FC-RT-009)")
	f.DurationVar(&ao.burstWindow, "burst-window", audit.DefaultBurstWindow, "the window of a burst")
	f.DurationVar(&ao.followWindow, "follow-window", audit.DefaultFollowWindow, "with --follow: how long a repeat of a finding (same check, subject and object) stays silent")
	f.IntVar(&ao.maxLine, "max-line", audit.DefaultMaxLine, "the longest line (bytes) read as an event; longer ones are skipped and reported")
	return configured(cmd)
}

// analyzerOptions reads the profile, rules, trusted networks and cluster
// view; it returns the user's rules' checks and the view's assets too.
func analyzerOptions(ctx context.Context, g *globals, ao *auditOptions, copts *cluster.Options) (audit.Options, []check.Meta, []finding.Asset, error) {
	opts := audit.Options{BurstThreshold: ao.burstThreshold, BurstWindow: ao.burstWindow, FollowWindow: ao.followWindow}
	var err error
	if ao.profile != "" {
		if opts.Profile, err = readProfile(ao.profile); err != nil {
			return opts, nil, nil, usageError{Err: err}
		}
	}
	if opts.Rules, err = auditRules(g, ao.rules); err != nil {
		return opts, nil, nil, usageError{Err: err}
	}
	cidrs := ao.trusted
	if g.cfg != nil {
		cidrs = append(append([]string{}, g.cfg.Audit.TrustedNetworks...), cidrs...)
	}
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(strings.TrimSpace(c))
		if err != nil {
			return opts, nil, nil, usageError{Err: fmt.Errorf("--trusted-networks: %w", err)}
		}
		opts.TrustedNetworks = append(opts.TrustedNetworks, p.Masked())
	}
	assets, err := clusterView(ctx, g, ao, copts)
	if err != nil {
		return opts, nil, nil, err
	}
	if assets != nil {
		opts.Cluster = audit.NewClusterView(assets)
	}
	return opts, opts.Rules.Checks(), assets, nil
}

func readProfile(path string) (*audit.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	defer f.Close()
	p, err := audit.ReadProfile(f)
	if err != nil {
		return nil, fmt.Errorf("profile %q: %w", path, err)
	}
	return p, nil
}

// auditRules compiles audit.rules of fourc.yaml and the --rules file.
func auditRules(g *globals, file string) (*audit.RuleSet, error) {
	var rules []audit.Rule
	if g.cfg != nil && len(g.cfg.Audit.Rules) > 0 {
		set, err := audit.DecodeRules(g.cfg.Audit.Rules, g.cfg.Name)
		if err != nil {
			return nil, err
		}
		rules = append(rules, set.Rules()...)
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("--rules: %w", err)
		}
		defer f.Close()
		set, err := audit.ReadRules(f, file)
		if err != nil {
			return nil, err
		}
		rules = append(rules, set.Rules()...)
	}
	if len(rules) == 0 {
		return nil, nil
	}
	return audit.CompileRules(rules, "audit rules")
}

// clusterView returns the assets of --manifests or --cluster, nil
// without either.
func clusterView(ctx context.Context, g *globals, ao *auditOptions, copts *cluster.Options) ([]finding.Asset, error) {
	switch {
	case ao.manifests != "" && ao.live:
		return nil, usageError{Err: errors.New("--manifests and --cluster are exclusive")}
	case ao.live:
		snap, _, err := cluster.Read(ctx, *copts)
		if err != nil {
			return nil, err
		}
		return cluster.Assets(snap), nil
	case ao.manifests != "":
		root, err := source.OpenRoot(ao.manifests)
		if err != nil {
			return nil, err
		}
		defer root.Close()
		in, err := pipeline.ScanTree(ctx, pipeline.Tree{Target: ao.manifests, Root: ao.manifests, FS: root.FS(),
			Scanners: []engine.Scanner{kube.NewScanner(kube.Options{})}, Logger: g.logger})
		if err != nil {
			return nil, err
		}
		return in.Assets, nil
	}
	return nil, nil
}

// runAudit is the batch mode: every input, then one report.
func runAudit(cmd *cobra.Command, g *globals, o *outputOptions, ao *auditOptions, copts *cluster.Options, args []string) error {
	plan, err := g.plan(cmd, o, ".")
	if err != nil {
		return err
	}
	reg, err := registry()
	if err != nil {
		return fmt.Errorf("check catalogue: %w", err)
	}
	opts, user, assets, err := analyzerOptions(cmd.Context(), g, ao, copts)
	if err != nil {
		return err
	}
	if reg, err = reg.WithUser(user); err != nil {
		return usageError{Err: err}
	}
	inputs, err := audit.Inputs(args)
	if err != nil {
		return err
	}
	a := audit.New(opts)
	st, skipped, err := audit.Read(cmd.Context(), inputs, g.stdin, audit.ReadOptions{MaxLine: ao.maxLine, Annotations: a.NeedsAnnotations()}, a.Observe)
	if err != nil {
		return err
	}
	notices := append([]string{fmt.Sprintf("audit: %d line(s), %d event(s), %d request(s) analysed, %d malformed, %d too long",
		st.Lines, st.Events, a.Events(), st.Malformed, st.TooLong)}, a.Notices()...)
	return g.publish(cmd.Context(), plan, pipeline.Input{Target: "audit log " + strings.Join(args, ", "), Findings: a.Findings(),
		Skipped: skipped, Notices: notices, Checks: reg.All(), Assets: assets})
}

// runFollow is --follow: findings as JSON lines as they happen.
func runFollow(cmd *cobra.Command, g *globals, o *outputOptions, ao *auditOptions, copts *cluster.Options, args []string) error {
	if len(args) != 1 {
		return usageError{Err: fmt.Errorf("--follow reads one file or - (got %d)", len(args))}
	}
	plan, err := g.plan(cmd, o, ".")
	if err != nil {
		return err
	}
	opts, _, _, err := analyzerOptions(cmd.Context(), g, ao, copts)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if !toStdout(o.output) {
		f, err := os.OpenFile(o.output, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	enc := json.NewEncoder(out)
	a := audit.New(opts)
	gated := false
	var werr error
	sink := func(ev *auditv1.Event, pos audit.Position) {
		fs := a.Stream(ev, pos)
		if len(fs) == 0 || werr != nil {
			return
		}
		kept, gate := plan.Stream(fs, g.now())
		gated = gated || gate
		for _, f := range kept {
			if err := enc.Encode(f); err != nil {
				werr = err
			}
		}
	}
	warn := func(s finding.Skipped) { fmt.Fprintf(g.stderr, "fourc: skipped %s\n", s) }
	_, err = audit.Follow(cmd.Context(), args[0], g.stdin, audit.FollowOptions{MaxLine: ao.maxLine, FromStart: ao.fromStart, Annotations: a.NeedsAnnotations(), Skipped: warn}, sink)
	for _, n := range a.Notices() {
		fmt.Fprintf(g.stderr, "fourc: %s\n", n)
	}
	switch {
	case err != nil:
		return err
	case werr != nil:
		return werr
	case gated:
		return pipeline.ErrFindings
	}
	return nil
}

func toStdout(output string) bool { return output == "" || output == "-" }

// runLearn is --learn: a profile from the logs and the merged profiles.
func runLearn(cmd *cobra.Command, g *globals, ao *auditOptions, output string, args []string) error {
	p := audit.NewProfile()
	for _, m := range ao.merge {
		o, err := readProfile(m)
		if err != nil {
			return usageError{Err: err}
		}
		p.Merge(o)
	}
	inputs, err := audit.Inputs(args)
	if err != nil {
		return err
	}
	st, skipped, err := audit.Read(cmd.Context(), inputs, g.stdin, audit.ReadOptions{MaxLine: ao.maxLine}, func(ev *auditv1.Event, _ audit.Position) { p.Learn(ev) })
	if err != nil {
		return err
	}
	for _, s := range skipped {
		fmt.Fprintf(g.stderr, "fourc: skipped %s\n", s)
	}
	out := cmd.OutOrStdout()
	if !toStdout(output) {
		f, err := os.Create(output)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	if err := p.Write(out); err != nil {
		return err
	}
	if !g.quiet && !toStdout(output) {
		fmt.Fprintf(g.stderr, "fourc: learned %d subject(s) from %d event(s) into %s\n", len(p.Subjects), st.Events, output)
	}
	return nil
}
