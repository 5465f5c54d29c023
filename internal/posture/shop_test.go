package posture

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/dockerfile"
	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/iac"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/reach"
	"github.com/fourc-dev/fourc/internal/secret"
	"github.com/fourc-dev/fourc/internal/vuln"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// starterModule is the pinned Go vulnerability database module, the same
// one `fourc db import --starter` and scripts/starter-db.sh import.
const starterModule = "golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018"

var (
	dbOnce sync.Once
	dbPath string
	dbErr  error
)

func TestMain(m *testing.M) {
	// The test binary serves as the child of the Go call-path analysis.
	reach.MaybeChild()
	code := m.Run()
	if dbPath != "" {
		os.RemoveAll(filepath.Dir(dbPath))
	}
	os.Exit(code)
}

// starterDB builds, once per test binary, a vulnerability database from
// the real Go OSV records of the pinned golang.org/x/vulndb module.
func starterDB(t *testing.T) string {
	t.Helper()
	dbOnce.Do(func() {
		out, err := exec.Command("go", "mod", "download", "-json", starterModule).Output()
		if err != nil {
			dbErr = fmt.Errorf("go mod download %s: %w", starterModule, err)
			return
		}
		var info struct{ Dir string }
		if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
			dbErr = fmt.Errorf("go mod download %s: no directory in %s", starterModule, out)
			return
		}
		dir, err := os.MkdirTemp("", "fourc-posture-db-")
		if err != nil {
			dbErr = err
			return
		}
		dbPath = filepath.Join(dir, "fourc.db")
		_, dbErr = vulndb.Import(context.Background(), dbPath, filepath.Join(info.Dir, "data", "osv"), vulndb.ImportOptions{})
	})
	if dbErr != nil {
		t.Fatal(dbErr)
	}
	return dbPath
}

// scanTree scans a directory with the real scanners of `fourc scan`, as
// the CLI wires them. With reach set, Go reachability runs (govulncheck,
// through the module proxy or the local module cache).
func scanTree(t *testing.T, root string, withReach bool) *engine.Result {
	t.Helper()
	db, err := vulndb.Open(starterDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sec, err := secret.NewScanner(secret.Options{})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := vuln.NewScanner(vuln.Options{DB: db, Root: root, Reachability: withReach, ReachabilityTimeout: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer vs.Close()
	scanners := []engine.Scanner{
		sec,
		dockerfile.NewScanner(dockerfile.Options{}),
		kube.NewScanner(kube.Options{}),
		iac.NewScanner(iac.Options{}),
		vs,
	}
	res, err := engine.Run(context.Background(), os.DirFS(root), scanners, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) > 0 {
		t.Fatalf("scan of %s skipped inputs: %v", root, res.Skipped)
	}
	if withReach {
		res.Findings = vs.AnalyseReachability(context.Background(), res.Findings, nil)
		for _, n := range vs.Notices() {
			if strings.Contains(n, "not analysed") {
				t.Fatalf("Go reachability did not run: %s", n)
			}
		}
	}
	return res
}

var (
	shopOnce sync.Once
	shopRes  *engine.Result
)

// shopScan is the scan of examples/shop with reachability, done once.
func shopScan(t *testing.T) *engine.Result {
	t.Helper()
	shopOnce.Do(func() { shopRes = scanTree(t, filepath.Join("..", "..", "examples", "shop"), true) })
	if shopRes == nil {
		t.Fatal("scan of examples/shop failed in an earlier test")
	}
	return shopRes
}

// renderPaths writes paths as text for a golden file a person can review.
func renderPaths(ps []Path) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%s %s [%s]\n  %s\n  layers: %v\n", p.Severity, p.ID, p.Title, p.Summary, p.Layers)
		for i, s := range p.Steps {
			fmt.Fprintf(&b, "  %d. %s %s (%s): %s\n", i+1, s.Kind, s.Name, s.Layer, s.Text)
			for _, f := range s.Findings {
				fmt.Fprintf(&b, "       %s %s\n", f.CheckID, f.Severity)
			}
		}
		fmt.Fprintf(&b, "  fix: %s\n\n", p.Remediation)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; run with -update and review):\n%s", p, diff)
	}
}

