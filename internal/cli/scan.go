package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/baseline"
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/config"
	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/history"
	"github.com/fourc-dev/fourc/internal/ignore"
	"github.com/fourc-dev/fourc/internal/posture"
	"github.com/fourc-dev/fourc/internal/report"
	"github.com/fourc-dev/fourc/internal/source"
	"github.com/fourc-dev/fourc/internal/vuln"
)

// outputOptions are the flags shared by every command that writes a report.
type outputOptions struct {
	format     string
	output     string
	severity   string
	failOn     string
	ignoreFile string
	exclude    []string
	sort       string
	baseline   string
	failOnNew  string
	// vulnDetail lists every advisory in table and Markdown output.
	vulnDetail bool
	// failOnSkipped fails the run when an input was skipped.
	failOnSkipped bool
	// ignorePolicy is "default" or "strict".
	ignorePolicy string
	// rules are the posture rules of the config file, compiled in publish.
	rules []yaml.Node
}

func (o *outputOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.format, "format", "f", "table", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file instead of stdout: a regular file is replaced atomically and keeps its mode; a FIFO, device or symlink is written through; - is stdout")
	f.StringVar(&o.severity, "severity", "", "report only these severities: a minimum (\"high\") or a list (\"HIGH,CRITICAL\")")
	f.StringVar(&o.failOn, "fail-on", "", "exit with code 1 when a reported finding has this severity or higher")
	f.StringVar(&o.ignoreFile, "ignore-file", "", "suppressions file (default: "+ignore.DefaultFile+" at the scan root when present)")
	f.StringSliceVar(&o.exclude, "exclude", nil, "skip paths matching these globs (a name without '/' matches at any depth)")
	f.StringVar(&o.sort, "sort", "priority", "order of findings: priority (severity in its cross-layer context) or severity")
	f.StringVar(&o.baseline, "baseline", "", "compare with a previous JSON report and mark each finding new or unchanged, and list the fixed ones")
	f.StringVar(&o.failOnNew, "fail-on-new", "", "with --baseline: exit with code 1 when a new finding has this severity or higher")
	f.BoolVar(&o.failOnSkipped, "fail-on-skipped", false, "exit with code 1 when an input was skipped (unreadable, malformed or over a budget)")
	f.StringVar(&o.ignorePolicy, "ignore-policy", "default", "strict: refuse wildcard IDs in the repository's own ignore file")
	addLimitFlags(cmd)
}

// addVulnDetailFlag adds --vuln-detail to a command that reports
// vulnerabilities.
func (o *outputOptions) addVulnDetailFlag(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&o.vulnDetail, "vuln-detail", false, "list every vulnerability advisory in table and markdown output instead of one block per package")
}

// merge fills options the user did not set on the command line from the
// config file.
func (o *outputOptions) merge(cmd *cobra.Command, cfg *config.Config) {
	set := func(name string, dst *string, v string) {
		if !cmd.Flags().Changed(name) && v != "" {
			*dst = v
		}
	}
	set("format", &o.format, cfg.Format)
	set("severity", &o.severity, cfg.Severity)
	set("fail-on", &o.failOn, cfg.FailOn)
	set("ignore-file", &o.ignoreFile, cfg.IgnoreFile)
	set("sort", &o.sort, cfg.Sort)
	set("baseline", &o.baseline, cfg.Baseline)
	set("fail-on-new", &o.failOnNew, cfg.FailOnNew)
	set("ignore-policy", &o.ignorePolicy, cfg.IgnorePolicy)
	if !cmd.Flags().Changed("fail-on-skipped") && cfg.FailOnSkipped {
		o.failOnSkipped = true
	}
	o.rules = cfg.Posture.Rules
	if !cmd.Flags().Changed("exclude") {
		o.exclude = append(o.exclude, cfg.Exclude...)
	}
}

// severityFilter parses --severity: one name is a minimum, a comma list is
// an exact set.
func severityFilter(s string) (func(finding.Severity) bool, error) {
	if s == "" {
		return func(finding.Severity) bool { return true }, nil
	}
	parts := strings.Split(s, ",")
	set := map[finding.Severity]bool{}
	for _, p := range parts {
		v, err := finding.ParseSeverity(strings.TrimSpace(p))
		if err != nil {
			return nil, usageError{fmt.Errorf("--severity: %w", err)}
		}
		set[v] = true
	}
	if len(parts) == 1 {
		var min finding.Severity
		for v := range set {
			min = v
		}
		return func(v finding.Severity) bool { return v >= min }, nil
	}
	return func(v finding.Severity) bool { return set[v] }, nil
}

