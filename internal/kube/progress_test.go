package kube

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/progress"
)

// TestProgressNamesTheChart: while a chart renders, the scan's progress
// line names it, not only its unit.
func TestProgressNamesTheChart(t *testing.T) {
	fsys := fstest.MapFS{
		"app/pod.yaml":                     {Data: []byte(pod)},
		"charts/api/Chart.yaml":            {Data: []byte("apiVersion: v2\nname: api\nversion: 0.1.0\n")},
		"charts/api/values.yaml":           {Data: []byte("image: nginx\n")},
		"charts/api/templates/pod.yaml":    {Data: []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    - name: c\n      image: {{ .Values.image }}\n")},
		"overlays/prod/kustomization.yaml": {Data: []byte("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [pod.yaml]\n")},
		"overlays/prod/pod.yaml":           {Data: []byte(pod)},
	}
	var mu sync.Mutex
	var lines []string
	ctx := progress.WithReporter(context.Background(), reporterFunc(func(e progress.Event) {
		mu.Lock()
		lines = append(lines, e.String())
		mu.Unlock()
	}))
	if _, err := engine.Run(ctx, fsys, []engine.Scanner{NewScanner(Options{})}, engine.Options{Step: "scan shop", Workers: 1}); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		"scan shop: 0/3 units · reading Kubernetes manifests in app",
		"units · rendering Helm chart charts/api",
		"units · building kustomization overlays/prod",
		"scan shop: 3/3 units",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no line with %q in\n%s", want, all)
		}
	}
}

// reporterFunc is a function as a progress.Reporter.
type reporterFunc func(progress.Event)

func (f reporterFunc) Report(e progress.Event) { f(e) }
