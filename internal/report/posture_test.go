package report

import (
	"bytes"
	"encoding/json"
	"github.com/google/go-cmp/cmp"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/baseline"
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/posture"
)

// testAssets is the system behind the representative report: the
// Deployment shop/api runs an image built by the root Dockerfile (which
// copies the whole tree), is exposed by a LoadBalancer, runs privileged as
// a service account that can read secrets, in a namespace without Pod
// Security enforcement or NetworkPolicy.
func testAssets() []finding.Asset {
	return []finding.Asset{
		{ID: "workload:shop/Deployment/api", Kind: "workload", Name: "shop/api", Layer: finding.LayerCluster,
			Resource: finding.Resource{Kind: "Deployment", Name: "shop/api"},
			Attrs:    map[string]string{"namespace": "shop", "kind": "Deployment", "privileged": "true", "token": "true", "serviceAccount": "api"},
			Edges: []finding.Edge{{Rel: "runs", To: "image:registry.example.com/shop/api:1.4"}, {Rel: "uses", To: "serviceaccount:shop/api"},
				{Rel: "in", To: "namespace:shop"}}},
		{ID: "image:registry.example.com/shop/api:1.4", Kind: "image", Name: "registry.example.com/shop/api:1.4", Layer: finding.LayerContainer,
			Resource: finding.Resource{Kind: "image", Name: "registry.example.com/shop/api:1.4"}},
		{ID: "service:shop/api", Kind: "service", Name: "shop/api", Layer: finding.LayerCluster,
			Resource: finding.Resource{Kind: "Service", Name: "shop/api"},
			Attrs:    map[string]string{"namespace": "shop", "type": "LoadBalancer", "exposure": "internet", "ports": "443"},
			Edges:    []finding.Edge{{Rel: "exposes", To: "workload:shop/Deployment/api"}, {Rel: "in", To: "namespace:shop"}}},
		{ID: "serviceaccount:shop/api", Kind: "serviceaccount", Name: "shop/api", Layer: finding.LayerCluster,
			Resource: finding.Resource{Kind: "ServiceAccount", Name: "shop/api"},
			Attrs:    map[string]string{"namespace": "shop", "declared": "true", "readSecrets": "true", "clusterAdmin": "false", "via": `RoleBinding "shop/api-reader" → Role "reader"`}},
		{ID: "namespace:shop", Kind: "namespace", Name: "shop", Layer: finding.LayerCluster,
			Resource: finding.Resource{Kind: "Namespace", Name: "shop"}, Attrs: map[string]string{"declared": "true", "psaEnforce": ""}},
		{ID: "dockerfile:Dockerfile", Kind: "dockerfile", Name: "Dockerfile", Layer: finding.LayerContainer,
			Resource: finding.Resource{Kind: "Dockerfile", Name: "Dockerfile"}, Location: finding.Location{Path: "Dockerfile"},
			Attrs: map[string]string{"context": ".", "copies": "."}},
	}
}

// testPostureReport is the representative report with a posture analysis
// and a baseline comparison: the baseline lacked the S3 logging finding
// (new) and had a finding this scan no longer reports (fixed).
func testPostureReport() *Report {
	r := testReport()
	r.Environment = testEnvironment
	r.Files = testFiles()
	r.Posture = posture.Analyze(posture.Input{Findings: r.Findings, Assets: testAssets(), RootName: "shop"}, posture.Options{})
	var prev []finding.Finding
	for _, f := range r.Findings {
		if f.CheckID != metaS3Logging.ID {
			prev = append(prev, f)
		}
	}
	prev = append(prev, metaAutomount.Finding(
		finding.Resource{Kind: "Deployment", Name: "shop/worker"},
		finding.Location{Path: "deploy/worker.yaml", StartLine: 17},
		check.Violation{Message: "pods of Deployment \"shop/worker\" mount the service account token"}))
	d := baseline.Compare(&baseline.Baseline{Findings: prev}, r.Findings)
	r.Baseline = &d
	r.BaselinePath = "main.json"
	posture.SortByPriority(r.Findings, r.Posture)
	return r
}