// TestShopExample: on the insecure example, built from a real scan, at
// least three attack paths are found across at least three layers, each
// explained step by step with findings on its steps.
func TestShopExample(t *testing.T) {
	res := shopScan(t)
	r := Analyze(Input{Findings: res.Findings, Assets: res.Assets, RootName: "shop"}, Options{})

	if len(r.Paths) < 3 {
		t.Fatalf("found %d attack paths, want at least 3:\n%s", len(r.Paths), renderPaths(r.Paths))
	}
	layers := map[finding.Layer]bool{}
	for _, p := range r.Paths {
		for _, l := range p.Layers {
			layers[l] = true
		}
		if len(p.Steps) < 2 {
			t.Errorf("%s has %d steps, want a chain of at least 2", p.ID, len(p.Steps))
		}
		withFindings := 0
		for _, s := range p.Steps {
			if s.Text == "" {
				t.Errorf("%s: step %s has no explanation", p.ID, s.Node)
			}
			if len(s.Findings) > 0 {
				withFindings++
			}
		}
		if withFindings == 0 {
			t.Errorf("%s: no step carries a finding", p.ID)
		}
	}
	if len(layers) < 3 {
		t.Errorf("paths cross %d layers, want at least 3", len(layers))
	}
	var rules []string
	for _, p := range r.Paths {
		rules = append(rules, p.Rule)
	}
	slices.Sort(rules)
	want := []string{"FC-PATH-001", "FC-PATH-002", "FC-PATH-003", "FC-PATH-004", "FC-PATH-005", "FC-PATH-006", "FC-PATH-007"}
	if diff := cmp.Diff(want, slices.Compact(rules)); diff != "" {
		t.Errorf("rules that fired (-want +got):\n%s", diff)
	}
	// FC-PATH-001 crosses Code, Container and Cluster in one chain.
	for _, p := range r.Paths {
		if p.Rule == "FC-PATH-001" && len(p.Layers) < 3 {
			t.Errorf("%s crosses %v, want Code, Container and Cluster", p.ID, p.Layers)
		}
	}
	golden(t, "shop-paths.txt", renderPaths(r.Paths))
	golden(t, "shop-scores.txt", renderScores(r))
}

func renderScores(r *Result) string {
	var b strings.Builder
	for _, s := range r.Scores {
		fmt.Fprintf(&b, "%s (penalty %d, assessed %v)\n", s.Explanation, s.Penalty, s.Assessed)
	}
	b.WriteString("\n")
	for _, w := range r.Workloads {
		fmt.Fprintf(&b, "%s exposed=%v open=%d\n", w.Node, w.Exposed, w.Open)
		for _, l := range w.Layers {
			fmt.Fprintf(&b, "  %s %s: %s\n", l.Layer, l.State, strings.Join(l.Reasons, "; "))
		}
	}
	return b.String()
}