type scanOptions struct {
	outputOptions
	vuln         vulnOptions
	secretConfig string
	history      bool
	scanners     []string
}

func newScanCommand(g *globals) *cobra.Command {
	o := &scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan [PATH]",
		Short: "Scan a source tree across all four layers",
		Long: `Scan a directory (or one file) and report problems in all four layers:
secrets in the code, Dockerfiles, Kubernetes manifests and Terraform.
PATH defaults to the current directory.`,
		Example: `  fourc scan examples/shop
  fourc scan . --scanners secret,vuln
  fourc scan . --format sarif --output fourc.sarif
  fourc scan . --severity high --fail-on critical`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := "."
			if len(args) == 1 {
				target = args[0]
			}
			return runScan(cmd, g, o, target)
		},
	}
	o.addFlags(cmd)
	o.addVulnDetailFlag(cmd)
	o.vuln.addFlags(cmd)
	cmd.Flags().StringVar(&o.secretConfig, "secret-config", "", "also apply the rules of this Gitleaks TOML config (e.g. .gitleaks.toml)")
	cmd.Flags().BoolVar(&o.history, "history", false, "also scan every commit of the git repository at PATH for secrets, deleted ones included")
	cmd.Flags().StringSliceVar(&o.scanners, "scanners", nil, "run only these scanners: "+strings.Join(scannerNames, ", ")+" (default: all)")
	return cmd
}

func (o *vulnOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.dbPath, "db", "", "vulnerability database file (default: $FOURC_DB or the user cache directory)")
	f.StringSliceVar(&o.vexFiles, "vex", nil, "OpenVEX or CycloneDX VEX documents; not_affected and fixed statements suppress findings")
	f.BoolVar(&o.reachability, "reachability", true, "analyse Go call paths to vulnerable code (govulncheck)")
	f.BoolVar(&o.reachableOnly, "reachable-only", false, "hide Go vulnerabilities whose code is not called")
	f.DurationVar(&o.reachTimeout, "reachability-timeout", time.Minute, "give up the Go call-path analysis of one module after this long (its vulnerabilities are then reported as not analysed)")
	f.BoolVar(&o.offline, "offline", false, "never touch the network (Go reachability uses only the local module cache)")
}

func runScan(cmd *cobra.Command, g *globals, o *scanOptions, target string) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	o.merge(cmd, cfg)
	keep, failOn, err := o.filters()
	if err != nil {
		return err
	}
	root, only, err := resolveTarget(target)
	if err != nil {
		return err
	}
	ign, err := o.loadIgnore(cmd, root)
	if err != nil {
		return err
	}
	reg, err := registry()
	if err != nil {
		return fmt.Errorf("check catalogue: %w", err)
	}
	if o.secretConfig != "" {
		cfg.Secrets.GitleaksConfig = o.secretConfig
	}
	if !cmd.Flags().Changed("offline") && cfg.Offline {
		o.vuln.offline = true
	}
	if !cmd.Flags().Changed("scanners") {
		o.scanners = cfg.Scanners
	}
	on, err := selectScanners(o.scanners)
	if err != nil {
		return err
	}
	set, err := newScanSet(cfg, o.vuln, root, g.now(), on, o.exclude)
	if err != nil {
		return err
	}
	defer set.Close()
	scanRoot, err := source.OpenRoot(root)
	if err != nil {
		return err
	}
	defer scanRoot.Close()
	fsys := scanRoot.FS()
	prog := g.progress("scanning " + target)
	res, err := engine.Run(cmd.Context(), fsys, set.scanners, engine.Options{
		Exclude:  o.exclude,
		Only:     only,
		Progress: prog.update,
		Logger:   g.logger,
	})
	prog.finish()
	if err != nil {
		return fmt.Errorf("scanning %q: %w", target, err)
	}
	if set.vuln != nil {
		res.Findings = g.analyseReachability(cmd.Context(), set.vuln, res.Findings)
		unNotices, unSkipped := uncheckedPackages(set.vuln.DB(), set.vuln.Uncovered())
		set.notices = append(set.notices, unNotices...)
		res.Skipped = append(res.Skipped, unSkipped...)
	}
	if o.history {
		hprog := g.progress("scanning git history of " + target)
		hf, hs, err := history.Scan(cmd.Context(), root, set.secret.Detector())
		hprog.finish()
		if err != nil {
			return fmt.Errorf("--history: %w", err)
		}
		res.Findings = mergeHistory(res.Findings, hf)
		res.Skipped = append(res.Skipped, hs...)
		finding.Sort(res.Findings)
	}
	return g.publish(cmd.Context(), o.outputOptions, target, results{
		findings:   res.Findings,
		suppressed: set.suppressed(),
		skipped:    res.Skipped,
		notices:    append(set.notices, set.vulnNotices()...),
		ignore:     ign,
		fsys:       fsys,
		checks:     set.checks(reg),
		assets:     res.Assets,
		rootName:   rootName(root),
	}, keep, failOn)
}