func TestPostureReportFixture(t *testing.T) {
	r := testPostureReport()
	if len(r.Posture.Paths) < 3 {
		t.Fatalf("the fixture finds %d attack paths, want at least 3", len(r.Posture.Paths))
	}
	if len(r.Baseline.New) != 1 || len(r.Baseline.Fixed) != 1 {
		t.Fatalf("baseline: %s, want 1 new and 1 fixed", r.Baseline.Summary())
	}
}

func TestGoldenPosture(t *testing.T) {
	tests := []struct {
		format string
		opts   Options
		golden string
	}{
		{"table", Options{}, "posture.txt"},
		{"table", Options{Color: true}, "posture.color.txt"},
		{"table", Options{Width: 80}, "posture.80.txt"},
		{"table", Options{Width: 160}, "posture.160.txt"},
		{"table", Options{Detail: true}, "posture.detail.txt"},
		{"table", Options{Detail: true, Color: true}, "posture.detail.color.txt"},
		{"json", Options{}, "posture.json"},
		{"sarif", Options{}, "posture.sarif"},
		{"markdown", Options{}, "posture.md"},
		{"html", Options{}, "posture.html"},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got := render(t, tt.format, tt.opts, testPostureReport())
			checkGolden(t, tt.golden, got)
			if again := render(t, tt.format, tt.opts, testPostureReport()); !bytes.Equal(got, again) {
				t.Errorf("%s output is not deterministic", tt.format)
			}
		})
	}
	// Without posture and baseline, HTML still renders every finding.
	checkGolden(t, "report.html", render(t, "html", Options{}, testReport()))
}

// TestJSONPostureValidatesAgainstSchema: the posture and baseline members
// are documented by the schema, field for field.
func TestJSONPostureValidatesAgainstSchema(t *testing.T) {
	open, closed := compileReportSchema(t, false), compileReportSchema(t, true)
	doc := decodeJSON(t, render(t, "json", Options{}, testPostureReport()))
	if err := open.Validate(doc); err != nil {
		t.Error(err)
	}
	if err := closed.Validate(doc); err != nil {
		t.Errorf("output has a field the schema does not document: %v", err)
	}
	top := doc.(map[string]any)
	for _, k := range []string{"environment", "posture", "baseline"} {
		if _, ok := top[k]; !ok {
			t.Errorf("no %q member", k)
		}
	}
	f0 := top["findings"].([]any)[0].(map[string]any)
	if f0["priority"] != "P1" || f0["priority_reason"] == "" || f0["baseline"] != "unchanged" {
		t.Errorf("first finding: priority %v (%v), baseline %v", f0["priority"], f0["priority_reason"], f0["baseline"])
	}
	// The posture members are required once posture is there.
	for _, p := range []string{"/posture/scores", "/posture/attack_paths", "/posture/attack_paths/0/steps",
		"/posture/workloads/0/layers", "/posture/graph/nodes", "/baseline/fixed_findings", "/baseline/new"} {
		d := decodeJSON(t, render(t, "json", Options{}, testPostureReport()))
		if !deletePointer(d, p) {
			t.Errorf("%s: not in the output", p)
			continue
		}
		if err := open.Validate(d); err == nil {
			t.Errorf("output without %s still validates", p)
		}
	}
}

