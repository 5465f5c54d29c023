package vuln

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/vex"
)

var update = flag.Bool("update", false, "rewrite golden files")

func newScanner(t testing.TB, opts Options) *Scanner {
	t.Helper()
	if opts.DB == nil {
		opts.DB = realDB(t)
	}
	s, err := NewScanner(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func scanDir(t testing.TB, s *Scanner, dir string) *engine.Result {
	t.Helper()
	res, err := engine.Run(context.Background(), os.DirFS(dir), []engine.Scanner{s}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestChecksRegistry(t *testing.T) {
	if _, err := check.NewRegistry(Checks()); err != nil {
		t.Fatal(err)
	}
}

// TestCheckFixtures runs every check over its pass and fail fixtures.
func TestCheckFixtures(t *testing.T) {
	s := newScanner(t, Options{})
	checktest.Fixtures(t, Checks(), "testdata/checks", func(t *testing.T, dir string) ([]finding.Finding, []finding.Skipped) {
		res := scanDir(t, s, dir)
		return res.Findings, res.Skipped
	})
}

func TestScanGolden(t *testing.T) {
	s := newScanner(t, Options{})
	res := scanDir(t, s, filepath.Join("testdata", "project"))
	if len(res.Skipped) > 0 {
		t.Errorf("skipped: %v", res.Skipped)
	}
	got, err := json.MarshalIndent(res.Findings, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "project.golden.json")
	if *update {
		os.WriteFile(golden, got, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("findings differ from %s (-want +got; rerun with -update):\n%s", golden, diff)
	}
	// Spot checks the golden file must keep satisfying.
	var netVuln *finding.Finding
	for i, f := range res.Findings {
		if f.Resource.Name == "golang.org/x/net@v0.16.0" && strings.Contains(f.Message, "GO-2023-2102") {
			netVuln = &res.Findings[i]
		}
	}
	if netVuln == nil {
		t.Fatal("no GO-2023-2102 finding for golang.org/x/net@v0.16.0")
	}
	want2 := finding.Location{Path: "go.mod", StartLine: 6}
	if netVuln.Location != want2 || netVuln.Resource.Kind != "go-module" || netVuln.Severity != finding.SeverityUnknown ||
		!strings.Contains(netVuln.Message, "CVE-2023-39325") || !strings.Contains(netVuln.Message, "fixed in v0.17.0") {
		t.Errorf("GO-2023-2102 finding = %+v", *netVuln)
	}
	stdlib := slices.ContainsFunc(res.Findings, func(f finding.Finding) bool { return f.Resource.Name == "stdlib@v1.22.1" && f.Location.StartLine == 3 })
	if !stdlib {
		t.Error("no finding for the Go standard library from the go directive")
	}
}

const openVEX = `{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/1",
  "author": "security@example.com",
  "timestamp": "2026-11-01T00:00:00Z",
  "version": 1,
  "statements": [
    {
      "vulnerability": {"name": "CVE-2023-39325"},
      "products": [{"@id": "pkg:golang/golang.org/x/net"}],
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path",
      "impact_statement": "we never serve HTTP/2"
    }
  ]
}`

func TestVEXSuppresses(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "vex.json")
	if err := os.WriteFile(doc, []byte(openVEX), 0o600); err != nil {
		t.Fatal(err)
	}
	stmts, err := vex.Load(doc)
	if err != nil {
		t.Fatal(err)
	}
	s := newScanner(t, Options{VEX: stmts})
	res := scanDir(t, s, filepath.Join("testdata", "project"))
	for _, f := range res.Findings {
		if strings.Contains(f.Message, "GO-2023-2102") && strings.HasPrefix(f.Resource.Name, "golang.org/x/net@") {
			t.Errorf("VEX-suppressed finding reported: %s", f.Message)
		}
	}
	sup := s.Suppressed()
	if len(sup) != 1 || sup[0].By != "VEX" || sup[0].Reason != "not_affected: vulnerable_code_not_in_execute_path: we never serve HTTP/2" ||
		!strings.Contains(sup[0].Finding.Message, "GO-2023-2102") {
		t.Errorf("suppressed = %+v", sup)
	}
}

// goModDownload fetches a fixture module's dependencies into the module
// cache (through the module proxy when missing).
func goModDownload(t testing.TB, dir string) {
	t.Helper()
	cmd := exec.Command("go", "mod", "download")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod download in %s: %v\n%s", dir, err, out)
	}
}

func TestReachability(t *testing.T) {
	app, err := filepath.Abs(filepath.Join("testdata", "reach"))
	if err != nil {
		t.Fatal(err)
	}
	goModDownload(t, filepath.Join(app, "app"))

	// A module that cannot build offline: its dependency is nowhere.
	broken := t.TempDir()
	os.WriteFile(filepath.Join(broken, "go.mod"), []byte("module example.com/broken\n\ngo 1.21\n\nrequire golang.org/x/net v0.16.0\nrequire example.invalid/nothere v1.0.0\n"), 0o644)
	os.WriteFile(filepath.Join(broken, "main.go"), []byte("package main\n\nimport _ \"example.invalid/nothere\"\n\nfunc main() {}\n"), 0o644)

	reach := func(s *Scanner, root string) map[string]string {
		res := scanDir(t, s, root)
		var progress []string
		fs := s.AnalyseReachability(context.Background(), res.Findings, func(mod string, done, total int) {
			progress = append(progress, fmt.Sprintf("%s %d/%d", mod, done, total))
		})
		if !slices.Equal(progress, []string{"app/go.mod 0/1", " 1/1"}) && !slices.Equal(progress, []string{"go.mod 0/1", " 1/1"}) {
			t.Errorf("progress %q, want the module then done", progress)
		}
		out := map[string]string{}
		for _, f := range fs {
			if !strings.HasPrefix(f.Resource.Name, "golang.org/x/net@") {
				continue
			}
			id := strings.Fields(strings.SplitN(f.Message, " is affected by ", 2)[1])[0]
			_, level, _ := strings.Cut(f.Message, "; reachability: ")
			out[id] = level
		}
		return out
	}

	s := newScanner(t, Options{Root: app, Reachability: true, Offline: true})
	got := reach(s, app)
	if got["GO-2023-2102"] != "called" {
		t.Errorf("GO-2023-2102 reachability = %q, want called (all: %v)", got["GO-2023-2102"], got)
	}
	levels := map[string]int{}
	for _, l := range got {
		levels[l]++
	}
	if levels["required"] == 0 {
		t.Errorf("no x/net vulnerability is merely required: %v", got)
	}
	if n := len(s.Notices()); n != 0 {
		t.Errorf("notices: %v", s.Notices())
	}

	// ReachableOnly hides what is not called and says so.
	only := newScanner(t, Options{ReachableOnly: true})
	vs := []Vulnerability{
		{ID: "GO-1", Reachability: ReachabilityCalled},
		{ID: "GO-2", Reachability: ReachabilityImported},
		{ID: "GO-3", Reachability: ReachabilityRequired},
		{ID: "GO-4", Reachability: ReachabilityUnknown},
		{ID: "GO-5"},
	}
	var kept []string
	for _, f := range only.report(vs) {
		kept = append(kept, f.Fingerprint)
	}
	var hidden []string
	for _, sp := range only.Suppressed() {
		hidden = append(hidden, sp.By+" "+sp.Reason)
	}
	if len(kept) != 3 || !slices.Equal(hidden, []string{"reachable-only govulncheck: imported", "reachable-only govulncheck: required"}) {
		t.Errorf("ReachableOnly kept %d, hid %v; want 3 kept, imported and required hidden", len(kept), hidden)
	}

	// When govulncheck cannot run, findings stay, marked unknown, with a notice.
	bs := newScanner(t, Options{Root: broken, Reachability: true, Offline: true, ReachableOnly: true})
	bgot := reach(bs, broken)
	if len(bgot) == 0 || bgot["GO-2023-2102"] != "unknown" {
		t.Errorf("broken module: reachability %v, want GO-2023-2102 unknown and kept", bgot)
	}
	if n := bs.Notices(); len(n) != 1 || !strings.Contains(n[0], "go.mod") {
		t.Errorf("notices = %v, want one naming go.mod", n)
	}
}
