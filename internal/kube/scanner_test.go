package kube

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/source"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	_ engine.Scanner = (*Scanner)(nil)
	_ engine.Grouper = (*Scanner)(nil)
)

func TestWants(t *testing.T) {
	s := NewScanner(Options{})
	tests := map[string]bool{
		"deploy.yaml":                      true,
		"k8s/app/service.YML":              true,
		"manifests/list.json":              true,
		"charts/web/templates/deploy.yaml": true, // decided in Scan, which can see Chart.yaml
		"base/kustomization.yaml":          true, // built in Scan
		"base/Kustomization":               true,
		"web/package.json":                 false,
		"web/node_modules/x/deploy.yaml":   false,
		"Dockerfile":                       false,
		"main.tf":                          false,
	}
	for p, want := range tests {
		if got := s.Wants(p); got != want {
			t.Errorf("Wants(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestUnit(t *testing.T) {
	s := NewScanner(Options{})
	tests := map[string]string{
		"deploy.yaml":            ".",
		"k8s/app/service.yaml":   "k8s",
		"k8s/db/statefulset.yml": "k8s",
		"other/x.yaml":           "other",
	}
	for p, want := range tests {
		if got := s.Unit(p); got != want {
			t.Errorf("Unit(%q) = %q, want %q", p, got, want)
		}
	}
}

const pod = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns}
spec:
  containers:
    - name: c
      image: nginx
`

func TestScanThroughEngine(t *testing.T) {
	fsys := fstest.MapFS{
		"app/pod.yaml":                       {Data: []byte(pod)},
		"app/values.json":                    {Data: []byte(`{"replicas": 3}`)},
		"app/broken.yaml":                    {Data: []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: [x]}\n")},
		"app/binary.yaml":                    {Data: []byte("apiVersion\x00\x01\x02")},
		"app/huge.yaml":                      {Data: []byte("apiVersion: v1\n" + strings.Repeat("#", source.MaxFileSize))},
		"charts/web/Chart.yaml":              {Data: []byte("apiVersion: v2\nname: web\nversion: 0.1.0\n")},
		"charts/web/values.yaml":             {Data: []byte("image: nginx\n")},
		"charts/web/templates/pod.yaml":      {Data: []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    - name: c\n      image: {{ .Values.image }}\n")},
		"charts/bad/Chart.yaml":              {Data: []byte("apiVersion: v2\nname: bad\nversion: 0.1.0\n")},
		"charts/bad/templates/pod.yaml":      {Data: []byte("{{ fail \"no\" }}\n")},
		"charts/web/crds/templates/crd.yaml": {Data: []byte("not: a template dir of a chart\n")},
		"other/templates/pod.yaml":           {Data: []byte(pod)}, // not a chart: scanned
		"base/kustomization.yaml":            {Data: []byte("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")},
	}
	res, err := engine.Run(context.Background(), fsys, []engine.Scanner{NewScanner(Options{})}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var skipped []string
	for _, s := range res.Skipped {
		skipped = append(skipped, s.Path+": "+s.Reason)
	}
	want := []string{
		"app/binary.yaml: binary file",
		`app/broken.yaml: document 1: Pod: decoding v1 Pod: json: cannot unmarshal array into Go struct field ObjectMeta.metadata.name of type string`,
		"app/huge.yaml: file too large (8388623 bytes, limit 8388608)",
		`charts/bad: rendering chart "charts/bad": execution error at (bad/templates/pod.yaml:1:3): no`,
	}
	if diff := cmp.Diff(want, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	files := map[string]bool{}
	for _, f := range res.Findings {
		files[f.Location.Path] = true
	}
	var got []string
	for f := range files {
		got = append(got, f)
	}
	slices.Sort(got)
	if diff := cmp.Diff([]string{"app/pod.yaml", "charts/web/templates/pod.yaml", "other/templates/pod.yaml"}, got); diff != "" {
		t.Errorf("files with findings (-want +got):\n%s", diff)
	}
}

// golden is the stable part of a finding, for golden files.
type golden struct {
	CheckID  string `json:"check_id"`
	Severity string `json:"severity"`
	Resource string `json:"resource"`
	Location string `json:"location"`
	Message  string `json:"message"`
}

func TestGoldenInsecureStack(t *testing.T) {
	const in, out = "testdata/golden/insecure.yaml", "testdata/golden/insecure.json"
	fs := evaluateFile(t, NewScanner(Options{}), in)
	got := make([]golden, len(fs))
	for i, f := range fs {
		got[i] = golden{f.CheckID, f.Severity.String(), f.Resource.String(), f.Location.String(), f.Message}
	}
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	if *update {
		if err := os.WriteFile(out, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(data)); diff != "" {
		t.Errorf("findings differ from %s (-want +got):\n%s", out, diff)
	}
	for _, f := range fs {
		if strings.Contains(f.Message, "s3cr3t") {
			t.Errorf("finding leaks a secret value: %s", f.Message)
		}
		if f.Fingerprint == "" {
			t.Errorf("finding without fingerprint: %v", f)
		}
	}
	if !finding.AtLeast(fs, finding.SeverityCritical) {
		t.Error("the insecure stack has no CRITICAL finding")
	}
}

// TestFindingLines pins findings on the second container to that
// container's lines, for every kind of workload.
func TestFindingLines(t *testing.T) {
	const containers = `
        - name: good
          image: registry.example.com/good:1@sha256:0000000000000000000000000000000000000000000000000000000000000000
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
        - name: bad
          image: registry.example.com/bad:1@sha256:0000000000000000000000000000000000000000000000000000000000000000
          securityContext:
            privileged: true
`
	tests := []struct {
		name, head string
		indent     int
	}{
		{"Deployment", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:", 0},
		{"Pod", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n      containers:", 0},
		{"CronJob", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := containers
			if tt.indent > 0 {
				body = strings.ReplaceAll(containers, "\n        ", "\n"+strings.Repeat(" ", 8+tt.indent))
			}
			src := tt.head + body
			base := strings.Count(tt.head, "\n") + 1 // line of "containers:"
			objs, skipped := Load("w.yaml", []byte(src))
			if len(skipped) > 0 || len(objs) != 1 {
				t.Fatalf("loaded %d objects, skipped %v", len(objs), skipped)
			}
			fs := NewScanner(Options{}).Evaluate(NewSet(objs))
			want := map[string]int{
				"FC-K8S-101": base + 9, // privileged: true of container "bad"
				"FC-K8S-121": base + 8, // securityContext of "bad": allowPrivilegeEscalation unset
				"FC-K8S-005": base + 8,
			}
			got := map[string]int{}
			for _, f := range fs {
				if _, ok := want[f.CheckID]; ok {
					if strings.Contains(f.Message, `"good"`) {
						t.Errorf("%s blames the good container: %s", f.CheckID, f.Message)
					}
					got[f.CheckID] = f.Location.StartLine
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s\n%s", diff, src)
			}
		})
	}
}

func TestSetSkipsPartialAndControlledWorkloads(t *testing.T) {
	src := `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 5
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: api-5d9c
  namespace: shop
  ownerReferences:
    - {apiVersion: apps/v1, kind: Deployment, name: api, uid: "1", controller: true}
spec:
  template:
    spec:
      containers: [{name: api, image: api}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: shop}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: once, image: once}]
