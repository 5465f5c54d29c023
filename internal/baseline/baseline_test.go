package baseline_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/baseline"
	"github.com/fourc-dev/fourc/internal/dockerfile"
	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/report"
	"github.com/fourc-dev/fourc/internal/secret"
)

const (
	dockerfileV1 = `FROM ubuntu:22.04
ENV API_TOKEN=Sup3rS3cretTok3nValue
RUN curl -fsSL https://example.com/install.sh | sh
COPY . /app
`
	deploymentV1 = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/shop/api:1.0
          securityContext:
            privileged: true
`
	configV1 = `package config

const awsKey = "AKIAQ3EGRJ7KZ5WXTM4P"
`
)

// scan runs the real scanners over an in-memory tree.
func scan(t *testing.T, files map[string]string) []finding.Finding {
	t.Helper()
	fsys := fstest.MapFS{}
	for p, c := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(c)}
	}
	sec, err := secret.NewScanner(secret.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), fsys, []engine.Scanner{
		sec, dockerfile.NewScanner(dockerfile.Options{}), kube.NewScanner(kube.Options{}),
	}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) > 0 {
		t.Fatalf("skipped: %v", res.Skipped)
	}
	return res.Findings
}

// roundTrip writes findings as a fourc JSON report and reads it back as a
// baseline, as `--baseline previous.json` does.
func roundTrip(t *testing.T, fs []finding.Finding) *baseline.Baseline {
	t.Helper()
	var buf bytes.Buffer
	err := report.WriteJSON(&buf, &report.Report{Tool: "fourc", Target: ".", GeneratedAt: time.Unix(0, 0), Findings: fs})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "previous.json")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := baseline.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// shift puts n comment lines at the top of a file.
func shift(s string, n int, comment string) string {
	return strings.Repeat(comment+" moved\n", n) + s
}

func lines(fs []finding.Finding) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		out[f.Fingerprint] = f.Location.StartLine
	}
	return out
}

func statuses(d baseline.Diff) []string {
	var out []string
	for _, f := range d.New {
		out = append(out, "new "+f.CheckID+" "+f.Resource.String())
	}
	for _, f := range d.Fixed {
		out = append(out, "fixed "+f.CheckID+" "+f.Resource.String())
	}
	slices.Sort(out)
	return out
}

// TestLineShift: moving every finding down by a few lines changes no
// finding's identity; a real change shows as exactly the new and fixed
// findings it makes.
func TestLineShift(t *testing.T) {
	v1 := map[string]string{"Dockerfile": dockerfileV1, "k8s/deploy.yaml": deploymentV1, "app/config.go": configV1}
	before := scan(t, v1)
	if len(before) < 5 {
		t.Fatalf("only %d findings in the first scan; the fixture lost its problems", len(before))
	}
	base := roundTrip(t, before)

	shifted := map[string]string{
		"Dockerfile":      shift(dockerfileV1, 4, "#"),
		"k8s/deploy.yaml": shift(deploymentV1, 3, "#"),
		"app/config.go":   shift(configV1, 6, "//"),
	}
	after := scan(t, shifted)
	moved := 0
	lb, la := lines(before), lines(after)
	for fp, l := range lb {
		if la[fp] != 0 && la[fp] != l {
			moved++
		}
	}
	if moved == 0 {
		t.Fatal("no finding moved to another line; the test would prove nothing")
	}
	d := baseline.Compare(base, after)
	if len(d.New) != 0 || len(d.Fixed) != 0 || len(d.Unchanged) != len(after) {
		t.Errorf("after a line shift: %s; new %v, fixed %v", d.Summary(), statuses(d), statuses(d))
	}
	for _, f := range after {
		if s := d.StatusOf(f); s != baseline.Unchanged {
			t.Errorf("%s on %s: status %q, want unchanged", f.CheckID, f.Resource, s)
		}
	}

	// Now a real change on top of the shift: the Deployment is no longer
	// privileged, and the Dockerfile downloads a tool without a checksum.
	changed := map[string]string{
		"Dockerfile":      shift(dockerfileV1, 4, "#") + "ADD https://example.com/tool.tgz /opt/tool.tgz\n",
		"k8s/deploy.yaml": shift(strings.Replace(deploymentV1, "privileged: true", "privileged: false", 1), 3, "#"),
		"app/config.go":   shift(configV1, 6, "//"),
	}
	after = scan(t, changed)
	d = baseline.Compare(base, after)
	want := []string{
		"fixed FC-K8S-101 Deployment/shop/api",
		"new FC-DF-007 Dockerfile/Dockerfile",
	}
	if diff := cmp.Diff(want, statuses(d)); diff != "" {
		t.Errorf("new and fixed (-want +got):\n%s", diff)
	}
	if !d.NewAtLeast(finding.SeverityMedium) || d.NewAtLeast(finding.SeverityHigh) {
		t.Errorf("NewAtLeast: the new finding is MEDIUM; got medium=%v high=%v", d.NewAtLeast(finding.SeverityMedium), d.NewAtLeast(finding.SeverityHigh))
	}
}

func TestCompareDuplicatesAndMessages(t *testing.T) {
	f := func(fp, msg string) finding.Finding {
		return finding.Finding{CheckID: "FC-DF-010", Fingerprint: fp, Message: msg, Resource: finding.Resource{Kind: "Dockerfile", Name: "Dockerfile"}}
	}
	prev := &baseline.Baseline{Findings: []finding.Finding{f("a", "no cleanup"), f("a", "no --no-install-recommends"), f("b", "line 3: x")}}
	cur := []finding.Finding{f("a", "no --no-install-recommends"), f("b", "line 9: x"), f("c", "new one")}
	d := baseline.Compare(prev, cur)
	got := map[string][]string{}
	for _, x := range d.New {
		got["new"] = append(got["new"], x.Message)
	}
	for _, x := range d.Unchanged {
		got["unchanged"] = append(got["unchanged"], x.Message)
	}
	for _, x := range d.Fixed {
		got["fixed"] = append(got["fixed"], x.Message)
	}
	want := map[string][]string{
		"new":       {"new one"},
		"unchanged": {"no --no-install-recommends", "line 9: x"},
		"fixed":     {"no cleanup"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if d := baseline.Compare(nil, cur); len(d.New) != 3 {
		t.Errorf("without a baseline everything is new; got %s", d.Summary())
	}
}

func TestParse(t *testing.T) {
	tests := []struct{ in, err string }{
		{`{"schema_version": "1", "findings": [], "suppressed": [{"finding": {"check_id": "FC-X-001", "fingerprint": "f"}, "by": "x"}]}`, ""},
		{`{"findings": []}`, "no schema_version"},
		{`{"schema_version": "2", "findings": []}`, `schema_version "2" is not supported`},
		{`{"version": 2.1.0`, "not a fourc JSON report"},
		{`[]`, "not a fourc JSON report"},
		{`{"schema_version": "1", "findings": [{"severity": "EXTREME"}]}`, "not a fourc JSON report"},
	}
	for _, tc := range tests {
		b, err := baseline.Parse([]byte(tc.in))
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("Parse(%s): %v", tc.in, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Parse(%s) = %v, want error containing %q", tc.in, err, tc.err)
		case tc.err == "" && len(b.Findings) != 1:
			t.Errorf("Parse(%s): suppressed findings are part of the baseline; got %v", tc.in, b.Findings)
		}
	}
	if _, err := baseline.Load(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "reading baseline") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"schema_version": "1", "findings": [{"check_id": "FC-K8S-001", "fingerprint": "x", "severity": "HIGH", "layer": "Cluster"}]}`))
	f.Add([]byte(`{"schema_version": "1"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := baseline.Parse(data)
		if err != nil {
			return
		}
		d := baseline.Compare(b, b.Findings)
		if len(d.New) != 0 || len(d.Fixed) != 0 {
			t.Fatalf("a baseline compared with itself: %s", d.Summary())
		}
	})
}
