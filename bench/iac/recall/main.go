// Command recall measures how many of the weaknesses planted in the
// labelled Terraform corpus (bench/iac/corpus) fourc, tfsec and Trivy
// report, and how many findings each raises on the hardened twins.
//
// Run from the repository root, after bash bench/iac/install.sh:
//
//	go run ./bench/iac/recall -out /tmp/recall.tsv
//
// Each tool scans the whole corpus once, as a user would run it:
//
//	fourc scan CORPUS --scanners iac --format json --offline
//	tfsec CORPUS --format json --no-colour
//	trivy config CORPUS --format json --skip-check-update --skip-version-check --disable-telemetry
//
// # When a tool catches a label
//
// Every label names one resource block (file and address) of an insecure/
// project; its hardened/ twin has a block with the same address where the
// weakness is fixed, or no such block. The corpus plants one weakness per
// block, so a finding on the block is a finding about that weakness.
//
// A finding lands on a block when it is in the same file and its first line
// lies inside the block's line range (read from the HCL), or, for a finding
// without lines, when it names the block's address in the same project.
// A tool catches a label when one of its findings lands on the insecure
// block and the same tool raises no finding with the same rule and message
// on the hardened twin's block: a complaint the fix does not silence is not
// about the planted weakness.
//
// Every finding under a hardened/ directory is a false alarm; the table
// counts them per tool, and how many labelled hardened blocks drew one.
//
// -check exits 1 when fourc's recall on some theme is below the better of
// tfsec's and Trivy's, or when fourc raises a false alarm.
package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"go.yaml.in/yaml/v3"
)

// tools in the order of the table's columns.
var tools = []string{"fourc", "tfsec", "trivy"}

type options struct {
	corpus, fourc, tfsec, trivy, out, markdown string
	check                                      bool
	runs                                       int
	trivyDeprecated                            bool
}

