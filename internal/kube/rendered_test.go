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