// analyseReachability runs the Go call-path analysis after the scan, as a
// labelled step of its own ("analysing Go call paths: 2/4 modules").
func (g *globals) analyseReachability(ctx context.Context, vs *vuln.Scanner, fs []finding.Finding) []finding.Finding {
	prog := g.progress("analysing Go call paths")
	defer prog.finish()
	return vs.AnalyseReachability(ctx, fs, func(modFile string, done, total int) {
		if done < total {
			prog.describe(fmt.Sprintf("analysing Go call paths: %d/%d modules (%s)", done+1, total, modFile))
		}
		prog.update(done, total)
	})
}

// results is what a command found, before suppressions and filters.
type results struct {
	findings   []finding.Finding
	suppressed []finding.Suppressed
	skipped    []finding.Skipped
	notices    []string
	ignore     ignoreLoad
	// fsys is where inline suppression comments are read; nil for live
	// targets.
	fsys   fs.FS
	checks []check.Meta
	// assets are what the scanners saw, for the cross-layer graph.
	assets []finding.Asset
	// rootName is the base name of the scanned directory ("shop").
	rootName string
	// environment is the platform, Kubernetes version and benchmark a
	// live scan detected and used.
	environment finding.Environment
}

// publish applies suppressions and the severity filter, runs the
// cross-layer analysis and the baseline comparison, writes the report and
// turns --fail-on and --fail-on-new into errFindings. Every command that
// reports findings ends here.
func (g *globals) publish(ctx context.Context, o outputOptions, target string, r results, keep func(finding.Severity) bool, failOn *finding.Severity) error {
	failOnNew, err := o.gates()
	if err != nil {
		return err
	}
	rules, err := posture.DecodeRules(o.rules)
	if err != nil {
		return fmt.Errorf("config posture.rules: %w", err)
	}
	var base *baseline.Baseline
	if o.baseline != "" {
		if base, err = baseline.Load(o.baseline); err != nil {
			return err
		}
	}
	applied := ignore.Apply(finding.Dedup(r.findings), r.ignore.file, r.fsys, g.now())
	rep := &report.Report{
		Tool:        "fourc",
		Version:     Version(),
		Target:      target,
		GeneratedAt: g.now(),
		Suppressed:  append(applied.Suppressed, r.suppressed...),
		Skipped:     append(r.skipped, r.ignore.skipped...),
		Notices:     slices.Concat(r.notices, r.ignore.notices, applied.Notices),
		Checks:      r.checks,
		IgnoreUses:  applied.Uses,
		Environment: r.environment,
	}
	rep.Findings = slices.DeleteFunc(applied.Kept, func(f finding.Finding) bool { return !keep(f.Severity) })
	rep.Posture = posture.Analyze(posture.Input{Findings: rep.Findings, Assets: r.assets, RootName: r.rootName}, posture.Options{Rules: rules})
	rep.Notices = append(rep.Notices, rep.Posture.Notices...)
	if o.sort == "priority" {
		posture.SortByPriority(rep.Findings, rep.Posture)
	}
	var diff baseline.Diff
	if base != nil {
		// A finding suppressed now, or filtered out by --severity, is not
		// fixed: leave it out of the comparison rather than report it as
		// gone.
		silenced := map[string]bool{}
		for _, sp := range rep.Suppressed {
			silenced[sp.Finding.Fingerprint] = true
		}
		base.Findings = slices.DeleteFunc(base.Findings, func(f finding.Finding) bool {
			return silenced[f.Fingerprint] || !keep(f.Severity)
		})
		diff = baseline.Compare(base, rep.Findings)
		rep.Baseline, rep.BaselinePath = &diff, o.baseline
	}
	if err := ctx.Err(); err != nil {
		// Interrupted: no report, rather than one that looks complete.
		return err
	}
	if err := g.writeReport(o, rep); err != nil {
		return err
	}
	if o.failOnSkipped && len(rep.Skipped) > 0 {
		return skippedError{len(rep.Skipped)}
	}
	if failOn != nil && finding.AtLeast(rep.Findings, *failOn) {
		return errFindings
	}
	if failOnNew != nil && base != nil && diff.NewAtLeast(*failOnNew) {
		return errFindings
	}
	return nil
}

