package kube

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/render"
)

// TestRendered scans the render package's fixtures, a Helm chart and a
// Kustomize overlay whose patch makes its base's container privileged:
// findings point at the chart's templates and at the base's resource
// file, and nothing is reported twice or from the raw templates and patch.
func TestRendered(t *testing.T) {
	res, err := engine.Run(context.Background(), os.DirFS("../render/testdata"), []engine.Scanner{NewScanner(Options{})}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped: %v", res.Skipped)
	}
	got := map[string]string{}
	seen := map[string]int{}
	for _, f := range res.Findings {
		key := f.CheckID + " " + f.Resource.String()
		got[key] = f.Location.String()
		seen[key]++
		if seen[key] > 1 {
			t.Errorf("%s reported %d times", key, seen[key])
		}
		if strings.HasPrefix(f.Location.Path, "kustomize/overlay/") {
			t.Errorf("finding from the patch file: %s %s", f.CheckID, f.Location)
		}
	}
	want := map[string]string{
		// Helm: the template's line of the field.
		"FC-K8S-102 Deployment/release-web": "chart/templates/deployment.yaml:18", // hostNetwork
		"FC-K8S-009 Deployment/release-web": "chart/templates/deployment.yaml:22", // image
		"FC-NET-001 Service/release-web":    "chart/templates/service.yaml:6",     // type: LoadBalancer
		// Kustomize: the overlay's patch, reported in the base's file.
		"FC-K8S-101 Deployment/shop/prod-api": "kustomize/base/deployment.yaml:19", // privileged, under securityContext
		"FC-K8S-009 Deployment/shop/prod-api": "kustomize/base/deployment.yaml:18",
		"FC-NET-002 Namespace/shop":           "kustomize/base/deployment.yaml:3",
	}
	for k, loc := range want {
		if got[k] != loc {
			t.Errorf("%s at %q, want %q", k, got[k], loc)
		}
	}
}

func TestKustomizeFailure(t *testing.T) {
	// A kustomization that fails to build gives one skipped entry naming
	// its directory; its patch is not read as a manifest of its own.
	fsys := fstest.MapFS{
		"k/kustomization.yaml": {Data: []byte("resources: [missing.yaml]\npatches: [{path: patch.yaml}]\n")},
		"k/patch.yaml":         {Data: []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostNetwork: true}\n")},
	}
	res, err := engine.Run(context.Background(), fsys, []engine.Scanner{NewScanner(Options{})}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 {
		t.Errorf("findings from a kustomization that failed: %v", res.Findings)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Path != "k" {
		t.Errorf("skipped = %v, want one entry for k", res.Skipped)
	}
}

func TestAlignTemplate(t *testing.T) {
	tmpl := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"x\" . | nindent 4 }}\nspec:\n  {{- if .Values.h }}\n  hostPID: true\n  {{- end }}\n  containers:\n    - name: c\n"
	rendered := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: r\n  labels:\n    name: x\nspec:\n  hostPID: true\n  containers:\n    - name: c\n"
	got := alignTemplate([]byte(rendered), []byte(tmpl))
	// The helper's label (rendered line 6) has no template line.
	want := map[int]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 7: 7, 8: 9, 9: 11, 10: 12}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alignTemplate (-want +got):\n%s", diff)
	}
}

func FuzzAlignTemplate(f *testing.F) {
	f.Add([]byte("a: 1\nb:\n  - c: d\n"), []byte("a: {{ x }}\nb:\n  - c: d\n"))
	f.Fuzz(func(t *testing.T, rendered, tmpl []byte) {
		nt := bytes.Count(tmpl, []byte("\n")) + 1
		for r, l := range alignTemplate(rendered, tmpl) {
			if l < 1 || l > nt || r < 1 {
				t.Fatalf("line %d → %d outside the template (%d lines)", r, l, nt)
			}
		}
	})
}

func FuzzOriginLines(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: q}\n"), "Pod", "x-q")
	f.Fuzz(func(t *testing.T, data []byte, kind, name string) {
		l, doc := originLines(data, kind, name)
		n := bytes.Count(data, []byte("\n")) + 1
		if doc < 0 || l.First() < 0 || l.First() > n {
			t.Fatalf("doc %d, first line %d of %d", doc, l.First(), n)
		}
	})
}