`
	objs, skipped := Load("s.yaml", []byte(src))
	if len(skipped) > 0 || len(objs) != 3 {
		t.Fatalf("loaded %d objects, skipped %v", len(objs), skipped)
	}
	set := NewSet(objs)
	var got []string
	for _, w := range set.Workloads {
		got = append(got, w.Resource().String())
	}
	if diff := cmp.Diff([]string{"Job/shop/once"}, got); diff != "" {
		t.Errorf("workloads (-want +got):\n%s", diff)
	}
	ns := set.Namespace("shop")
	if ns == nil || len(ns.Workloads) != 1 || ns.Object != nil {
		t.Errorf("namespace view %+v", ns)
	}
}

func TestUntrustedNamespaceLabelOption(t *testing.T) {
	src := `apiVersion: v1
kind: Namespace
metadata:
  name: tenants
  labels: {example.com/sandbox: "true"}
---
apiVersion: v1
kind: Pod
metadata: {name: job, namespace: tenants}
spec:
  containers: [{name: c, image: c}]
`
	tests := []struct {
		label string
		want  bool
	}{
		{"", false}, // default label fourc.dev/untrusted is not set
		{"example.com/sandbox", true},
		{"example.com/sandbox=true", true}, // the README's form: key=value
		{"example.com/sandbox=yes", false},
	}
	for _, tt := range tests {
		objs, _ := Load("ns.yaml", []byte(src))
		got := false
		for _, f := range NewScanner(Options{UntrustedNamespaceLabel: tt.label}).Evaluate(NewSet(objs)) {
			if f.CheckID == "FC-K8S-015" {
				got = true
				if f.Location.StartLine != 10 {
					t.Errorf("FC-K8S-015 at line %d, want 10 (spec)", f.Location.StartLine)
				}
			}
		}
		if got != tt.want {
			t.Errorf("label %q: FC-K8S-015 reported = %v, want %v", tt.label, got, tt.want)
		}
	}
}
