package render

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fourc-dev/fourc/internal/limits"
)

const chartYAML = "apiVersion: v2\nname: c\nversion: 0.1.0\n"

// defineChain returns templates where each of n levels includes the
// previous one twice: 2^n expansions of "x".
func defineChain(n int) string {
	var b strings.Builder
	b.WriteString(`{{ define "l0" }}x{{ end }}`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "{{ define \"l%d\" }}{{ include \"l%d\" . }}{{ include \"l%d\" . }}{{ end }}\n", i, i-1, i-1)
	}
	return b.String()
}

// TestHelmHostile renders generated hostile charts under the default
// budgets: each must end within a few seconds with a budget error naming
// the chart, never a panic.
func TestHelmHostile(t *testing.T) {
	tests := map[string]struct {
		files map[string]string
		want  string
	}{
		"nested until": {
			files: map[string]string{"templates/a.yaml": "{{ range until 100000 }}{{ range until 100000 }}x{{ end }}{{ end }}"},
			want:  "budget: rendering steps exceeded",
		},
		"define chain": {
			files: map[string]string{"templates/_h.tpl": defineChain(40), "templates/a.yaml": `{{ include "l40" . }}`},
			want:  "budget: ",
		},
		"template chain": {
			files: map[string]string{
				"templates/_h.tpl": strings.ReplaceAll(defineChain(40), "include", "template"),
				"templates/a.yaml": `{{ template "l40" . }}`,
			},
			want: "budget: rendering steps exceeded",
		},
		"huge until": {
			files: map[string]string{"templates/a.yaml": "{{ range until 10000000000 }}{{ end }}"},
			want:  "budget: rendering steps exceeded",
		},
		"repeat": {
			files: map[string]string{"templates/a.yaml": `{{ repeat 9223372036854775807 "x" }}`},
			want:  "budget: rendered output exceeded",
		},
		"negative repeat": {
			files: map[string]string{"templates/a.yaml": `{{ repeat -1 "x" }}`},
			want:  "negative count",
		},
		"indent": {
			files: map[string]string{"templates/a.yaml": `{{ indent 9000000000 "x" }}`},
			want:  "budget: rendered output exceeded",
		},
		"printf width": {
			files: map[string]string{"templates/a.yaml": `{{ printf "%999999999d" 1 }}`},
			want:  "width or precision",
		},
		"self-containing dict": {
			files: map[string]string{"templates/a.yaml": `{{ $d := dict }}{{ $_ := set $d "a" $d }}{{ $d }}`},
			want:  "value would contain itself",
		},
		"exponential dict": {
			files: map[string]string{"templates/a.yaml": `{{ $d := dict "a" 1 }}{{ range until 64 }}{{ $d = dict "a" $d "b" $d }}{{ end }}{{ $d }}`},
			want:  "budget: template value elements exceeded",
		},
		"tpl recursion": {
			files: map[string]string{"templates/a.yaml": `{{ tpl .Values.t . }}`, "values.yaml": "t: '{{ tpl .Values.t . }}'\n"},
			want:  "budget: template nesting exceeded",
		},
		"files in a loop": {
			files: map[string]string{"templates/a.yaml": `{{ range until 1000000 }}{{ $x := $.Files.AsConfig }}{{ end }}`, "big.txt": strings.Repeat("x", 1<<16)},
			want:  "budget: rendering steps exceeded",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{"c/Chart.yaml": {Data: []byte(chartYAML)}}
			for n, d := range tt.files {
				fsys["c/"+n] = &fstest.MapFile{Data: []byte(d)}
			}
			// A small step budget and a long deadline: the work bound, not
			// the clock, must end each render, even on a loaded machine.
			ctx := limits.With(context.Background(), limits.Limits{RenderSteps: 2_000_000, PerInput: time.Minute})
			start := time.Now()
			_, err := Helm(ctx, fsys, "c", Options{})
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `chart "c"`) {
				t.Fatalf("err = %v, want it to name the chart and contain %q", err, tt.want)
			}
			if strings.HasPrefix(tt.want, "budget: ") && !errors.Is(err, limits.ErrExceeded) {
				t.Errorf("err = %v, want a budget error", err)
			}
		})
	}
}

