package render

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/limits"
)

// TestHelmValues renders the toggles chart, whose insecure settings are
// off by default, with values files and --set expressions, and checks the
// output against what `helm template` gives for the same flags.
func TestHelmValues(t *testing.T) {
	tests := map[string]struct {
		vals     []Value
		want     []string
		wantNone []string
	}{
		"chart defaults": {
			want:     []string{"privileged: false", "runAsNonRoot: true", "containerPort: 8080", "containerPort: 8443", "replicas: 1"},
			wantNone: []string{"hostNetwork"},
		},
		"values file turns it on": {
			vals: []Value{{File: "toggles/values-debug.yaml"}},
			want: []string{"privileged: true", "hostNetwork: true", "runAsNonRoot: true"},
		},
		"set turns it on": {
			vals:     []Value{{Set: "privileged=true"}},
			want:     []string{"privileged: true", "allowPrivilegeEscalation: true"},
			wantNone: []string{"hostNetwork"},
		},
		"later file wins, lists replaced, maps merged": {
			vals:     []Value{{File: "toggles/values-debug.yaml"}, {File: "toggles/values-prod.yaml"}},
			want:     []string{"privileged: false", "hostNetwork: true", "replicas: 3", "containerPort: 9443", "runAsNonRoot: true", "type: RuntimeDefault"},
			wantNone: []string{"containerPort: 8080"},
		},
		"set after a file wins": {
			vals: []Value{{File: "toggles/values-prod.yaml"}, {Set: "privileged=true,replicas=5"}},
			want: []string{"privileged: true", "replicas: 5"},
		},
		"null deletes the key": {
			vals:     []Value{{File: "toggles/values-nosc.yaml"}},
			wantNone: []string{"runAsNonRoot", "seccompProfile"},
		},
		"set null deletes the key": {
			vals:     []Value{{Set: "podSecurityContext.runAsNonRoot=null"}},
			want:     []string{"type: RuntimeDefault"},
			wantNone: []string{"runAsNonRoot"},
		},
		"set a list element, escaped dots and commas": {
			vals: []Value{{Set: `ports[0]=1234,podAnnotations.example\.com/owner=a\,b`}},
			want: []string{"containerPort: 1234", "example.com/owner: a,b"},
		},
		"data read by the caller": {
			vals: []Value{{Name: "/tmp/debug.yaml", Data: []byte("privileged: true\n")}},
			want: []string{"privileged: true"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			res, err := Helm(context.Background(), os.DirFS("testdata"), "toggles", Options{Values: tt.vals})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Manifests) != 1 {
				t.Fatalf("got %d manifests, want 1", len(res.Manifests))
			}
			out := string(res.Manifests[0].Data)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.wantNone {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
			for _, v := range tt.vals {
				if v.File != "" && !contains(res.Read, v.File) {
					t.Errorf("Read = %v, want it to list %s", res.Read, v.File)
				}
			}
		})
	}
}

// TestHelmValuesErrors checks that a values file that is missing,
// malformed or outside the scan root, and a bad --set, fail the render
// with one line naming the file or the expression.
func TestHelmValuesErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"c/Chart.yaml":        {Data: []byte(chartYAML)},
		"c/templates/cm.yaml": {Data: []byte("kind: ConfigMap\n")},
		"c/bad.yaml":          {Data: []byte("a: [\n")},
		"c/list.yaml":         {Data: []byte("- a\n- b\n")},
		"elsewhere/prod.yaml": {Data: []byte("a: 1\n")},
		"links/values.yaml":   {Data: []byte("../../etc/passwd"), Mode: fs.ModeSymlink},
	}
	tests := map[string]struct {
		val  Value
		want string
	}{
		"missing":       {Value{File: "c/nope.yaml"}, `values file "c/nope.yaml": file does not exist`},
		"malformed":     {Value{File: "c/bad.yaml"}, `values file "c/bad.yaml": error converting YAML to JSON`},
		"not a map":     {Value{File: "c/list.yaml"}, `values file "c/list.yaml": error unmarshaling JSON`},
		"outside":       {Value{File: "../prod.yaml"}, `values file "../prod.yaml": path "../prod.yaml" leaves the scan root`},
		"link outside":  {Value{File: "links/values.yaml"}, `values file "links/values.yaml": symbolic link leads out of the scan root`},
		"bad set":       {Value{Set: "a.b"}, `--set "a.b": key "b" has no value`},
		"bad set index": {Value{Set: "a[-1]=x"}, `--set "a[-1]=x": negative -1 index not allowed`},
		"data":          {Value{Name: "cli.yaml", Data: []byte("{")}, `values file "cli.yaml": error converting YAML to JSON`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Helm(context.Background(), fsys, "c", Options{Values: []Value{tt.val}})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `chart "c"`) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want one line naming the chart and containing %q", err, tt.want)
			}
		})
	}
	// A values file elsewhere in the scan root is fine.
	if _, err := Helm(context.Background(), fsys, "c", Options{Values: []Value{{File: "elsewhere/prod.yaml"}}}); err != nil {
		t.Errorf("values file elsewhere in the root: %v", err)
	}
}

