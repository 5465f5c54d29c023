package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/ignore"
	"github.com/fourc-dev/fourc/internal/image"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/malware"
	"github.com/fourc-dev/fourc/internal/pipeline"
	"github.com/fourc-dev/fourc/internal/report"
	"github.com/fourc-dev/fourc/internal/source"
	"github.com/fourc-dev/fourc/internal/vulndb"
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
	// detail prints every finding of the table as a full block.
	detail bool
	// failOnSkipped fails the run when an input was skipped.
	failOnSkipped bool
	// ignorePolicy is "default" or "strict".
	ignorePolicy string
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
	f.BoolVar(&o.detail, "detail", false, "table output: print each finding and attack path in full (message, fix, why its priority) instead of one line")
	addLimitFlags(cmd)
}

// addVulnDetailFlag adds --vuln-detail to a command that reports
// vulnerabilities.
func (o *outputOptions) addVulnDetailFlag(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&o.vulnDetail, "vuln-detail", false, "list every vulnerability advisory in table and markdown output instead of one block per package")
}

// plan validates every report option of a run, and reads its posture
// rules, baseline and ignore file (under root), before anything is
// scanned.
func (g *globals) plan(cmd *cobra.Command, o *outputOptions, root string) (*pipeline.Plan, error) {
	opts := pipeline.Options{
		Format:         o.format,
		Output:         o.output,
		Severity:       o.severity,
		FailOn:         o.failOn,
		IgnoreFile:     o.ignoreFile,
		UserIgnoreFile: cmd.Flags().Changed("ignore-file"),
		IgnorePolicy:   o.ignorePolicy,
		Sort:           o.sort,
		Baseline:       o.baseline,
		FailOnNew:      o.failOnNew,
		FailOnSkipped:  o.failOnSkipped,
		VulnDetail:     o.vulnDetail,
		Detail:         o.detail,
		Width:          terminalWidth(g.stdout),
		Color:          !g.noColor && os.Getenv("NO_COLOR") == "" && isTerminal(g.stdout),
	}
	if g.cfg != nil {
		opts.Rules, opts.ConfigFile = g.cfg.Posture.Rules, g.cfg.Name
	}
	return pipeline.NewPlan(opts, root)
}

// publish ends every command that reports findings: suppressions, filters,
// cross-layer analysis, baseline, report and exit status.
func (g *globals) publish(ctx context.Context, p *pipeline.Plan, in pipeline.Input) error {
	return p.Publish(ctx, in, pipeline.Env{
		Stdout: g.stdout, Stderr: g.stderr, Quiet: g.quiet, Now: g.now(),
		Tool: "fourc", Version: Version(),
	})
}

type scanOptions struct {
	outputOptions
	vuln         vulnOptions
	secretConfig string
	history      bool
	scanners     []string
	k8sVersion   string
	helm         helmOptions
	// runtimeHandlers are the handlers the nodes offer (--runtime-handlers).
	runtimeHandlers []string
	// images are container images scanned into the same report (--image).
	images []string
	// malwareHashes are known-bad hash lists (--malware-hashes).
	malwareHashes []string
	// yaraRules are YARA rule files and directories (--yara-rules).
	yaraRules []string
}