func TestKustomizeRemote(t *testing.T) {
	// A URL in a comment changes nothing, a remote resource is one
	// skipped entry naming the kustomization and the URL, and the local
	// privileged pod is still found.
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx, securityContext: {privileged: true}}]\n"
	fsys := fstest.MapFS{
		"k/kustomization.yaml": {Data: []byte("# Licensed under the Apache License, http://www.apache.org/licenses/LICENSE-2.0\n" +
			"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - pod.yaml\n  - https://example.com/x.yaml\n")},
		"k/pod.yaml": {Data: []byte(pod)},
	}
	res, err := engine.Run(context.Background(), fsys, []engine.Scanner{NewScanner(Options{})}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	privileged := false
	for _, f := range res.Findings {
		if f.Location.Path == "k/pod.yaml" && strings.Contains(strings.ToLower(f.Title+f.Message), "privileged") {
			privileged = true
		}
	}
	if !privileged {
		t.Errorf("no privileged finding on k/pod.yaml: %v", res.Findings)
	}
	want := []finding.Skipped{{Path: "k/kustomization.yaml", Scanner: scannerName, Reason: `resource "https://example.com/x.yaml" is remote and was not fetched`}}
	if diff := cmp.Diff(want, res.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

// TestHelmValues scans the render package's toggles chart, whose insecure
// settings are off by default: the privileged and host-network findings
// appear only when a values file or --set turns them on, per chart or for
// every chart, and a values file that cannot be read skips the chart with
// one line naming the file.
func TestHelmValues(t *testing.T) {
	privileged := func(t *testing.T, hv render.ChartValues) (map[string]bool, []finding.Skipped) {
		t.Helper()
		res, err := engine.Run(context.Background(), os.DirFS("../render/testdata"), []engine.Scanner{NewScanner(Options{HelmValues: hv})}, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, f := range res.Findings {
			if f.Location.Path == "toggles/templates/deployment.yaml" && (f.CheckID == "FC-K8S-101" || f.CheckID == "FC-K8S-102") {
				got[f.CheckID] = true
			}
		}
		return got, res.Skipped
	}
	tests := map[string]struct {
		hv   render.ChartValues
		want map[string]bool
	}{
		"defaults":       {render.ChartValues{}, map[string]bool{}},
		"per-chart file": {render.ChartValues{PerChart: map[string][]render.Value{"toggles": {{File: "toggles/values-debug.yaml"}}}}, map[string]bool{"FC-K8S-101": true, "FC-K8S-102": true}},
		"other chart":    {render.ChartValues{PerChart: map[string][]render.Value{"chart": {{File: "toggles/values-debug.yaml"}}}}, map[string]bool{}},
		"set for all":    {render.ChartValues{All: []render.Value{{Set: "privileged=true"}}}, map[string]bool{"FC-K8S-101": true}},
		"command line wins": {
			render.ChartValues{
				PerChart: map[string][]render.Value{"toggles": {{File: "toggles/values-debug.yaml"}}},
				All:      []render.Value{{Name: "prod.yaml", Data: []byte("privileged: false\nhostNetwork: false\n")}},
			},
			map[string]bool{},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, skipped := privileged(t, tt.hv)
			if len(skipped) != 0 {
				t.Errorf("skipped: %v", skipped)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
	_, skipped := privileged(t, render.ChartValues{PerChart: map[string][]render.Value{"toggles": {{File: "toggles/values-typo.yaml"}}}})
	if len(skipped) != 1 || skipped[0].Path != "toggles" || !strings.HasPrefix(skipped[0].Reason, `chart "toggles": values file "toggles/values-typo.yaml": no such file`) {
		t.Errorf("skipped = %v, want the chart, naming the values file", skipped)
	}
}

// TestKustomizeComponents scans an overlay with two components, each in a
// top-level directory (a unit) of its own: no component is built as a
// root or reported as skipped, and what they add is found through the
// overlay.
func TestKustomizeComponents(t *testing.T) {
	res, err := engine.Run(context.Background(), os.DirFS("../render/testdata/components"), []engine.Scanner{NewScanner(Options{})}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped: %v", res.Skipped)
	}
	got := map[string]string{}
	for _, f := range res.Findings {
		got[f.CheckID+" "+f.Resource.String()] = f.Location.String()
		if strings.HasPrefix(f.Location.Path, "components/privileged/") {
			t.Errorf("finding from a component's patch: %s %s", f.CheckID, f.Location)
		}
	}
	for k, loc := range map[string]string{
		// privileged, from the component's patch: the container's line
		"FC-K8S-101 Deployment/prod/prod-api": "base/deployment.yaml:13",
		// hostNetwork, from the component's JSON patch: the pod spec's line
		"FC-K8S-102 Deployment/prod/prod-api": "base/deployment.yaml:11",
		// the component's own resource
		"FC-K8S-102 Pod/prod/prod-debug": "components/hostnet/debug-pod.yaml:6",
	} {
		if got[k] != loc {
			t.Errorf("%s at %q, want %q", k, got[k], loc)
		}
	}
}
