package render

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/limits"
)

func TestHelm(t *testing.T) {
	res, err := Helm(context.Background(), os.DirFS("testdata"), "chart", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, m := range res.Manifests {
		files = append(files, m.File)
	}
	if diff := cmp.Diff([]string{"chart/templates/deployment.yaml", "chart/templates/service.yaml"}, files); diff != "" {
		t.Errorf("manifests (-want +got):\n%s", diff)
	}
	dep := string(res.Manifests[0].Data)
	for _, want := range []string{"name: release-web", "hostNetwork: true", `image: "nginx:1.25"`, "replicas: 2"} {
		if !strings.Contains(dep, want) {
			t.Errorf("rendered deployment lacks %q:\n%s", want, dep)
		}
	}
	if !contains(res.Read, "chart/templates/_helpers.tpl") || !contains(res.Read, "chart/values.yaml") {
		t.Errorf("Read = %v, want the chart's files", res.Read)
	}
}

func TestKustomize(t *testing.T) {
	res, err := Kustomize(context.Background(), os.DirFS("testdata"), "kustomize/overlay", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Manifests) != 1 {
		t.Fatalf("got %d manifests, want 1", len(res.Manifests))
	}
	m := res.Manifests[0]
	if m.File != "kustomize/base/deployment.yaml" || m.Kind != "Deployment" {
		t.Errorf("manifest from %s %s, want kustomize/base/deployment.yaml Deployment", m.File, m.Kind)
	}
	for _, want := range []string{"name: prod-api", "namespace: shop", "privileged: true"} {
		if !strings.Contains(string(m.Data), want) {
			t.Errorf("rendered deployment lacks %q:\n%s", want, m.Data)
		}
	}
	if strings.Contains(string(m.Data), originKey) {
		t.Errorf("origin annotation left in the output:\n%s", m.Data)
	}
	want := []string{
		"kustomize/base/deployment.yaml", "kustomize/base/kustomization.yaml",
		"kustomize/overlay/kustomization.yaml", "kustomize/overlay/privileged.yaml",
	}
	if diff := cmp.Diff(want, res.Read); diff != "" {
		t.Errorf("Read (-want +got):\n%s", diff)
	}
}

const kust = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"

const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n"

func TestRefused(t *testing.T) {
	tests := map[string]struct {
		fsys fstest.MapFS
		dir  string
		opts Options
		want string
	}{
		"missing resource": {
			fsys: fstest.MapFS{"k/kustomization.yaml": {Data: []byte(kust + "resources:\n  - nope.yaml\n")}},
			dir:  "k",
			want: `resource "nope.yaml"`,
		},
		"outside the root": {
			fsys: fstest.MapFS{"k/kustomization.yaml": {Data: []byte(kust + "resources:\n  - ../../etc\n")}},
			dir:  "k",
			want: "leaves the scan root",
		},
		"input cap": {
			fsys: fstest.MapFS{
				"k/kustomization.yaml": {Data: []byte(kust + "resources:\n  - pod.yaml\n")},
				"k/pod.yaml":           {Data: []byte(pod + strings.Repeat("#", 4096))},
			},
			dir:  "k",
			opts: Options{MaxInput: 1024},
			want: "too large",
		},
		"output cap": {
			fsys: fstest.MapFS{
				"c/Chart.yaml":          {Data: []byte("apiVersion: v2\nname: c\nversion: 0.1.0\n")},
				"c/templates/many.yaml": {Data: []byte("{{ range until 200 }}---\n" + pod + "{{ end }}")},
			},
			dir:  "c",
			opts: Options{MaxOutput: 1024},
			want: "too large",
		},
		"template error": {
			fsys: fstest.MapFS{
				"c/Chart.yaml":         {Data: []byte("apiVersion: v2\nname: c\nversion: 0.1.0\n")},
				"c/templates/pod.yaml": {Data: []byte("{{ .Values.a.b.c }}")},
			},
			dir:  "c",
			want: `rendering chart "c"`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var err error
			if _, statErr := tt.fsys.Stat(tt.dir + "/Chart.yaml"); statErr == nil {
				_, err = Helm(context.Background(), tt.fsys, tt.dir, tt.opts)
			} else {
				_, err = Kustomize(context.Background(), tt.fsys, tt.dir, tt.opts)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if name == "output cap" && !errors.Is(err, ErrTooLarge) {
				t.Errorf("err = %v, want ErrTooLarge", err)
			}
		})
	}
}

// TestKustomizeRemote checks that remote references are left out and
// reported while the local resources still build, and that a URL in a
// comment or a label changes nothing.
func TestKustomizeRemote(t *testing.T) {
	tests := map[string]struct {
		kustomization string
		skipped       []Skip
	}{
		"URL in a comment": {
			kustomization: "# Licensed under http://www.apache.org/licenses/LICENSE-2.0\n" + kust + "commonLabels: {docs: 'https://example.com'}\nresources:\n  - pod.yaml\n",
		},
		"remote URL": {
			kustomization: kust + "resources:\n  - pod.yaml\n  - https://example.com/x.yaml\n",
			skipped:       []Skip{{File: "k/kustomization.yaml", Reason: `resource "https://example.com/x.yaml" is remote and was not fetched`}},
		},
		"git base": {
			kustomization: kust + "resources:\n  - github.com/example/repo//base?ref=v1\n  - pod.yaml\n",
			skipped:       []Skip{{File: "k/kustomization.yaml", Reason: `resource "github.com/example/repo//base?ref=v1" is remote and was not fetched`}},
		},
		"remote patch and generator file": {
			kustomization: kust + "resources: [pod.yaml]\npatches:\n  - path: https://example.com/p.yaml\nconfigMapGenerator:\n  - name: c\n    files: [a=https://example.com/a]\n",
			skipped: []Skip{
				{File: "k/kustomization.yaml", Reason: `patch "https://example.com/p.yaml" is remote and was not fetched`},
				{File: "k/kustomization.yaml", Reason: `configMapGenerator file "a=https://example.com/a" is remote and was not fetched`},
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"k/kustomization.yaml": {Data: []byte(tt.kustomization)},
				"k/pod.yaml":           {Data: []byte(pod)},
			}
			res, err := Kustomize(context.Background(), fsys, "k", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.skipped, res.Skipped); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
			var pods int
			for _, m := range res.Manifests {
				if m.Kind == "Pod" && m.File == "k/pod.yaml" {
					pods++
				}
			}
			if pods != 1 {
				t.Errorf("manifests = %+v, want the local pod", res.Manifests)
			}
		})
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// FuzzKustomize builds fuzzed kustomization files next to a real resource:
// hostile input must give an error, never a panic, a read outside the
// scan root or a network access (everything remote is refused before the
// build).
func FuzzKustomize(f *testing.F) {
	f.Add([]byte(kust + "resources:\n  - pod.yaml\nnamePrefix: x-\n"))
	f.Add([]byte(kust + "resources:\n  - ../k\n"))
	f.Add([]byte(kust + "patches:\n  - patch: |-\n      - op: add\n        path: /metadata/labels\n        value: {a: b}\n    target: {kind: Pod}\nresources: [pod.yaml]\n"))
	f.Add([]byte(kust + "configMapGenerator:\n  - name: c\n    literals: [a=b]\n"))
	f.Add([]byte("# http://www.apache.org/licenses/LICENSE-2.0\n" + kust + "resources:\n  - pod.yaml\n  - https://example.com/x.yaml\n  - github.com/a/b//c?ref=v1\n"))
	f.Add([]byte(kust + "resources: [pod.yaml]\npatches:\n  - path: https://example.com/p.yaml\nhelmCharts:\n  - name: x\n    repo: https://charts.example.com\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"k/kustomization.yaml": {Data: data},
			"k/pod.yaml":           {Data: []byte(pod)},
		}
		ctx := limits.With(context.Background(), limits.Limits{PerInput: 2 * time.Second, KustomizeDepth: 5, KustomizeResources: 200})
		res, err := Kustomize(ctx, fsys, "k", Options{MaxInput: 1 << 20, MaxOutput: 1 << 20})
		if err != nil {
			return
		}
		for _, p := range res.Read {
			if _, err := clean(p); err != nil {
				t.Fatalf("read %q", p)
			}
		}
	})
}

// TestKustomizeComponents builds an overlay that pulls in two components
// (a patch and a resource with a JSON patch) and checks that the
// components are known as such, so that no caller builds one as a root.
func TestKustomizeComponents(t *testing.T) {
	fsys := os.DirFS("testdata/components")
	res, err := Kustomize(context.Background(), fsys, "overlays/prod", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range res.Manifests {
		got[m.Kind+"/"+m.File] = string(m.Data)
	}
	dep, pod := got["Deployment/base/deployment.yaml"], got["Pod/components/hostnet/debug-pod.yaml"]
	for _, want := range []string{"name: prod-api", "privileged: true", "hostNetwork: true"} {
		if !strings.Contains(dep, want) {
			t.Errorf("deployment lacks %q:\n%s", want, dep)
		}
	}
	if !strings.Contains(pod, "name: prod-debug") {
		t.Errorf("the component's resource was not built through the overlay: %v", got)
	}
	for dir, want := range map[string][]string{
		"components/privileged": nil,
		"components/hostnet":    {"components/hostnet/debug-pod.yaml"},
	} {
		resources, ok := Component(fsys, dir)
		if !ok {
			t.Errorf("Component(%s) = false", dir)
		}
		if diff := cmp.Diff(want, resources); diff != "" {
			t.Errorf("Component(%s) resources (-want +got):\n%s", dir, diff)
		}
	}
	for _, dir := range []string{"overlays/prod", "base", "nope", "../x"} {
		if _, ok := Component(fsys, dir); ok {
			t.Errorf("Component(%s) = true", dir)
		}
	}
}