func newScanCommand(g *globals) *cobra.Command {
	o := &scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan [PATH | FILE...]",
		Short: "Scan a source tree across all four layers",
		Long: `Scan a directory (or one file) and report problems in all four layers:
secrets and malware in the code, Dockerfiles, Kubernetes manifests and Terraform.
PATH defaults to the current directory. Several files (as a pre-commit
hook passes them) are scanned as one tree rooted at the current directory.`,
		Example: `  fourc scan examples/shop
  fourc scan . --scanners secret,vuln
  fourc scan . --format sarif --output fourc.sarif
  fourc scan . --severity high --fail-on critical
  fourc scan charts/api --values prod-values.yaml --set image.tag=1.2
  fourc scan . --image registry.example.com/shop/api:1.4 --image build/api.tar`,
		RunE: func(cmd *cobra.Command, args []string) error {
			target := "."
			if len(args) == 1 {
				target = args[0]
			}
			if len(args) > 1 {
				return runScanFiles(cmd, g, o, args)
			}
			return runScan(cmd, g, o, target)
		},
	}
	o.addFlags(cmd)
	o.addVulnDetailFlag(cmd)
	o.vuln.addFlags(cmd)
	cmd.Flags().StringVar(&o.secretConfig, "secret-config", "", "also apply the rules of this Gitleaks TOML config (e.g. .gitleaks.toml)")
	cmd.Flags().BoolVar(&o.history, "history", false, "also scan every commit of the git repository at PATH for secrets, deleted ones included")
	cmd.Flags().StringArrayVar(&o.images, "image", nil, "also scan this container image (registry reference, docker-archive, OCI archive or layout; repeatable) into the report and the posture graph, linked to the workloads that run it; an image that cannot be read is reported as skipped")
	addMalwareHashesFlag(cmd, &o.malwareHashes)
	addYaraRulesFlag(cmd, &o.yaraRules)
	cmd.Flags().StringSliceVar(&o.scanners, "scanners", nil, "run only these scanners: "+strings.Join(scannerNames, ", ")+" (default: all)")
	addK8sVersionFlag(cmd, &o.k8sVersion)
	addRuntimeHandlersFlag(cmd, &o.runtimeHandlers)
	o.helm.addFlags(cmd)
	return configured(cmd)
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

// runScan is `fourc scan`, and `fourc k8s --manifests` with the Kubernetes
// scanner alone: options first, then the scan, then one publish step.
func runScan(cmd *cobra.Command, g *globals, o *scanOptions, target string) error {
	root, only, err := resolveTarget(target)
	if err != nil {
		return err
	}
	return scanTree(cmd, g, o, target, root, only)
}

// runScanFiles is `fourc scan FILE...`: the files, relative to the current
// directory, scanned as one tree rooted there.
func runScanFiles(cmd *cobra.Command, g *globals, o *scanOptions, files []string) error {
	only, err := resolveFiles(files)
	if err != nil {
		return err
	}
	return scanTree(cmd, g, o, ".", ".", only)
}

func scanTree(cmd *cobra.Command, g *globals, o *scanOptions, target, root string, only []string) error {
	plan, err := g.plan(cmd, &o.outputOptions, root)
	if err != nil {
		return err
	}
	on, err := selectScanners(o.scanners)
	if err != nil {
		return err
	}
	for _, ref := range o.images {
		if err := checkImageRef(ref, o.vuln.offline); err != nil {
			// One line, exit 2: the reference is named, the usage is not
			// at fault.
			return errors.New("--image: " + err.Error())
		}
	}
	reg, err := registry()
	if err != nil {
		return fmt.Errorf("check catalogue: %w", err)
	}
	cfg := *g.cfg
	if o.secretConfig != "" {
		cfg.Secrets.GitleaksConfig = o.secretConfig
	}
	if err := k8sVersion(cmd, &cfg, o.k8sVersion); err != nil {
		return err
	}
	hv, err := o.helm.chartValues(cmd.Context(), cfg.Kubernetes)
	if err != nil {
		return err
	}
	mo, ruleNotices, err := malwareOptions(o.malwareHashes, o.yaraRules)
	if err != nil {
		return err
	}
	set, err := newScanSet(&cfg, o.vuln, root, g.now(), on, o.exclude, kube.Options{HelmValues: hv, RuntimeHandlers: o.runtimeHandlers}, mo)
	if err != nil {
		return err
	}
	set.notices = append(set.notices, unusedCharts(root, hv)...)
	set.notices = append(set.notices, ruleNotices...)
	defer set.Close()
	checks, err := set.checks(reg, plan.Rules())
	if err != nil {
		return err
	}
	// The tree stays open until the report is written: inline
	// suppression comments are read from it.
	scanRoot, err := source.OpenRoot(root)
	if err != nil {
		return err
	}
	defer scanRoot.Close()
	tree := pipeline.Tree{
		Target: target, Root: root, FS: scanRoot.FS(), Only: only, Exclude: o.exclude,
		Scanners: set.scanners, Vuln: set.vuln, Logger: g.logger,
	}
	if o.history {
		tree.History = set.secret.Detector()
	}
	ctx, done := g.status(cmd.Context())
	in, err := pipeline.ScanTree(ctx, tree)
	done()
	if err != nil {
		return err
	}
	for _, ref := range o.images {
		if err := cmd.Context().Err(); err != nil {
			return err
		}
		set.scanImage(cmd.Context(), g, ref, on, &in)
	}
	in.Notices = append(set.notices, in.Notices...)
	in.Checks = checks
	in.RootName = rootName(root)
	return g.publish(cmd.Context(), plan, in)
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

// resolveFiles turns several PATH arguments into slash-separated paths
// relative to the current directory; each must exist inside it.
func resolveFiles(files []string) ([]string, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("scan target: %w", err)
	}
	only := make([]string, 0, len(files))
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("scan target %q does not exist", f)
			}
			return nil, fmt.Errorf("scan target: %w", err)
		}
		rel := filepath.Clean(f)
		if filepath.IsAbs(rel) {
			if rel, err = filepath.Rel(cwd, rel); err != nil {
				return nil, fmt.Errorf("scan target %q: %w", f, err)
			}
		}
		if rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, usageError{Err: fmt.Errorf("scan target %q is outside the current directory (several targets are scanned as one tree rooted there)", f)}
		}
		only = append(only, filepath.ToSlash(rel))
	}
	return only, nil
}