// gates checks --sort and --fail-on-new.
func (o *outputOptions) gates() (*finding.Severity, error) {
	switch o.sort {
	case "priority", "severity":
	default:
		return nil, usageError{fmt.Errorf("--sort: unknown order %q (want priority or severity)", o.sort)}
	}
	if o.failOnNew == "" {
		return nil, nil
	}
	if o.baseline == "" {
		return nil, usageError{errors.New("--fail-on-new needs --baseline (a previous JSON report)")}
	}
	v, err := finding.ParseSeverity(o.failOnNew)
	if err != nil {
		return nil, usageError{fmt.Errorf("--fail-on-new: %w", err)}
	}
	return &v, nil
}

// filters parses --severity and --fail-on.
func (o *outputOptions) filters() (func(finding.Severity) bool, *finding.Severity, error) {
	keep, err := severityFilter(o.severity)
	if err != nil {
		return nil, nil, err
	}
	failOn, err := parseFailOn(o.failOn)
	if err != nil {
		return nil, nil, err
	}
	return keep, failOn, nil
}

func parseFailOn(s string) (*finding.Severity, error) {
	if s == "" {
		return nil, nil
	}
	v, err := finding.ParseSeverity(s)
	if err != nil {
		return nil, usageError{fmt.Errorf("--fail-on: %w", err)}
	}
	return &v, nil
}

// resolveTarget turns PATH into a scan root and, for a single file, the
// relative path to limit the scan to.
func resolveTarget(target string) (root string, only []string, err error) {
	st, err := os.Stat(target)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", nil, fmt.Errorf("scan target %q does not exist", target)
		}
		return "", nil, fmt.Errorf("scan target: %w", err)
	}
	if st.IsDir() {
		return target, nil, nil
	}
	return filepath.Dir(target), []string{filepath.Base(target)}, nil
}

func (g *globals) loadConfig() (*config.Config, error) {
	if g.configFile != "" {
		return config.Load(g.configFile, true)
	}
	return config.Load(config.DefaultFile, false)
}

// writeReport renders the report to --output (atomically) or stdout, and
// says where it went on stderr when that is not obvious.
func (g *globals) writeReport(o outputOptions, rep *report.Report) error {
	toStdout := o.output == "" || o.output == "-"
	color := toStdout && !g.noColor && os.Getenv("NO_COLOR") == "" && isTerminal(g.stdout)
	w, err := report.New(o.format, report.Options{Color: color, VulnDetail: o.vulnDetail})
	if err != nil {
		return usageError{fmt.Errorf("--format: %w", err)}
	}
	if toStdout {
		return w.Write(g.stdout, rep)
	}
	err = report.WriteFileAtomic(o.output, 0o644, func(out io.Writer) error { return w.Write(out, rep) })
	if err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	if !g.quiet {
		fmt.Fprintf(g.stderr, "fourc: %s; report written to %s\n", summaryLine(rep), o.output)
	}
	return nil
}

// summaryLine counts findings by severity for a one-line status.
func summaryLine(rep *report.Report) string {
	counts := map[finding.Severity]int{}
	for _, f := range rep.Findings {
		counts[f.Severity]++
	}
	var parts []string
	sev := finding.Severities()
	for i := len(sev) - 1; i >= 0; i-- {
		if n := counts[sev[i]]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(sev[i].String())))
		}
	}
	s := fmt.Sprintf("%d findings", len(rep.Findings))
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	if n := len(rep.Skipped); n > 0 {
		s += fmt.Sprintf(", %d inputs skipped", n)
	}
	return s
}

// rootName is the base name of a scan root ("examples/shop" gives "shop",
// "." the current directory's name).
func rootName(root string) string {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	return filepath.Base(root)
}

// mergeHistory adds the secrets found in the git history to the tree's
// findings. A secret still present at HEAD is reported once, by its history
// finding, which names the commit that introduced it: the history message
// extends the tree's ("… in app/main.go, added in commit …").
func mergeHistory(tree, hist []finding.Finding) []finding.Finding {
	msgs := map[string][]string{}
	for _, h := range hist {
		k := h.CheckID + "\x00" + h.Location.Path
		msgs[k] = append(msgs[k], h.Message)
	}
	out := make([]finding.Finding, 0, len(tree)+len(hist))
	for _, t := range tree {
		dup := false
		for _, m := range msgs[t.CheckID+"\x00"+t.Location.Path] {
			if strings.HasPrefix(m, t.Message+", added in commit ") {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	return append(out, hist...)
}