func main() {
	home, _ := os.UserHomeDir()
	bin := filepath.Join(home, ".cache", "fourc-bench", "bin")
	var o options
	flag.StringVar(&o.corpus, "corpus", filepath.Join("bench", "iac", "corpus"), "the labelled corpus")
	flag.StringVar(&o.fourc, "fourc", "", "fourc binary (default: built from ./cmd/fourc into a temporary directory)")
	flag.StringVar(&o.tfsec, "tfsec", filepath.Join(bin, "tfsec"), "tfsec binary (bench/iac/install.sh)")
	flag.StringVar(&o.trivy, "trivy", filepath.Join(bin, "trivy"), "trivy binary (bench/iac/install.sh)")
	flag.StringVar(&o.out, "out", "", "write which tool caught which label to this TSV file")
	flag.StringVar(&o.markdown, "markdown", "", "write the table and the labels fourc misses as Markdown to this file")
	flag.IntVar(&o.runs, "runs", 3, "runs per tool; the one with the median wall time is reported")
	flag.BoolVar(&o.trivyDeprecated, "trivy-deprecated", false, "also run the checks trivy marks deprecated (e.g. AWS-0057, IAM wildcards), which it skips by default")
	flag.BoolVar(&o.check, "check", false, "exit 1 if fourc's recall is below the better reference tool's on any theme, or fourc raises a false alarm")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ok, err := run(ctx, o, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "recall:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

// label is one planted weakness, as labels.yaml lists it.
type label struct {
	ID          string `yaml:"id"`
	Theme       string `yaml:"theme"`
	File        string `yaml:"file"`
	Resource    string `yaml:"resource"`
	Description string `yaml:"description"`
}

// block is a top-level resource or data block of the corpus.
type block struct {
	file       string // slash path relative to the corpus
	addr       string
	start, end int
}

// finding is one tool's result, reduced to what the matcher reads.
type finding struct {
	file       string // slash path relative to the corpus
	start, end int
	addr       string
	rule, msg  string
}

// costs are what the tools spent: one process over the whole corpus
// (median of -runs), and one process per project, summed (peak RSS: the
// largest).
type costs struct {
	whole, each map[string]usage
	projects    int
}

// usage is what one tool run cost.
type usage struct {
	wall, cpu time.Duration
	rssKB     int64
	n         int
}

func run(ctx context.Context, o options, w io.Writer) (bool, error) {
	corpus, err := filepath.Abs(o.corpus)
	if err != nil {
		return false, err
	}
	labels, err := readLabels(filepath.Join(corpus, "labels.yaml"))
	if err != nil {
		return false, err
	}
	blocks, err := readBlocks(corpus)
	if err != nil {
		return false, err
	}
	for _, l := range labels {
		if blocks.find(l.File, l.Resource) == nil {
			return false, fmt.Errorf("label %s: no block %s in %s", l.ID, l.Resource, l.File)
		}
	}
	if o.fourc == "" {
		tmp, err := os.MkdirTemp("", "recall-")
		if err != nil {
			return false, err
		}
		defer os.RemoveAll(tmp)
		o.fourc = filepath.Join(tmp, "fourc")
		fmt.Fprintln(os.Stderr, "recall: building fourc")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", o.fourc, "./cmd/fourc")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return false, fmt.Errorf("building fourc (run from the repository root): %w", err)
		}
	}
	cache, err := os.MkdirTemp("", "recall-trivy-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(cache)

	args := map[string]func(dir string) (string, []string, func([]byte, string) ([]finding, error)){
		"fourc": func(dir string) (string, []string, func([]byte, string) ([]finding, error)) {
			return o.fourc, []string{"scan", dir, "--scanners", "iac", "--format", "json", "--offline"}, parseFourc
		},
		"tfsec": func(dir string) (string, []string, func([]byte, string) ([]finding, error)) {
			return o.tfsec, []string{dir, "--format", "json", "--no-colour"}, parseTfsec
		},
		"trivy": func(dir string) (string, []string, func([]byte, string) ([]finding, error)) {
			a := []string{"config", dir, "--format", "json", "--cache-dir", cache,
				"--skip-check-update", "--skip-version-check", "--disable-telemetry", "--quiet"}
			if o.trivyDeprecated {
				a = append(a, "--include-deprecated-checks")
			}
			return o.trivy, a, parseTrivy
		},
	}
	found := map[string][]finding{}
	whole := map[string]usage{}
	each := map[string]usage{}
	for _, t := range tools {
		fmt.Fprintf(os.Stderr, "recall: running %s on the %d projects\n", t, len(blocks.projects))
		for _, p := range blocks.projects {
			bin, a, parse := args[t](filepath.Join(corpus, filepath.FromSlash(p)))
			fs, u, err := runTool(ctx, corpus, filepath.Join(corpus, filepath.FromSlash(p)), parse, bin, a...)
			if err != nil {
				return false, fmt.Errorf("%s on %s: %w", t, p, err)
			}
			found[t] = append(found[t], fs...)
			each[t] = usage{wall: each[t].wall + u.wall, cpu: each[t].cpu + u.cpu, rssKB: max(each[t].rssKB, u.rssKB), n: each[t].n + u.n}
		}
		fmt.Fprintf(os.Stderr, "recall: running %s on the whole corpus, %d times\n", t, max(o.runs, 1))
		var us []usage
		for range max(o.runs, 1) {
			bin, a, parse := args[t](corpus)
			_, u, err := runTool(ctx, corpus, corpus, parse, bin, a...)
			if err != nil {
				return false, fmt.Errorf("%s: %w", t, err)
			}
			us = append(us, u)
		}
		// the run with the median wall time stands for the tool
		sort.Slice(us, func(i, j int) bool { return us[i].wall < us[j].wall })
		whole[t] = us[len(us)/2]
	}
	cost := costs{whole: whole, each: each, projects: len(blocks.projects)}
	res := evaluate(labels, blocks, found)
	sum := summarize(labels, res)
	report(w, sum, res, cost)
	if o.out != "" {
		if err := writeTSV(o.out, labels, res); err != nil {
			return false, err
		}
	}
	if o.markdown != "" {
		if err := writeMarkdown(o.markdown, labels, sum, res, cost); err != nil {
			return false, err
		}
	}
	if o.check && !sum.ok() {
		fmt.Fprintln(w, "\ncheck failed: fourc's recall is below a reference tool's on a theme marked *, or fourc raised a false alarm")
		return false, nil
	}
	return true, nil
}

func readLabels(path string) ([]label, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Labels []label `yaml:"labels"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	seen := map[string]bool{}
	for _, l := range doc.Labels {
		if l.ID == "" || l.Theme == "" || l.File == "" || l.Resource == "" {
			return nil, fmt.Errorf("%s: label %q lacks a field", path, l.ID)
		}
		if seen[l.ID] {
			return nil, fmt.Errorf("%s: label %q twice", path, l.ID)
		}
		seen[l.ID] = true
	}
	return doc.Labels, nil
}

// blockSet indexes the corpus's blocks by file and by project directory.
type blockSet struct {
	byFile map[string][]block
	// projects are the directories that hold .tf files: the root
	// modules, each scanned on its own.
	projects []string
}

func (s blockSet) find(file, addr string) *block {
	for i, b := range s.byFile[file] {
		if b.addr == addr {
			return &s.byFile[file][i]
		}
	}
	return nil
}

// at is the block a finding lands on, or nil.
func (s blockSet) at(f finding) *block {
	if f.start > 0 {
		for i, b := range s.byFile[f.file] {
			if f.start >= b.start && f.start <= b.end {
				return &s.byFile[f.file][i]
			}
		}
		return nil
	}
	if f.addr == "" {
		return nil
	}
	dir := f.file
	if !strings.HasSuffix(dir, "/insecure") && !strings.HasSuffix(dir, "/hardened") {
		dir = pathDir(dir)
	}
	for file, bs := range s.byFile {
		if pathDir(file) != dir {
			continue
		}
		for i, b := range bs {
			if b.addr == f.addr {
				return &s.byFile[file][i]
			}
		}
	}
	return nil
}

func pathDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

func readBlocks(root string) (blockSet, error) {
	s := blockSet{byFile: map[string][]block{}}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tf") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
		if diags.HasErrors() {
			return diags
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if p := pathDir(rel); !slices.Contains(s.projects, p) {
			s.projects = append(s.projects, p)
		}
		for _, b := range f.Body.(*hclsyntax.Body).Blocks {
			var addr string
			switch {
			case b.Type == "resource" && len(b.Labels) == 2:
				addr = b.Labels[0] + "." + b.Labels[1]
			case b.Type == "data" && len(b.Labels) == 2:
				addr = "data." + b.Labels[0] + "." + b.Labels[1]
			default:
				continue
			}
			r := b.Range()
			s.byFile[rel] = append(s.byFile[rel], block{file: rel, addr: addr, start: r.Start.Line, end: r.End.Line})
		}
		return nil
	})
	return s, err
}

// runTool runs one scanner and measures it through the child's rusage.
// tfsec exits 1 when it finds something: any exit is accepted when the
// output parses.
func runTool(ctx context.Context, corpus, dir string, parse func([]byte, string) ([]finding, error), name string, args ...string) ([]finding, usage, error) {
	if _, err := os.Stat(name); err != nil {
		return nil, usage{}, fmt.Errorf("%w (install it with: bash bench/iac/install.sh)", err)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	t0 := time.Now()
	err := cmd.Run()
	var u usage
	u.wall = time.Since(t0)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return nil, u, err
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		u.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		u.rssKB = ru.Maxrss // kilobytes on Linux
	}
	fs, perr := parse(out.Bytes(), dir)
	if perr != nil {
		return nil, u, fmt.Errorf("reading its output (%v): %w\n%s", err, perr, tail(errb.String(), 2000))
	}
	for i := range fs {
		// relative to the scanned directory, then to the corpus
		if r, err := filepath.Rel(corpus, filepath.Join(dir, filepath.FromSlash(fs[i].file))); err == nil {
			fs[i].file = filepath.ToSlash(r)
		}
	}
	u.n = len(fs)
	return fs, u, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// rel turns a tool's file name into a slash path relative to the corpus.
func rel(root, name string) string {
	if filepath.IsAbs(name) {
		if r, err := filepath.Rel(root, name); err == nil {
			name = r
		}
	}
	return strings.TrimPrefix(filepath.ToSlash(name), "./")
}

func parseFourc(b []byte, root string) ([]finding, error) {
	var doc struct {
		Findings []struct {
			CheckID  string `json:"check_id"`
			Message  string `json:"message"`
			Resource struct {
				Name string `json:"name"`
			} `json:"resource"`
			Location struct {
				Path      string `json:"path"`
				StartLine int    `json:"start_line"`
				EndLine   int    `json:"end_line"`
			} `json:"location"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	var fs []finding
	for _, f := range doc.Findings {
		fs = append(fs, finding{file: rel(root, f.Location.Path), start: f.Location.StartLine, end: f.Location.EndLine,
			addr: f.Resource.Name, rule: f.CheckID, msg: f.Message})
	}
	return fs, nil
}

func parseTfsec(b []byte, root string) ([]finding, error) {
	var doc struct {
		Results []struct {
			LongID      string `json:"long_id"`
			RuleID      string `json:"rule_id"`
			Description string `json:"description"`
			Resource    string `json:"resource"`
			Location    struct {
				Filename  string `json:"filename"`
				StartLine int    `json:"start_line"`
				EndLine   int    `json:"end_line"`
			} `json:"location"`
		} `json:"results"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	var fs []finding
	for _, r := range doc.Results {
		fs = append(fs, finding{file: rel(root, r.Location.Filename), start: r.Location.StartLine, end: r.Location.EndLine,
			addr: r.Resource, rule: r.LongID, msg: r.Description})
	}
	return fs, nil
}

func parseTrivy(b []byte, root string) ([]finding, error) {
	var doc struct {
		Results []struct {
			Target            string `json:"Target"`
			Misconfigurations []struct {
				ID            string `json:"ID"`
				AVDID         string `json:"AVDID"`
				Message       string `json:"Message"`
				Status        string `json:"Status"`
				CauseMetadata struct {
					Resource  string `json:"Resource"`
					StartLine int    `json:"StartLine"`
					EndLine   int    `json:"EndLine"`
				} `json:"CauseMetadata"`
			} `json:"Misconfigurations"`
		} `json:"Results"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	var fs []finding
	for _, r := range doc.Results {
		for _, m := range r.Misconfigurations {
			if m.Status != "" && m.Status != "FAIL" {
				continue
			}
			fs = append(fs, finding{file: rel(root, r.Target), start: m.CauseMetadata.StartLine, end: m.CauseMetadata.EndLine,
				addr: m.CauseMetadata.Resource, rule: cmp.Or(m.AVDID, m.ID), msg: m.Message})
		}
	}
	return fs, nil
}

// result is what the matcher decided.
type result struct {
	caught map[string]map[string][]string // label -> tool -> rules that caught it
	// falseAlarms counts findings under hardened/ per tool and theme;
	// falseLabels counts labelled hardened blocks that drew one.
	falseAlarms, falseLabels map[string]map[string]int
	falseRules               map[string]map[string][]string // label -> tool -> rules on its hardened twin
	unplaced                 map[string]int                 // findings in insecure/ on no labelled block
}

func evaluate(labels []label, blocks blockSet, found map[string][]finding) result {
	res := result{caught: map[string]map[string][]string{}, falseAlarms: map[string]map[string]int{},
		falseLabels: map[string]map[string]int{}, falseRules: map[string]map[string][]string{}, unplaced: map[string]int{}}
	type key struct{ file, addr string }
	labelled := map[key]bool{}
	for _, l := range labels {
		labelled[key{l.File, l.Resource}] = true
	}
	for _, t := range tools {
		res.falseAlarms[t] = map[string]int{}
		res.falseLabels[t] = map[string]int{}
		on := map[key][]finding{}
		for _, f := range found[t] {
			theme, twin := themeOf(f.file)
			if twin == "hardened" {
				res.falseAlarms[t][theme]++
			}
			b := blocks.at(f)
			if b == nil {
				if twin == "insecure" {
					res.unplaced[t]++
				}
				continue
			}
			on[key{b.file, b.addr}] = append(on[key{b.file, b.addr}], f)
			if twin == "insecure" && !labelled[key{b.file, b.addr}] {
				res.unplaced[t]++
			}
		}
		for _, l := range labels {
			hard := key{strings.Replace(l.File, "/insecure/", "/hardened/", 1), l.Resource}
			silenced := map[string]bool{}
			for _, f := range on[hard] {
				silenced[f.rule+"\x00"+f.msg] = true
			}
			if len(on[hard]) > 0 {
				res.falseLabels[t][l.Theme]++
				set(res.falseRules, l.ID, t, rulesOf(on[hard]))
			}
			var rules []string
			for _, f := range on[key{l.File, l.Resource}] {
				if !silenced[f.rule+"\x00"+f.msg] {
					rules = append(rules, f.rule)
				}
			}
			if len(rules) > 0 {
				set(res.caught, l.ID, t, uniq(rules))
			}
		}
	}
	return res
}

func set(m map[string]map[string][]string, a, b string, v []string) {
	if m[a] == nil {
		m[a] = map[string][]string{}
	}
	m[a][b] = v
}

func rulesOf(fs []finding) []string {
	var r []string
	for _, f := range fs {
		r = append(r, f.rule)
	}
	return uniq(r)
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// themeOf splits "theme/insecure/main.tf" into the theme and the twin.
func themeOf(file string) (string, string) {
	parts := strings.SplitN(file, "/", 3)
	if len(parts) < 3 {
		return "", ""
	}
	return parts[0], parts[1]
}

// summary is the table the report prints, in both forms.
type summary struct {
	themes                []string
	total                 map[string]int            // theme -> labels
	caught                map[string]map[string]int // theme -> tool -> labels caught
	below                 map[string]bool           // theme -> fourc below the better reference tool
	union, gaps           int
	falseLabels, unplaced map[string]int // tool -> count
	allCaught, allFA      map[string]int // tool -> count
	n                     int
}

func summarize(labels []label, res result) summary {
	s := summary{total: map[string]int{}, caught: map[string]map[string]int{}, below: map[string]bool{},
		falseLabels: map[string]int{}, unplaced: res.unplaced, allCaught: map[string]int{}, allFA: map[string]int{}}
	for _, l := range labels {
		if s.total[l.Theme] == 0 {
			s.themes = append(s.themes, l.Theme)
			s.caught[l.Theme] = map[string]int{}
		}
		s.total[l.Theme]++
		s.n++
		for _, t := range tools {
			if len(res.caught[l.ID][t]) > 0 {
				s.caught[l.Theme][t]++
				s.allCaught[t]++
			}
		}
		ref := len(res.caught[l.ID]["tfsec"]) > 0 || len(res.caught[l.ID]["trivy"]) > 0
		if ref || len(res.caught[l.ID]["fourc"]) > 0 {
			s.union++
		}
		if ref && len(res.caught[l.ID]["fourc"]) == 0 {
			s.gaps++
		}
	}
	for _, th := range s.themes {
		c := s.caught[th]
		s.below[th] = c["fourc"] < max(c["tfsec"], c["trivy"])
	}
	for _, t := range tools {
		s.falseLabels[t] = sum(res.falseLabels[t])
		s.allFA[t] = sum(res.falseAlarms[t])
	}
	return s
}

// ok is false when fourc's recall is below a reference tool's on some
// theme or fourc raised a false alarm.
func (s summary) ok() bool {
	for _, b := range s.below {
		if b {
			return false
		}
	}
	return s.allFA["fourc"] == 0
}

func report(w io.Writer, s summary, res result, cost costs) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "theme\tlabels\tfourc\ttfsec\ttrivy\tfalse alarms fourc/tfsec/trivy\t")
	for _, th := range s.themes {
		name := th
		if s.below[th] {
			name += " *"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d/%d/%d\t\n", name, s.total[th], pct(s.caught[th]["fourc"], s.total[th]),
			pct(s.caught[th]["tfsec"], s.total[th]), pct(s.caught[th]["trivy"], s.total[th]),
			res.falseAlarms["fourc"][th], res.falseAlarms["tfsec"][th], res.falseAlarms["trivy"][th])
	}
	fmt.Fprintf(tw, "total\t%d\t%s\t%s\t%s\t%d/%d/%d\t\n", s.n, pct(s.allCaught["fourc"], s.n), pct(s.allCaught["tfsec"], s.n),
		pct(s.allCaught["trivy"], s.n), s.allFA["fourc"], s.allFA["tfsec"], s.allFA["trivy"])
	tw.Flush()
	fmt.Fprintln(w, "(* fourc below the better reference tool; false alarms: findings on hardened/ twins)")
	fmt.Fprintf(w, "caught by at least one tool: %d of %d; caught by tfsec or trivy but not fourc: %d\n", s.union, s.n, s.gaps)
	fmt.Fprintf(w, "labelled hardened blocks with a finding: fourc %d, tfsec %d, trivy %d\n",
		s.falseLabels["fourc"], s.falseLabels["tfsec"], s.falseLabels["trivy"])
	fmt.Fprintf(w, "findings in insecure/ on no labelled block: fourc %d, tfsec %d, trivy %d\n\n",
		s.unplaced["fourc"], s.unplaced["tfsec"], s.unplaced["trivy"])
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "tool\twhole corpus: wall\tCPU\tpeak RSS\tfindings\t%d projects one by one: wall\tCPU\tpeak RSS\tfindings\t\n", cost.projects)
	for _, t := range tools {
		a, e := cost.whole[t], cost.each[t]
		fmt.Fprintf(tw, "%s\t%.2fs\t%.2fs\t%d MB\t%d\t%.2fs\t%.2fs\t%d MB\t%d\t\n", t, a.wall.Seconds(), a.cpu.Seconds(), a.rssKB>>10, a.n,
			e.wall.Seconds(), e.cpu.Seconds(), e.rssKB>>10, e.n)
	}
	tw.Flush()
}

// writeMarkdown writes the table, the costs and the labels a reference
// tool catches and fourc does not, for bench/iac/recall/README.md.
func writeMarkdown(path string, labels []label, s summary, res result, cost costs) error {
	var b strings.Builder
	b.WriteString("| theme | labels | fourc | tfsec | trivy | false alarms fourc / tfsec / trivy |\n|---|--:|--:|--:|--:|--:|\n")
	for _, th := range s.themes {
		name := th
		if s.below[th] {
			name += " \\*"
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %d / %d / %d |\n", name, s.total[th], pct(s.caught[th]["fourc"], s.total[th]),
			pct(s.caught[th]["tfsec"], s.total[th]), pct(s.caught[th]["trivy"], s.total[th]),
			res.falseAlarms["fourc"][th], res.falseAlarms["tfsec"][th], res.falseAlarms["trivy"][th])
	}
	fmt.Fprintf(&b, "| **total** | %d | %s | %s | %s | %d / %d / %d |\n\n", s.n, pct(s.allCaught["fourc"], s.n), pct(s.allCaught["tfsec"], s.n),
		pct(s.allCaught["trivy"], s.n), s.allFA["fourc"], s.allFA["tfsec"], s.allFA["trivy"])
	fmt.Fprintf(&b, "\\* fourc below the better reference tool. Caught by at least one tool: %d of %d; by tfsec or trivy but not fourc: %d. "+
		"Labelled hardened blocks with a finding: fourc %d, tfsec %d, trivy %d. Findings in insecure/ on no labelled block: fourc %d, tfsec %d, trivy %d.\n\n",
		s.union, s.n, s.gaps, s.falseLabels["fourc"], s.falseLabels["tfsec"], s.falseLabels["trivy"],
		s.unplaced["fourc"], s.unplaced["tfsec"], s.unplaced["trivy"])
	fmt.Fprintf(&b, "| tool | whole corpus: wall | CPU | peak RSS | findings | %d projects one by one: wall | CPU | peak RSS | findings |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n", cost.projects)
	for _, t := range tools {
		a, e := cost.whole[t], cost.each[t]
		fmt.Fprintf(&b, "| %s | %.2f s | %.2f s | %d MB | %d | %.2f s | %.2f s | %d MB | %d |\n", t, a.wall.Seconds(), a.cpu.Seconds(), a.rssKB>>10, a.n,
			e.wall.Seconds(), e.cpu.Seconds(), e.rssKB>>10, e.n)
	}
	b.WriteString("\n### Caught by tfsec or trivy, missed by fourc\n\n| label | resource | tfsec | trivy |\n|---|---|---|---|\n")
	for _, l := range labels {
		c := res.caught[l.ID]
		if len(c["fourc"]) > 0 || (len(c["tfsec"]) == 0 && len(c["trivy"]) == 0) {
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", l.ID, l.Resource, cell(c["tfsec"]), cell(c["trivy"]))
	}
	b.WriteString("\n### Caught by no tool\n\n")
	var none []string
	for _, l := range labels {
		c := res.caught[l.ID]
		if len(c["fourc"]) == 0 && len(c["tfsec"]) == 0 && len(c["trivy"]) == 0 {
			none = append(none, l.ID)
		}
	}
	b.WriteString(strings.Join(none, ", ") + "\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func sum(m map[string]int) int {
	s := 0
	for _, v := range m {
		s += v
	}
	return s
}

func pct(a, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%d (%d%%)", a, a*100/n)
}

// writeTSV writes one line per label: for each tool the rules that caught
// it, or "-"; the last column lists false alarms on its hardened twin.
func writeTSV(path string, labels []label, res result) error {
	var b strings.Builder
	b.WriteString("label\ttheme\tresource\tfourc\ttfsec\ttrivy\thardened_false_alarms\n")
	sorted := slices.Clone(labels)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Theme < sorted[j].Theme })
	for _, l := range sorted {
		cells := []string{l.ID, l.Theme, l.Resource}
		for _, t := range tools {
			cells = append(cells, cell(res.caught[l.ID][t]))
		}
		var fa []string
		for _, t := range tools {
			if r := res.falseRules[l.ID][t]; len(r) > 0 {
				fa = append(fa, t+":"+strings.Join(r, ","))
			}
		}
		cells = append(cells, cell(fa))
		b.WriteString(strings.Join(cells, "\t") + "\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func cell(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, ",")
}