// TestShopPriorities: the privileged, exposed workload's findings and the
// called vulnerabilities it ships come first; vulnerabilities whose code is
// never called come later, and every priority says why.
func TestShopPriorities(t *testing.T) {
	res := shopScan(t)
	r := Analyze(Input{Findings: res.Findings, Assets: res.Assets, RootName: "shop"}, Options{})
	for _, f := range res.Findings {
		p, ok := r.PriorityOf(f)
		if !ok {
			t.Fatalf("%s on %s has no priority", f.CheckID, f.Resource)
		}
		if len(p.Reasons) == 0 || p.Level < 1 || p.Level > 4 {
			t.Errorf("%s on %s: priority %+v", f.CheckID, f.Resource, p)
		}
		reach := Reachability(f)
		switch {
		case f.CheckID == "FC-K8S-101", f.CheckID == "FC-RBAC-007", f.CheckID == "FC-SEC-001":
			if p.Level != 1 {
				t.Errorf("%s: %s, want P1 (%s)", f.CheckID, p, p.Reason())
			}
		case isVulnerability(f) && reach == "called" && strings.HasPrefix(f.Resource.Name, "golang.org/x/net@"):
			if p.Level != 1 {
				t.Errorf("called vulnerability %s: %s, want P1 (%s)", f.Message, p, p.Reason())
			}
			if !strings.Contains(p.Reason(), "taken as HIGH because the vulnerable code is called") {
				t.Errorf("called vulnerability of unknown severity: reason %q does not say it counts as high", p.Reason())
			}
		case isVulnerability(f) && reach == "required":
			if p.Level < 3 {
				t.Errorf("uncalled vulnerability %s: %s, want P3 or P4 (%s)", f.Message, p, p.Reason())
			}
		}
	}
	fs := slices.Clone(res.Findings)
	SortByPriority(fs, r)
	for i := 1; i < len(fs); i++ {
		if r.Priorities[fs[i-1].Fingerprint].Level > r.Priorities[fs[i].Fingerprint].Level {
			t.Fatalf("SortByPriority: %s before %s", r.Priorities[fs[i-1].Fingerprint], r.Priorities[fs[i].Fingerprint])
		}
	}
}

// TestShopHardened: the hardened twin has no attack path and scores
// better than the insecure example in every layer.
func TestShopHardened(t *testing.T) {
	hard := scanTree(t, filepath.Join("..", "..", "examples", "shop-hardened"), true)
	hr := Analyze(Input{Findings: hard.Findings, Assets: hard.Assets, RootName: "shop-hardened"}, Options{})
	if len(hr.Paths) != 0 {
		t.Errorf("hardened example has %d attack paths, want none:\n%s", len(hr.Paths), renderPaths(hr.Paths))
	}
	shop := shopScan(t)
	sr := Analyze(Input{Findings: shop.Findings, Assets: shop.Assets, RootName: "shop"}, Options{})
	for i := range sr.Scores {
		if hr.Scores[i].Score <= sr.Scores[i].Score {
			t.Errorf("%s: hardened %d is not above insecure %d", hr.Scores[i].Explanation, hr.Scores[i].Score, sr.Scores[i].Score)
		}
	}
}

// TestScoreRisesAsFindingsAreFixed fixes the insecure example one layer
// at a time, by copying in the hardened twin's files, and scans each step
// for real: the overall score rises at every step and no layer's score
// ever falls.
func TestScoreRisesAsFindingsAreFixed(t *testing.T) {
	examples := filepath.Join("..", "..", "examples")
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(examples, "shop"))); err != nil {
		t.Fatal(err)
	}
	fix := func(paths ...string) {
		for _, p := range paths {
			src := filepath.Join(examples, "shop-hardened", p)
			if st, err := os.Stat(src); err == nil && st.IsDir() {
				os.RemoveAll(filepath.Join(dir, p))
				if err := os.CopyFS(filepath.Join(dir, p), os.DirFS(src)); err != nil {
					t.Fatal(err)
				}
				continue
			}
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, p), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []struct {
		name string
		fix  []string
	}{
		{"insecure", nil},
		{"cluster fixed", []string{"k8s"}},
		{"container fixed", []string{"Dockerfile", ".dockerignore"}},
		{"cloud fixed", []string{"terraform"}},
		{"code fixed", []string{"app"}},
	}
	var prev *Result
	for _, st := range steps {
		fix(st.fix...)
		res := scanTree(t, dir, false)
		r := Analyze(Input{Findings: res.Findings, Assets: res.Assets, RootName: "shop"}, Options{})
		t.Logf("%s: %s", st.name, r.Overall().Explanation)
		if prev != nil {
			if r.Overall().Score <= prev.Overall().Score {
				t.Errorf("%s: overall score %d did not rise from %d", st.name, r.Overall().Score, prev.Overall().Score)
			}
			for i := 1; i < len(r.Scores); i++ {
				if r.Scores[i].Score < prev.Scores[i].Score {
					t.Errorf("%s: %s fell from %d", st.name, r.Scores[i].Explanation, prev.Scores[i].Score)
				}
			}
			if len(r.Paths) > len(prev.Paths) {
				t.Errorf("%s: %d attack paths, up from %d", st.name, len(r.Paths), len(prev.Paths))
			}
		}
		prev = r
	}
	if len(prev.Paths) != 0 {
		t.Errorf("fully fixed tree still has attack paths:\n%s", renderPaths(prev.Paths))
	}
}

