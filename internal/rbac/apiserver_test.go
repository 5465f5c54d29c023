package rbac

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fourc-dev/fourc/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite defaults.json from the API server")

// The grid the model is compared with the API server on: every subject
// some binding names (users, groups, service accounts, the API server's
// bootstrap ones included) × verb × resource × namespace × object name.
var (
	gridResources  = []string{"pods", "secrets", "configmaps", "deployments", "deployments/scale", "pods/exec", "serviceaccounts/token", "clusterroles", "nodes", "widgets.example.com"}
	gridURLs       = []string{"/metrics", "/healthz", "/debug/pprof", "/api", "/apis/apps"}
	gridVerbs      = []string{"get", "list", "create", "delete", "GET"}
	gridNamespaces = []string{"", "grid-a", "grid-b"}
	gridNames      = []string{"", "app-tls", "other"}
)

func gridRequests() []Request {
	var out []Request
	for _, verb := range gridVerbs {
		for _, url := range gridURLs {
			out = append(out, Request{Verb: verb, Resource: url})
		}
		for _, res := range gridResources {
			for _, ns := range gridNamespaces {
				for _, name := range gridNames {
					r := ParseResource(res)
					r.Verb, r.Namespace, r.Name = verb, ns, name
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// readPolicy lists the RBAC objects of the API server and builds the
// model from them, with the rules of every aggregating ClusterRole
// cleared: the model must resolve aggregation itself, as it does for
// manifests.
func readPolicy(t *testing.T, cs *kubernetes.Clientset) (*Policy, map[string][]rbacv1.PolicyRule) {
	t.Helper()
	ctx := context.Background()
	var objs Objects
	crs, err := cs.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	served := map[string][]rbacv1.PolicyRule{}
	for i := range crs.Items {
		cr := crs.Items[i].DeepCopy()
		if cr.AggregationRule != nil {
			served[cr.Name] = cr.Rules
			cr.Rules = nil
		}
		objs.Add(cr)
	}
	roles, err := cs.RbacV1().Roles("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range roles.Items {
		objs.Add(&roles.Items[i])
	}
	crbs, err := cs.RbacV1().ClusterRoleBindings().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range crbs.Items {
		objs.Add(&crbs.Items[i])
	}
	rbs, err := cs.RbacV1().RoleBindings("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range rbs.Items {
		objs.Add(&rbs.Items[i])
	}
	return New(objs), served
}

// aggregationDiff compares the model's aggregation with the controller's:
// the same rules, as sets, for every aggregating ClusterRole.
func aggregationDiff(p *Policy, served map[string][]rbacv1.PolicyRule) []string {
	var out []string
	for name, want := range served {
		got := p.ClusterRoleRules(name)
		same := len(got) == len(want)
		for _, w := range want {
			same = same && slices.ContainsFunc(got, func(r Rule) bool { return equalRule(r.PolicyRule, w) })
		}
		if !same {
			out = append(out, fmt.Sprintf("ClusterRole %q: model has %d rules, the aggregation controller %d", name, len(got), len(want)))
		}
	}
	sort.Strings(out)
	return out
}

// TestAgreesWithAPIServer compares the model with the API server's own
// authorizer (SubjectAccessReview) on the whole grid.
func TestAgreesWithAPIServer(t *testing.T) {
	env := testenv.Start(t, testenv.WithControllerManager(), testenv.WithLogf(t.Logf))
	ctx := context.Background()
	data, err := os.ReadFile("testdata/grid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := env.KubectlApply(ctx, string(data)); err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, out)
	}
	cs, err := kubernetes.NewForConfig(env.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}

	// The aggregation controller runs asynchronously: wait until it has
	// filled in the grid's roles and the bootstrap admin, edit and view,
	// then require the model's aggregation to equal its own.
	var (
		p    *Policy
		diff []string
	)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(500 * time.Millisecond) {
		var served map[string][]rbacv1.PolicyRule
		p, served = readPolicy(t, cs)
		diff = aggregationDiff(p, served)
		if len(diff) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, d := range diff {
		t.Error(d)
	}
	checkDefaults(t, cs)

	subjects := p.Subjects()
	requests := gridRequests()
	if len(subjects) < 40 {
		t.Fatalf("too few subjects to compare: %v", subjects)
	}
	mismatch, checked := compareGrid(ctx, t, cs, p, subjects, requests)
	for _, m := range mismatch {
		t.Error(m)
	}
	t.Logf("compared %d decisions: %d subjects × %d requests", checked, len(subjects), len(requests))
	if checked != len(subjects)*len(requests) {
		t.Errorf("compared %d decisions, want %d", checked, len(subjects)*len(requests))
	}
	checkWhoCan(t, p, subjects, requests)
}

// compareGrid asks the API server about every subject and request and
// returns the decisions the model got wrong.
func compareGrid(ctx context.Context, t *testing.T, cs *kubernetes.Clientset, p *Policy, subjects []Subject, requests []Request) ([]string, int) {
	t.Helper()
	var (
		mu       sync.Mutex
		mismatch []string
		wg       sync.WaitGroup
		checked  int
		allowed  int
	)
	sem := make(chan struct{}, 6)
	for _, s := range subjects {
		for _, req := range requests {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				got, err := cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, accessReview(s, req), metav1.CreateOptions{})
				ours, _ := p.Can(s, req)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					mismatch = append(mismatch, err.Error())
				case ours != got.Status.Allowed:
					mismatch = append(mismatch, fmt.Sprintf("%s %s %s/%s %q -n %q: fourc %v, API server %v (%s)",
						s, req.Verb, req.Resource, req.Subresource, req.Name, req.Namespace, ours, got.Status.Allowed, got.Status.Reason))
				}
				if err == nil {
					checked++
					if got.Status.Allowed {
						allowed++
					}
				}
			}()
		}
	}
	wg.Wait()
	sort.Strings(mismatch)
	t.Logf("the API server allowed %d of %d decisions", allowed, checked)
	if allowed == 0 || allowed == checked {
		t.Errorf("a grid where every decision is the same (%d of %d allowed) proves nothing", allowed, checked)
	}
	return mismatch, checked
}

func accessReview(s Subject, req Request) *authorizationv1.SubjectAccessReview {
	user, groups := Identity(s)
	sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{User: user, Groups: groups}}
	if req.NonResource() {
		sar.Spec.NonResourceAttributes = &authorizationv1.NonResourceAttributes{Path: req.Resource, Verb: req.Verb}
		return sar
	}
	sar.Spec.ResourceAttributes = &authorizationv1.ResourceAttributes{
		Namespace: req.Namespace, Verb: req.Verb, Group: req.Group, Resource: req.Resource, Subresource: req.Subresource, Name: req.Name,
	}
	return sar
}

// checkWhoCan: who-can answers from the same model. On the whole grid a
// user or service account it lists is allowed (which the API server
// agreed with), and every allowed subject is listed, itself or through a
// group it belongs to.
func checkWhoCan(t *testing.T, p *Policy, subjects []Subject, requests []Request) {
	t.Helper()
	for _, req := range requests {
		listed := map[string]bool{}
		for _, s := range p.WhoCan(req) {
			listed[s.Kind+"/"+s.Namespace+"/"+s.Name] = true
			if ok, _ := p.Can(s, req); !ok {
				t.Errorf("who-can %s %s/%s %q -n %q lists %s, which may not", req.Verb, req.Resource, req.Subresource, req.Name, req.Namespace, s)
			}
		}
		for _, s := range subjects {
			if ok, _ := p.Can(s, req); !ok {
				continue
			}
			user, groups := Identity(s)
			found := listed[s.Kind+"/"+s.Namespace+"/"+s.Name] || listed["User//"+user]
			for _, g := range groups {
				found = found || listed["Group//"+g]
			}
			if !found {
				t.Errorf("who-can %s %s/%s %q -n %q does not list %s, which may", req.Verb, req.Resource, req.Subresource, req.Name, req.Namespace, s)
			}
		}
	}
}

// Run the grid's SubjectAccessReviews only where strings are used as
// the authorizer uses them: this guards the test's own request builder.
func TestGridRequests(t *testing.T) {
	reqs := gridRequests()
	want := len(gridVerbs) * (len(gridURLs) + len(gridResources)*len(gridNamespaces)*len(gridNames))
	if len(reqs) != want {
		t.Fatalf("%d requests, want %d", len(reqs), want)
	}
	for _, r := range reqs {
		if r.NonResource() && (r.Namespace != "" || r.Name != "") {
			t.Errorf("non-resource request with a namespace or name: %+v", r)
		}
		if strings.Contains(r.Resource, "/") && !r.NonResource() {
			t.Errorf("subresource left in Resource: %+v", r)
		}
	}
}

// checkDefaults compares the embedded default ClusterRoles with those the
// API server serves (after aggregation), or rewrites them with -update.
func checkDefaults(t *testing.T, cs *kubernetes.Clientset) {
	t.Helper()
	var served []*rbacv1.ClusterRole
	for _, name := range []string{"cluster-admin", "admin", "edit", "view"} {
		cr, err := cs.RbacV1().ClusterRoles().Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		served = append(served, &rbacv1.ClusterRole{
			ObjectMeta:      metav1.ObjectMeta{Name: cr.Name, Labels: cr.Labels},
			Rules:           cr.Rules,
			AggregationRule: cr.AggregationRule,
		})
	}
	if *update {
		data, err := json.MarshalIndent(served, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("defaults.json", append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	embedded, err := DefaultClusterRoles()
	if err != nil {
		t.Fatal(err)
	}
	if len(embedded) != len(served) {
		t.Fatalf("defaults.json has %d ClusterRoles, the API server %d: run the test with -update", len(embedded), len(served))
	}
	for i, cr := range served {
		got := embedded[i]
		same := got.Name == cr.Name && len(got.Rules) == len(cr.Rules)
		for _, r := range cr.Rules {
			same = same && slices.ContainsFunc(got.Rules, func(x rbacv1.PolicyRule) bool { return equalRule(x, r) })
		}
		if !same {
			t.Errorf("defaults.json: ClusterRole %q differs from the API server's: run the test with -update", cr.Name)
		}
	}
}