// rootName is the base name of a scan root ("examples/shop" gives "shop",
// "." the current directory's name).
func rootName(root string) string {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	return filepath.Base(root)
}

// scanImage scans one --image as `fourc image` does, with the scan's
// secret rules and vulnerability database, into in: its findings (located
// in the image, not in the tree), its asset for the posture graph, its
// notices and skipped inputs. An image that cannot be read (a registry
// that does not answer, a corrupt archive) is a skipped input and the
// scan goes on; --fail-on-skipped makes that fail the run.
func (s *scanSet) scanImage(ctx context.Context, g *globals, ref string, on map[string]bool, in *pipeline.Input) {
	opts := image.Options{Now: g.now(), NoSecrets: !on["secret"], NoMalware: !on[malware.ScannerName]}
	if s.secret != nil && on["secret"] {
		opts.Secrets = s.secret.Detector()
	}
	if s.malware != nil && on[malware.ScannerName] {
		opts.Malware = s.malware.Detector()
	}
	var db *vulndb.DB
	if s.vuln != nil {
		db = s.vuln.DB()
	}
	sc, err := g.scanImage(ctx, ref, opts, db)
	if err != nil {
		in.Skipped = append(in.Skipped, finding.Skipped{Path: ref, Scanner: "image", Reason: err.Error()})
		return
	}
	for _, f := range sc.res.Findings {
		in.Findings = append(in.Findings, inImage(ref, f))
	}
	finding.Sort(in.Findings)
	in.Assets = append(in.Assets, sc.res.Asset())
	in.Notices = append(in.Notices, sc.notices...)
	in.Skipped = append(in.Skipped, sc.skipped...)
}

// inImage moves an image finding's location out of the scanned tree: the
// path inside the image goes into the object, after the image reference
// ("api.tar /app/.env:3, layer 2 …"), so that no tree file of the same
// path is taken for it (inline suppressions, SARIF artefacts). The
// fingerprint, computed by the image scan, stays the one `fourc image`
// gives.
func inImage(ref string, f finding.Finding) finding.Finding {
	l := f.Location
	obj := ref
	if l.Path != "" {
		obj += " /" + strings.TrimPrefix(l.Path, "/")
		if l.StartLine > 0 {
			obj += ":" + strconv.Itoa(l.StartLine)
		}
	}
	if l.Object != "" {
		obj += ", " + l.Object
	}
	f.Location = finding.Location{Object: obj}
	return f
}
