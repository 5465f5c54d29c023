package rbac

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

func TestParseResource(t *testing.T) {
	tests := []struct {
		in   string
		want Request
	}{
		{"pods", Request{Resource: "pods"}},
		{"pods/exec", Request{Resource: "pods", Subresource: "exec"}},
		{"deployments", Request{Group: "apps", Resource: "deployments"}},
		{"deployments.apps/scale", Request{Group: "apps", Resource: "deployments", Subresource: "scale"}},
		{"widgets.example.com", Request{Group: "example.com", Resource: "widgets"}},
		{"widgets", Request{Resource: "widgets", AnyGroup: true}},
		{"/metrics", Request{Resource: "/metrics"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ParseResource(tt.in)); diff != "" {
			t.Errorf("ParseResource(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestClusterRoleRulesAggregation(t *testing.T) {
	r := New(load(t, "testdata/world.yaml"))
	resources := func(rules []Rule) []string {
		var out []string
		for _, x := range rules {
			out = append(out, x.Resources...)
		}
		return out
	}
	tests := []struct {
		role string
		want []string
	}{
		// admin ← edit (← edit-apps, view) ; view ← admin (cycle)
		{"admin", []string{"pods/exec", "deployments", "*/scale", "pods", "deployments"}},
		{"edit", []string{"deployments", "*/scale", "pods", "deployments", "pods/exec"}},
		{"view", []string{"pods", "deployments", "pods/exec", "deployments", "*/scale"}},
		{"metrics", []string{"secrets", "widgets"}},
		{"does-not-exist", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, resources(r.ClusterRoleRules(tt.role))); diff != "" {
			t.Errorf("ClusterRoleRules(%q) resources (-want +got):\n%s", tt.role, diff)
		}
	}
}

func TestWhoCan(t *testing.T) {
	p := New(load(t, "testdata/world.yaml"))
	masters := Subject{Kind: "Group", Name: "system:masters", Via: []string{`ClusterRoleBinding "cluster-admin" → ClusterRole "cluster-admin"`}}
	devsVia := []string{`RoleBinding "shop/devs-admin" → ClusterRole "admin"`}
	tests := []struct {
		verb, resource, ns string
		want               []Subject
	}{
		{"create", "pods/exec", "shop", []Subject{
			{Kind: "User", Name: "alice", Via: devsVia},
			{Kind: "Group", Name: "devs", Via: devsVia},
			masters,
			// view aggregates admin in this world, so every service account of shop gets it
			{Kind: "Group", Name: "system:serviceaccounts:shop", Via: []string{`RoleBinding "shop/all-sa-view" → ClusterRole "view"`}},
		}},
		{"create", "pods/exec", "", []Subject{masters}},
		{"create", "pods/exec", "billing", []Subject{masters}},
		{"update", "deployments/scale", "shop", []Subject{
			{Kind: "User", Name: "alice", Via: devsVia},
			{Kind: "Group", Name: "devs", Via: devsVia},
			masters,
			{Kind: "Group", Name: "system:serviceaccounts:shop", Via: []string{`RoleBinding "shop/all-sa-view" → ClusterRole "view"`}},
		}},
		{"get", "secrets", "shop", []Subject{
			{Kind: "User", Name: "system:serviceaccount:shop:worker", Via: []string{`RoleBinding "shop/api-secrets" → Role "shop/secrets"`}},
			masters,
			{Kind: "ServiceAccount", Name: "api", Namespace: "shop", Via: []string{`RoleBinding "shop/api-secrets" → Role "shop/secrets"`}},
		}},
		// resourceNames limit the rule to one Secret: not "get secrets"
		{"get", "secrets", "", []Subject{masters}},
		{"get", "/metrics", "", []Subject{masters, {Kind: "ServiceAccount", Name: "prometheus", Namespace: "monitoring", Via: []string{`ClusterRoleBinding "prometheus" → ClusterRole "metrics"`}}}},
		{"get", "/debug/pprof", "", []Subject{masters, {Kind: "ServiceAccount", Name: "prometheus", Namespace: "monitoring", Via: []string{`ClusterRoleBinding "prometheus" → ClusterRole "metrics"`}}}},
		{"post", "/metrics", "", []Subject{masters}},
		{"list", "widgets", "", []Subject{masters, {Kind: "ServiceAccount", Name: "prometheus", Namespace: "monitoring", Via: []string{`ClusterRoleBinding "prometheus" → ClusterRole "metrics"`}}}},
		{"list", "widgets.other.io", "", []Subject{masters}},
	}
	for _, tt := range tests {
		req := ParseResource(tt.resource)
		req.Verb, req.Namespace = tt.verb, tt.ns
		got := p.WhoCan(req)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("WhoCan(%s %s -n %q) (-want +got):\n%s", tt.verb, tt.resource, tt.ns, diff)
		}
	}
}

func TestCanThroughImplicitGroups(t *testing.T) {
	r := New(load(t, "testdata/world.yaml"))
	listPods := Request{Verb: "list", Resource: "pods", Namespace: "shop"}
	getSecrets := Request{Verb: "get", Resource: "secrets", Namespace: "shop"}
	tests := []struct {
		s    Subject
		req  Request
		want bool
	}{
		{ServiceAccount("shop", "anything"), listPods, true},     // system:serviceaccounts:shop → view
		{ServiceAccount("billing", "anything"), listPods, false}, // other namespace's group
		{ServiceAccount("shop", "worker"), getSecrets, true},     // bound as a User name
		{ServiceAccount("shop", "api"), getSecrets, true},        // namespace defaulted from the binding
		{ServiceAccount("billing", "api"), getSecrets, false},
		{Subject{Kind: "User", Name: "mallory"}, getSecrets, false}, // broken and dangling bindings grant nothing
		{Subject{Kind: "User", Name: "bob"}, listPods, false},
		{Subject{Kind: "Group", Name: "devs"}, listPods, true},
		{Subject{Kind: "Group", Name: "system:masters"}, Request{Verb: "*", Group: "*", Resource: "*"}, true},
		{Subject{Kind: "Group", Name: "devs"}, Request{Verb: "*", Group: "*", Resource: "*", Namespace: "shop"}, false},
	}
	for _, tt := range tests {
		if got, _ := r.Can(tt.s, tt.req); got != tt.want {
			t.Errorf("Can(%s, %+v) = %v, want %v", tt.s, tt.req, got, tt.want)
		}
	}
}

func TestPermissionsAndSubjects(t *testing.T) {
	r := New(load(t, "testdata/world.yaml"))
	got := r.Permissions(ServiceAccount("shop", "api"))
	var via []string
	for _, g := range got {
		if g.Namespace != "shop" {
			t.Errorf("grant outside shop: %+v", g)
		}
		via = append(via, g.Via)
	}
	want := []string{
		// view's own rule, admin's and edit-apps' (through edit)
		`RoleBinding "shop/all-sa-view" → ClusterRole "view"`,
		`RoleBinding "shop/all-sa-view" → ClusterRole "view"`,
		`RoleBinding "shop/all-sa-view" → ClusterRole "view"`,
		`RoleBinding "shop/api-secrets" → Role "shop/secrets"`,
	}
	if diff := cmp.Diff(want, via); diff != "" {
		t.Errorf("Permissions (-want +got):\n%s", diff)
	}
	var names []string
	for _, s := range r.Subjects() {
		names = append(names, s.String())
	}
	wantNames := []string{
		`User "alice"`, `User "mallory"`, `User "system:serviceaccount:shop:worker"`,
		`Group "devs"`, `Group "system:masters"`, `Group "system:serviceaccounts:shop"`,
		`ServiceAccount "monitoring/prometheus"`, `ServiceAccount "shop/api"`,
	}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("Subjects (-want +got):\n%s", diff)
	}
}

// load decodes the RBAC objects of a multi-document YAML file.
func load(t *testing.T, path string) Objects {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var objs Objects
	for _, doc := range strings.Split(string(data), "\n---") {
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(doc), &tm); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var obj runtime.Object
		switch tm.Kind {
		case "Role":
			obj = &rbacv1.Role{}
		case "ClusterRole":
			obj = &rbacv1.ClusterRole{}
		case "RoleBinding":
			obj = &rbacv1.RoleBinding{}
		case "ClusterRoleBinding":
			obj = &rbacv1.ClusterRoleBinding{}
		default:
			continue
		}
		if err := yaml.UnmarshalStrict([]byte(doc), obj); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		objs.Add(obj)
	}
	return objs
}

// TestResourceNames: a rule limited by resourceNames allows requests that
// name one of them, and nothing on the collection.
func TestResourceNames(t *testing.T) {
	p := New(load(t, "testdata/world.yaml"))
	prom := ServiceAccount("monitoring", "prometheus")
	tests := []struct {
		verb, name string
		want       bool
	}{
		{"get", "metrics-tls", true},
		{"get", "other", false},
		{"get", "", false},
		{"list", "", false},
		{"delete", "metrics-tls", false},
	}
	for _, tt := range tests {
		req := Request{Verb: tt.verb, Resource: "secrets", Name: tt.name, Namespace: "shop"}
		if got, _ := p.Can(prom, req); got != tt.want {
			t.Errorf("Can(%s, %s secrets %q) = %v, want %v", prom, tt.verb, tt.name, got, tt.want)
		}
	}
}

// TestAggregatedRulesSayWhereFrom: the rules a ClusterRole aggregates name
// the ClusterRole they are declared in, and their index there.
func TestAggregatedRulesSayWhereFrom(t *testing.T) {
	p := New(load(t, "testdata/world.yaml"))
	var got []string
	for _, r := range p.ClusterRoleRules("admin") {
		got = append(got, fmt.Sprintf("%s#%d", r.From, r.Index))
	}
	want := []string{"#0", "edit-apps#0", "view#0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("admin's rules (-want +got):\n%s", diff)
	}
}

// TestVerbsAreCaseSensitive: the authorizer matches verbs exactly.
func TestVerbsAreCaseSensitive(t *testing.T) {
	rule := rbacv1.PolicyRule{Verbs: []string{"GET"}, APIGroups: []string{""}, Resources: []string{"pods"}}
	if Allows(rule, Request{Verb: "get", Resource: "pods"}) {
		t.Error(`a rule of verb "GET" allows "get"`)
	}
}
