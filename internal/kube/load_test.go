package kube

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/fourc-dev/fourc/internal/finding"
)

// loaded summarises an object for comparisons.
type loaded struct {
	Kind, Namespace, Name string
	Doc, Item, Line       int
}

func summarise(objs []*Object) []loaded {
	var out []loaded
	for _, o := range objs {
		out = append(out, loaded{o.Kind, o.Namespace, o.Name, o.Source.Doc, o.Source.Item, o.Lines.First()})
	}
	return out
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []loaded
		skipped []string // reasons
	}{
		{
			name: "multi-document YAML with non-Kubernetes and unsupported documents",
			in: `# a comment
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: ns}
spec:
  containers: [{name: c, image: x}]
---
just: some config
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: b
spec:
  template:
    spec:
      containers: [{name: c, image: x}]
`,
			want: []loaded{{"Pod", "ns", "a", 1, -1, 2}, {"Deployment", "", "b", 5, -1, 15}},
		},
		{
			name: "List and typed list items",
			in: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: s}
  - apiVersion: example.com/v1
    kind: Widget
    metadata: {name: w}
  - apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleList
    items:
      - metadata: {name: r, namespace: ns}
        rules: []
`,
			want: []loaded{{"Service", "", "s", 1, 0, 4}, {"Role", "ns", "r", 1, 0, 13}},
		},
		{
			name: "JSON with tabs",
			in:   "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Namespace\",\n\t\"metadata\": {\"name\": \"shop\"}\n}\n",
			want: []loaded{{"Namespace", "", "shop", 1, -1, 1}},
		},
		{
			name: "a bad document is skipped, the others load",
			in: `apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  containers:
    - name: c
      image: 42
      ports: [{containerPort: "http"}]
---
apiVersion: v1
kind: Namespace
metadata: {name: good}
`,
			want:    []loaded{{"Namespace", "", "good", 2, -1, 10}},
			skipped: []string{`document 1: Pod "bad": decoding v1 Pod: json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string`},
		},
		{
			name: "kind that is not a string",
			in:   "apiVersion: v1\nkind: [Pod]\n",
			skipped: []string{
				"document 1: line 1: apiVersion and kind must be non-empty strings",
			},
		},
		{
			name: "duplicate keys are rejected like kubectl does",
			in:   "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\nmetadata: {name: b}\n",
			skipped: []string{
				`document 1: v1 Namespace: line 4: mapping key "metadata" already defined`,
			},
		},
		{
			name: "syntax error stops the stream after the good documents",
			in:   "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkey: [unclosed\n",
			want: []loaded{{"Namespace", "", "a", 1, -1, 1}},
			skipped: []string{
				"document 2: parsing YAML: yaml: line 4: did not find expected ',' or ']'",
			},
		},
		{
			name: "anchors, aliases and merge keys",
			in: `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: &labels {app: web}
  annotations:
    <<: *labels
    extra: "1"
spec:
  containers:
    - &ctr {name: a, image: "x:1"}
    - <<: *ctr
      name: b
`,
			want: []loaded{{"Pod", "", "p", 1, -1, 1}},
		},
		{
			name: "alias bomb is skipped",
			in:   aliasBomb(),
			skipped: []string{
				"document 1: v1 ConfigMapList: document expands to too many nodes (alias bomb?)",
			},
		},
		{
			name: "legacy API versions of workloads decode",
			in:   "apiVersion: extensions/v1beta1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x}]\n",
			want: []loaded{{"DaemonSet", "", "d", 1, -1, 1}},
		},
		{
			name: "non-finite numbers are rejected",
			in:   "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  activeDeadlineSeconds: .inf\n",
			skipped: []string{
				`document 1: v1 Pod: line 5: number ".inf" is not finite`,
			},
		},
		{name: "empty file", in: ""},
		{name: "scalar document", in: "hello\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, skipped := Load("m.yaml", []byte(tt.in))
			if diff := cmp.Diff(tt.want, summarise(objs)); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
			var reasons []string
			for _, s := range skipped {
				if s.Path != "m.yaml" || s.Scanner != "kube" {
					t.Errorf("skipped entry %v does not name the file and scanner", s)
				}
				reasons = append(reasons, s.Reason)
			}
			if diff := cmp.Diff(tt.skipped, reasons); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
		})
	}
}

func aliasBomb() string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMapList\nitems:\n  - &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "  - &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	return b.String()
}

func TestLoadMergeAndAliases(t *testing.T) {
	objs, skipped := Load("m.yaml", []byte(`apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: &labels {app: web}
  annotations:
    <<: *labels
    extra: "1"
spec:
  containers:
    - &ctr {name: a, image: "x:1"}
    - <<: *ctr
      name: b
`))
	if len(skipped) > 0 || len(objs) != 1 {
		t.Fatalf("got %d objects, skipped %v", len(objs), skipped)
	}
	pod := objs[0].Typed.(*corev1.Pod)
	if diff := cmp.Diff(map[string]string{"app": "web", "extra": "1"}, pod.Annotations); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
	var got []string
	for _, c := range pod.Spec.Containers {
		got = append(got, c.Name+"="+c.Image)
	}
	if diff := cmp.Diff([]string{"a=x:1", "b=x:1"}, got); diff != "" {
		t.Errorf("containers (-want +got):\n%s", diff)
	}
	// The merged container's own keys have lines; its merged image points
	// to the item itself (line 12), not to the anchor.
	if l := objs[0].Lines.Line("spec.containers[1].image"); l != 12 {
		t.Errorf("line of merged field = %d, want 12", l)
	}
}

func TestLines(t *testing.T) {
	src := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  template:
    spec:
      containers:
        - name: a
          image: a:1
        - name: b
          image: b:1
          securityContext:
            privileged: true
`
	objs, _ := Load("d.yaml", []byte(src))
	if len(objs) != 1 {
		t.Fatalf("got %d objects", len(objs))
	}
	l := objs[0].Lines
	tests := []struct {
		field string
		want  int
	}{
		{"spec.template.spec.containers[1].securityContext.privileged", 16},
		{"spec.template.spec.containers[1]", 13},
		{"spec.template.spec.containers[0].image", 12},
		{"spec.template.spec.containers[1].securityContext.runAsNonRoot", 15}, // nearest parent
		{"spec.template.spec.containers[0].resources.limits", 11},
		{`metadata.labels["app.kubernetes.io/name"]`, 6},
		{"spec.template.spec.automountServiceAccountToken", 9},
		{"status.replicas", 1}, // no parent at all: the document's first line
		{"", 1},
	}
	for _, tt := range tests {
		if got := l.Line(tt.field); got != tt.want {
			t.Errorf("Line(%q) = %d, want %d", tt.field, got, tt.want)
		}
	}
	if got := (Lines{}).Line("spec"); got != 0 {
		t.Errorf("zero Lines: Line = %d, want 0", got)
	}
}