// TestHelmUntilMemory checks that a loop over ten million elements ends
// at the step budget without growing the heap by more than the budget's
// worth.
func TestHelmUntilMemory(t *testing.T) {
	fsys := fstest.MapFS{
		"c/Chart.yaml":       {Data: []byte(chartYAML)},
		"c/templates/a.yaml": {Data: []byte("{{ range until 10000000 }}{{ range until 10 }}{{ end }}{{ end }}")},
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Helm(context.Background(), fsys, "c", Options{})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, limits.ErrExceeded) {
		t.Fatalf("err = %v, want a budget error", err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 1<<30 {
		t.Errorf("allocated %d MiB", grown>>20)
	}
}

// TestHelmDeadline checks that a render that no function call can see
// (an empty loop) still ends at the deadline, and that cancelling the
// context ends a render promptly.
func TestHelmDeadline(t *testing.T) {
	fsys := fstest.MapFS{
		"c/Chart.yaml":       {Data: []byte(chartYAML)},
		"c/templates/a.yaml": {Data: []byte("{{ $l := until 5000 }}{{ range $l }}{{ range $l }}{{ range $l }}{{ end }}{{ end }}{{ end }}")},
	}
	ctx := limits.With(context.Background(), limits.Limits{PerInput: 300 * time.Millisecond})
	start := time.Now()
	_, err := Helm(ctx, fsys, "c", Options{})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if err == nil || !strings.Contains(err.Error(), "budget: rendering exceeded 300ms") {
		t.Errorf("err = %v, want the deadline", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start = time.Now()
	_, err = Helm(ctx, fsys, "c", Options{})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancelled render took %v", d)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// FuzzHelm renders a fuzzed template (and values) through fourc's
// renderer under a small budget: any input must end in a result or an
// error, quickly, never a panic or a hang.
func FuzzHelm(f *testing.F) {
	f.Add("{{ range until 100000 }}{{ range until 100000 }}x{{ end }}{{ end }}", "a: 1\n")
	f.Add(`{{ repeat 9223372036854775807 "x" }}`, "")
	f.Add(`{{ $d := dict }}{{ $_ := set $d "a" $d }}{{ $d }}`, "")
	f.Add(`{{ tpl .Values.t . }}`, "t: '{{ tpl .Values.t . }}'\n")
	f.Add(`{{ printf "%0*d" 5 1 }}{{ indent 4 (toYaml .Values) }}{{ include "x" . }}{{ define "x" }}{{ .Values.a | quote }}{{ end }}`, "a: [1, 2]\n")
	f.Add(`{{ regexReplaceAll "" (repeat 1000 "x") (repeat 1000 "$0") }}`, "")
	f.Fuzz(func(t *testing.T, tmpl, values string) {
		fsys := fstest.MapFS{
			"c/Chart.yaml":       {Data: []byte(chartYAML)},
			"c/values.yaml":      {Data: []byte(values)},
			"c/templates/a.yaml": {Data: []byte(tmpl)},
		}
		ctx := limits.With(context.Background(), limits.Limits{
			PerInput: 2 * time.Second, RenderSteps: 200_000, RenderedBytes: 1 << 20, CollectionElements: 10_000, Depth: 20,
		})
		start := time.Now()
		_, _ = Helm(ctx, fsys, "c", Options{MaxInput: 1 << 20, MaxOutput: 1 << 20})
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("render took %v", d)
		}
	})
}

// overlays writes a kustomization tree where each of n levels includes the
// previous one twice (through two overlays, a and b): 2^n inclusions of
// one ConfigMap.
func overlays(n int) fstest.MapFS {
	fsys := fstest.MapFS{
		"l0/kustomization.yaml": {Data: []byte(kust + "resources: [cm.yaml]\n")},
		"l0/cm.yaml":            {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")},
	}
	for i := 1; i <= n; i++ {
		for _, s := range []string{"a", "b"} {
			fsys[fmt.Sprintf("l%d/%s/kustomization.yaml", i, s)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("%sresources: [../../l%d]\nnameSuffix: -%s\n", kust, i-1, s))}
		}
		fsys[fmt.Sprintf("l%d/kustomization.yaml", i)] = &fstest.MapFile{Data: []byte(kust + "resources: [a, b]\n")}
	}
	return fsys
}

// TestKustomizeHostile checks that exponential overlays are refused by the
// nesting or resource budget before Kustomize builds anything, and that a
// build still running at the deadline is given up.
func TestKustomizeHostile(t *testing.T) {
	tests := map[string]struct {
		fsys fstest.MapFS
		dir  string
		lim  limits.Limits
		want string
	}{
		"depth 12": {fsys: overlays(12), dir: "l12", want: "budget: kustomization nesting exceeded 20"},
		"depth 9, resources": {
			fsys: overlays(9), dir: "l9", lim: limits.Limits{KustomizeDepth: 100, KustomizeResources: 2000},
			want: "budget: kustomize resources exceeded 2000",
		},
		"depth 8, deadline": {
			fsys: overlays(8), dir: "l8", lim: limits.Limits{PerInput: 300 * time.Millisecond},
			want: "budget: rendering exceeded 300ms",
		},
		"self-inclusion": {
			fsys: fstest.MapFS{"k/kustomization.yaml": {Data: []byte(kust + "resources: [../k]\n")}},
			dir:  "k", want: `kustomization "k" includes itself`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			ctx := limits.With(context.Background(), tt.lim)
			start := time.Now()
			_, err := Kustomize(ctx, tt.fsys, tt.dir, Options{})
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.dir)) {
				t.Fatalf("err = %v, want it to name %q and contain %q", err, tt.dir, tt.want)
			}
		})
	}
}