// TestHelmValuesHostile gives the chart hostile values files: each must
// fail the render quickly with a budget or parse error naming the file,
// never hang, panic or take unbounded memory.
func TestHelmValuesHostile(t *testing.T) {
	var deep strings.Builder
	for i := range 300 {
		fmt.Fprintf(&deep, "%sa:\n", strings.Repeat(" ", i))
	}
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := range 8 {
		n := fmt.Sprintf("l%d", i)
		bomb += fmt.Sprintf("%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", n, n, prev, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = n
	}
	// Under the YAML decoder's own alias ratio: 100 aliases of a list of
	// 100 are over 10,000 elements from a 1 KB file.
	smallBomb := "a: &a [" + strings.Repeat("x, ", 99) + "x]\nb: [" + strings.Repeat("*a, ", 99) + "*a]\n"
	tests := map[string]struct {
		data string
		lim  limits.Limits
		want string
	}{
		"huge":             {strings.Repeat("k: v\n", 1<<20/5+1), limits.Limits{FileBytes: 1 << 20}, "budget: values file size exceeded 1 MiB"},
		"deep nesting":     {deep.String(), limits.Limits{}, "budget: values nesting exceeded 200"},
		"deep flow":        {"a: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000), limits.Limits{}, "exceeded max depth"},
		"anchor bomb":      {bomb, limits.Limits{}, "excessive aliasing"},
		"small bomb":       {smallBomb, limits.Limits{CollectionElements: 5000}, "budget: values elements exceeded 5000"},
		"many --set index": {"", limits.Limits{CollectionElements: 1000}, "budget: values elements exceeded 1000"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"c/Chart.yaml":        {Data: []byte(chartYAML)},
				"c/templates/cm.yaml": {Data: []byte("kind: ConfigMap\n")},
				"c/hostile.yaml":      {Data: []byte(tt.data)},
			}
			val := Value{File: "c/hostile.yaml"}
			if tt.data == "" {
				val = Value{Set: "a[60000]=1"}
			}
			ctx := limits.With(context.Background(), tt.lim)
			start := time.Now()
			_, err := Helm(ctx, fsys, "c", Options{Values: []Value{val}})
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), val.String()) {
				t.Fatalf("err = %v, want it to name %s and contain %q", err, val, tt.want)
			}
			if strings.HasPrefix(tt.want, "budget: ") && !errors.Is(err, limits.ErrExceeded) {
				t.Errorf("err = %v, want a budget error", err)
			}
		})
	}
}

// TestMergeValues checks the merge rules on their own.
func TestMergeValues(t *testing.T) {
	got, err := MergeValues(context.Background(), nil, []Value{
		{Name: "a", Data: []byte("m: {x: 1, l: [1, 2]}\nkeep: k\ngone: g\n")},
		{Name: "b", Data: []byte("m: {l: [3], z: true}\ngone: null\n")},
		{Set: `m.x=2,s=007,t=true,u=null,list[1].n=v`},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"m":    map[string]any{"x": int64(2), "l": []any{float64(3)}, "z": true},
		"keep": "k", "gone": nil, "s": "007", "t": true, "u": nil,
		"list": []any{nil, map[string]any{"n": "v"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged (-want +got):\n%s", diff)
	}
}

func FuzzMergeValues(f *testing.F) {
	f.Add([]byte("a: {b: [1, 2]}\nc: null\n"), "a.b[0]=x,c=1")
	f.Add([]byte("a: &x [1]\nb: *x\n"), `a\.b=c\,d`)
	f.Add([]byte("{"), "a[1][2].b=null")
	f.Add([]byte("a: 1"), "name={a,b},x=")
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		ctx := limits.With(context.Background(), limits.Limits{CollectionElements: 100_000})
		m, err := MergeValues(ctx, nil, []Value{{Name: "f", Data: data}, {Set: set}, {Name: "g", Data: data}})
		if err == nil && m == nil {
			t.Fatal("no error and no values")
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("multi-line error %q", err)
		}
		_ = CheckSet(ctx, set)
		_ = ParseValuesFile(ctx, data)
	})
}