func TestParentField(t *testing.T) {
	tests := map[string]string{
		"a.b[1]":      "a.b",
		"a.b":         "a",
		"a":           "",
		`a["x.y"]`:    "a",
		`a["x.y"].b`:  `a["x.y"]`,
		"a[0][1]":     "a[0]",
		"items[2].sp": "items[2]",
	}
	for in, want := range tests {
		if got := parentField(in); got != want {
			t.Errorf("parentField(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewObjectFromLiveObject(t *testing.T) {
	d := &appsv1.Deployment{}
	d.Name, d.Namespace = "api", "shop"
	o, err := NewObject(d, Source{Ref: "namespaces/shop/deployments/api"})
	if err != nil {
		t.Fatal(err)
	}
	if o.Kind != "Deployment" || o.APIVersion != "apps/v1" || o.Name != "api" || o.Namespace != "shop" {
		t.Errorf("got %+v", o)
	}
	if diff := cmp.Diff(finding.Location{Object: "namespaces/shop/deployments/api"}, o.Location("spec.replicas")); diff != "" {
		t.Errorf("location (-want +got):\n%s", diff)
	}
	if _, err := NewObject(&corev1.ConfigMap{}, Source{}); err == nil {
		t.Error("NewObject accepted an unsupported kind")
	}
}