// TestJSONPostureRoundTrip: a reader that knows only the plain finding
// type still decodes the findings of a posture report.
func TestJSONPostureRoundTrip(t *testing.T) {
	r := testPostureReport()
	var doc jsonReport
	if err := json.Unmarshal(render(t, "json", Options{}, r), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != len(r.Findings) || doc.Findings[0].Fingerprint != r.Findings[0].Fingerprint {
		t.Errorf("findings do not round-trip: %d vs %d", len(doc.Findings), len(r.Findings))
	}
	if doc.Posture == nil || len(doc.Posture.AttackPaths) != len(r.Posture.Paths) || doc.Baseline == nil || doc.Baseline.Fixed != 1 {
		t.Errorf("posture or baseline lost: %+v %+v", doc.Posture, doc.Baseline)
	}
}

func TestTablePosture(t *testing.T) {
	out := string(render(t, "table", Options{}, testPostureReport()))
	for _, want := range []string{
		"posture score ",
		"baseline main.json: 1 new, 1 fixed, 10 unchanged",
		"Attack paths  ",
		"FC-PATH-001",
		"Defence in depth",
		"shop/api (Deployment, exposed to the internet)",
		"[new]",
		"Fixed since the baseline  1 finding",
		"\nSummary\n  Code       1 critical · 1 high · 1 medium · 1 low · score 29\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table output lacks %q", want)
		}
	}
	// One line per finding, P1 of every layer before P2 of any.
	list := out[strings.Index(out, "\nFindings  "):strings.Index(out, "\nSummary\n")]
	var prios []string
	for _, l := range strings.Split(strings.TrimSpace(list), "\n")[1:] {
		prios = append(prios, strings.Fields(l)[1])
	}
	if diff := cmp.Diff([]string{"P1", "P1", "P1", "P1", "P1", "P2", "P2", "P3", "P4"}, prios); diff != "" {
		t.Errorf("priorities of the finding list (-want +got):\n%s\n%s", diff, list)
	}
	if strings.Contains(out, "why P1: ") {
		t.Error("the default table has priority reasons; they belong to --detail")
	}

	// --detail: findings grouped by layer as full blocks, P1 before P4
	// within one.
	out = string(render(t, "table", Options{Detail: true}, testPostureReport()))
	for _, want := range []string{"why P1: ", "[new]", "fix: "} {
		if !strings.Contains(out, want) {
			t.Errorf("detailed table output lacks %q", want)
		}
	}
	code := out[strings.Index(out, "\nCode  "):strings.Index(out, "\nContainer  ")]
	if !strings.Contains(code, "P1") {
		t.Errorf("Code layer section:\n%s", code)
	}
}

func TestSARIFPosture(t *testing.T) {
	var log struct {
		Runs []struct {
			Properties map[string]any `json:"properties"`
			Results    []struct {
				Suppressions  []any          `json:"suppressions"`
				BaselineState string         `json:"baselineState"`
				Rank          float64        `json:"rank"`
				Properties    map[string]any `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, "sarif", Options{}, testPostureReport()), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if run.Properties["fourc/attack_paths"] == nil || run.Properties["fourc/scores"] == nil {
		t.Errorf("run properties = %v", run.Properties)
	}
	states := map[string]int{}
	for _, res := range run.Results {
		if len(res.Suppressions) > 0 {
			continue // a suppressed finding has no priority
		}
		states[res.BaselineState]++
		if res.Properties["priority"] == nil || res.Rank <= 0 {
			t.Errorf("result without priority or rank: %+v", res)
		}
	}
	if states["new"] != 1 || states["unchanged"] != 10 {
		t.Errorf("baseline states = %v", states)
	}
}

// testEnvironment is what a live scan of a kubeadm cluster learns.
var testEnvironment = finding.Environment{
	Platform:          "kubeadm",
	PlatformEvidence:  "node label node-role.kubernetes.io/control-plane on node cp-1",
	KubernetesVersion: "v1.37.2",
	Benchmark:         "CIS Kubernetes Benchmark v2.0.1",
}

// TestEnvironmentInEveryFormat: every format names the platform, the
// Kubernetes version and the benchmark when the scan learned them, and
// none mentions an environment it did not learn.
func TestEnvironmentInEveryFormat(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			r := testReport()
			r.Environment = testEnvironment
			out := string(render(t, format, Options{}, r))
			for _, want := range []string{"kubeadm", "node-role.kubernetes.io/control-plane", "v1.37.2", "CIS Kubernetes Benchmark v2.0.1"} {
				if !strings.Contains(out, want) {
					t.Errorf("%s output lacks %q", format, want)
				}
			}
			if without := string(render(t, format, Options{}, testReport())); strings.Contains(without, "CIS Kubernetes Benchmark") {
				t.Errorf("%s output names a benchmark the scan did not use", format)
			}
		})
	}
	var log struct {
		Runs []struct {
			Properties map[string]finding.Environment `json:"properties"`
		} `json:"runs"`
	}
	r := testReport()
	r.Environment = testEnvironment
	if err := json.Unmarshal(render(t, "sarif", Options{}, r), &log); err != nil {
		t.Fatal(err)
	}
	if got := log.Runs[0].Properties["fourc/environment"]; got != testEnvironment {
		t.Errorf("sarif run property fourc/environment = %+v", got)
	}
}