// TestScoresNeverFallWhenAFindingIsRemoved is the monotonicity property:
// on the real example, removing any one finding (and, for random subsets,
// several) never lowers any score.
func TestScoresNeverFallWhenAFindingIsRemoved(t *testing.T) {
	res := shopScan(t)
	base := Analyze(Input{Findings: res.Findings, Assets: res.Assets, RootName: "shop"}, Options{})
	check := func(what string, fs []finding.Finding, ref *Result) *Result {
		r := Analyze(Input{Findings: fs, Assets: res.Assets, RootName: "shop"}, Options{})
		for i := range r.Scores {
			if r.Scores[i].Score < ref.Scores[i].Score || r.Scores[i].Penalty > ref.Scores[i].Penalty {
				t.Errorf("without %s: %s (penalty %d) fell below %d (penalty %d)", what,
					r.Scores[i].Explanation, r.Scores[i].Penalty, ref.Scores[i].Score, ref.Scores[i].Penalty)
			}
		}
		return r
	}
	for i, f := range res.Findings {
		fs := slices.Delete(slices.Clone(res.Findings), i, i+1)
		check(fmt.Sprintf("%s on %s (%s)", f.CheckID, f.Resource, f.Fingerprint), fs, base)
	}
	// Remove findings one after another in a fixed pseudo-random order:
	// every prefix must score at least as well as the one before.
	order := slices.Clone(res.Findings)
	seed := uint32(2463534242)
	for i := len(order) - 1; i > 0; i-- {
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		j := int(seed % uint32(i+1))
		order[i], order[j] = order[j], order[i]
	}
	ref := base
	for len(order) > 0 {
		n := min(7, len(order))
		order = order[n:]
		ref = check(fmt.Sprintf("%d more findings", n), slices.Clone(order), ref)
	}
	// What is left are the paths that rest on configuration alone (a
	// privileged, exposed workload is dangerous with or without a finding
	// saying so; so is data on unencrypted disks).
	for _, p := range ref.Paths {
		if p.Rule != "FC-PATH-002" && p.Rule != "FC-PATH-003" && p.Rule != "FC-PATH-007" {
			t.Errorf("with every finding removed, %s is still found", p.ID)
		}
	}
}

// TestAnalyzeIsStable: the same input, in any order, gives the same
// result.
func TestAnalyzeIsStable(t *testing.T) {
	res := shopScan(t)
	a := Analyze(Input{Findings: res.Findings, Assets: res.Assets, RootName: "shop"}, Options{})
	fs := slices.Clone(res.Findings)
	slices.Reverse(fs)
	as := slices.Clone(res.Assets)
	slices.Reverse(as)
	b := Analyze(Input{Findings: fs, Assets: as, RootName: "shop"}, Options{})
	if diff := cmp.Diff(a, b, cmp.AllowUnexported(Graph{})); diff != "" {
		t.Errorf("results differ between runs (-first +second):\n%s", diff)
	}
	ja, _ := json.Marshal(a.Paths)
	jb, _ := json.Marshal(b.Paths)
	if !bytes.Equal(ja, jb) {
		t.Error("paths encode differently between runs")
	}
}
