package cluster

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/rbac"
)

func admin(t *testing.T) *kubernetes.Clientset {
	t.Helper()
	cs, err := kubernetes.NewForConfig(live(t).RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func apply(t *testing.T, manifest string) {
	t.Helper()
	if out, err := live(t).KubectlApply(context.Background(), manifest); err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, out)
	}
}

// bindClusterRole binds a ClusterRole to a user.
func bindClusterRole(t *testing.T, role, user string) {
	t.Helper()
	_, err := admin(t).RbacV1().ClusterRoleBindings().Create(context.Background(), &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: role + "-" + user},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: user}},
	}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

// readerRole applies deploy/fourc-reader-clusterrole.yaml (and the
// namespace and service account its binding names) once.
var readerRoleOnce sync.Once

func readerRole(t *testing.T) {
	t.Helper()
	readerRoleOnce.Do(func() {
		data, err := os.ReadFile("../../deploy/fourc-reader-clusterrole.yaml")
		if err != nil {
			t.Fatal(err)
		}
		apply(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: fourc}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: fourc, namespace: fourc}\n")
		apply(t, string(data))
	})
}

// waitFor polls cond for up to a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// shopApplied applies testdata/live/shop.yaml once and waits until the
// controllers have acted on it.
var shopOnce sync.Once

func shop(t *testing.T) {
	t.Helper()
	shopOnce.Do(func() {
		data, err := os.ReadFile("testdata/live/shop.yaml")
		if err != nil {
			t.Fatal(err)
		}
		apply(t, string(data))
		cs := admin(t)
		ctx := context.Background()
		waitFor(t, "the default service account and the Deployment's pods", func() bool {
			_, err := cs.CoreV1().ServiceAccounts("live-shop").Get(ctx, "default", metav1.GetOptions{})
			pods, perr := cs.CoreV1().Pods("live-shop").List(ctx, metav1.ListOptions{LabelSelector: "app=api"})
			return err == nil && perr == nil && len(pods.Items) == 2
		})
	})
}

type key struct{ ID, Kind, Name string }

func keys(fs []finding.Finding, keep func(finding.Finding) bool) []key {
	var out []key
	for _, f := range fs {
		if keep(f) {
			out = append(out, key{f.CheckID, f.Resource.Kind, f.Resource.Name})
		}
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return slices.Compact(out)
}

// TestLiveScanMatchesManifestScan applies a manifest to the API server,
// scans the namespace live and compares with the manifest scan of the same
// file: the same check IDs on the same resources, plus the live-only ones.
func TestLiveScanMatchesManifestScan(t *testing.T) {
	shop(t)
	data, err := os.ReadFile("testdata/live/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	objs, skipped := kube.Load("shop.yaml", data)
	if len(skipped) > 0 {
		t.Fatal(skipped)
	}
	manifest := kube.NewScanner(kube.Options{}).Evaluate(kube.NewSet(objs))

	res, err := Scan(context.Background(), Options{Kubeconfig: live(t).Kubeconfig, Namespace: "live-shop"})
	if err != nil {
		t.Fatal(err)
	}
	live, skippedLive := res.Findings, res.Skipped
	if len(skippedLive) > 0 {
		t.Errorf("admin scan skipped: %v", skippedLive)
	}
	ours := func(f finding.Finding) bool {
		return strings.HasPrefix(f.Resource.Name, "live-shop") || f.Resource.Name == "live-shop-deployer-admin"
	}
	manifestKeys := keys(manifest, ours)
	liveKeys := keys(live, func(f finding.Finding) bool { return ours(f) && !strings.HasPrefix(f.CheckID, "FC-LIVE-") })
	if len(manifestKeys) < 10 {
		t.Fatalf("the manifest scan found too little to compare: %v", manifestKeys)
	}
	if diff := cmp.Diff(manifestKeys, liveKeys); diff != "" {
		t.Errorf("shared checks, manifest vs live (-manifest +live):\n%s", diff)
	}

	liveOnly := keys(live, func(f finding.Finding) bool { return strings.HasPrefix(f.CheckID, "FC-LIVE-") })
	want := []key{
		{"FC-LIVE-001", "Deployment", "live-shop/api"},
		{"FC-LIVE-002", "CronJob", "live-shop/deploy"},
		{"FC-LIVE-003", "ServiceAccount", "live-shop/default"},
		{"FC-LIVE-004", "NetworkPolicy", "live-shop/web-ingress"},
		{"FC-LIVE-005", "Secret", "live-shop/deployer-token"},
		{"FC-LIVE-006", "Secret", "live-shop/db"},
	}
	if diff := cmp.Diff(want, liveOnly); diff != "" {
		t.Errorf("live-only findings (-want +got):\n%s", diff)
	}
	for _, f := range live {
		if f.Resource.Kind == "ReplicaSet" || f.Resource.Kind == "Pod" && f.Resource.Name != "live-shop/debug" {
			t.Errorf("finding on a controller-owned object: %s %s", f.CheckID, f.Resource)
		}
		if f.Location.Object == "" || f.Location.Path != "" {
			t.Errorf("live finding without an object reference: %+v", f.Location)
		}
		if strings.Contains(f.Message, "applied-with-kubectl") {
			t.Errorf("finding leaks a secret value: %s", f.Message)
		}
	}
}

// TestSnapshotFacts checks what a snapshot carries besides objects.
func TestSnapshotFacts(t *testing.T) {
	shop(t)
	snap, skipped, err := Read(context.Background(), Options{Kubeconfig: live(t).Kubeconfig, Namespace: "live-shop"})
	if err != nil || len(skipped) > 0 {
		t.Fatal(err, skipped)
	}
	if snap.Version != "v1.37.2" || snap.MinorVersion() != "v1.37" {
		t.Errorf("version %q (%q)", snap.Version, snap.MinorVersion())
	}
	if snap.Server != live(t).Server || snap.Context != "fourc-test" || snap.Namespace != "live-shop" {
		t.Errorf("server %q context %q namespace %q", snap.Server, snap.Context, snap.Namespace)
	}
	if ns := snap.Set.Namespaces; len(ns) != 1 || ns[0].Name != "live-shop" || ns[0].Object == nil {
		t.Errorf("want exactly the namespace read, with its object: %v", ns)
	}
	if snap.Counts["pods"] != 3 || snap.Counts["replicasets"] != 1 || snap.Counts["secrets"] != 2 {
		t.Errorf("counts: %v", snap.Counts)
	}
	for _, o := range snap.Set.Objects {
		if len(o.Meta().GetManagedFields()) > 0 || o.Meta().GetAnnotations()[lastApplied] != "" {
			t.Errorf("%s keeps managed fields or last-applied-configuration", o)
		}
		if p, ok := o.Typed.(*corev1.Pod); ok && p.Name != "debug" && len(p.Spec.Containers) > 0 {
			t.Errorf("controller-owned pod %s is not slimmed", p.Name)
		}
	}
	for _, s := range snap.Secrets {
		if _, ok := s.Annotations[lastApplied]; ok {
			t.Errorf("secret %s keeps last-applied-configuration", s.Name)
		}
	}
}

// TestReaderClusterRole scans the whole cluster as the service account
// that deploy/fourc-reader-clusterrole.yaml binds: nothing is skipped, the
// snapshot is the admin's, Secrets cannot be fetched with data, and every
// Secret request fourc made was a metadata-only list.
func TestReaderClusterRole(t *testing.T) {
	shop(t)
	readerRole(t)
	ctx := context.Background()
	cs := admin(t)
	const value = "only-in-the-data-field"
	if _, err := cs.CoreV1().Secrets("live-shop").Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "created-by-client"},
		StringData: map[string]string{"token": value},
	}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}

	// The role: list only, on exactly the resources fourc reads.
	data, err := os.ReadFile("../../deploy/fourc-reader-clusterrole.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var role rbacv1.ClusterRole
	if err := yaml.Unmarshal(bytes.Split(data, []byte("\n---"))[0], &role); err != nil {
		t.Fatal(err)
	}
	var granted []string
	gets := 0
	for _, r := range role.Rules {
		if slices.Equal(r.Verbs, []string{"get"}) {
			// The one get: kubeadm's ConfigMaps, by name.
			gets++
			if !slices.Equal(r.APIGroups, []string{""}) || !slices.Equal(r.Resources, []string{"configmaps"}) ||
				!slices.Equal(r.ResourceNames, KubeadmConfigMaps()) || len(r.NonResourceURLs) > 0 {
				t.Errorf("get rule grants more than kubeadm's ConfigMaps: %+v", r)
			}
			continue
		}
		if !slices.Equal(r.Verbs, []string{"list"}) || len(r.ResourceNames) > 0 || len(r.NonResourceURLs) > 0 {
			t.Errorf("rule grants more than list: %+v", r)
		}
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				if g == "" {
					granted = append(granted, res)
				} else {
					granted = append(granted, g+"/"+res)
				}
			}
		}
	}
	if gets != 1 {
		t.Errorf("%d get rules, want exactly one (kubeadm's ConfigMaps)", gets)
	}
	slices.Sort(granted)
	want := Resources()
	slices.Sort(want)
	if diff := cmp.Diff(want, granted); diff != "" {
		t.Errorf("role resources (-read +granted):\n%s", diff)
	}

	kc, err := live(t).ServiceAccountKubeconfig(ctx, "fourc", "fourc")
	if err != nil {
		t.Fatal(err)
	}
	snap, skipped, err := Read(ctx, Options{Kubeconfig: kc, AllNamespaces: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) > 0 {
		t.Errorf("the reader role is not enough: %v", skipped)
	}
	adminSnap, _, err := Read(ctx, Options{Kubeconfig: live(t).Kubeconfig, AllNamespaces: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range append(Resources(), "secrets") {
		name := r[strings.LastIndexByte(r, '/')+1:]
		if _, ok := snap.Counts[name]; !ok {
			t.Errorf("reader snapshot lacks %s", name)
		}
	}
	if snap.Counts["clusterroles"] != adminSnap.Counts["clusterroles"] || snap.Counts["secrets"] != adminSnap.Counts["secrets"] || snap.Counts["secrets"] < 3 {
		t.Errorf("reader counts %v, admin counts %v", snap.Counts, adminSnap.Counts)
	}

	// The role cannot fetch a Secret, nor list Secrets with their data.
	rc, err := clientcmd.BuildConfigFromFlags("", kc)
	if err != nil {
		t.Fatal(err)
	}
	reader := kubernetes.NewForConfigOrDie(rc)
	if _, err := reader.CoreV1().Secrets("live-shop").Get(ctx, "created-by-client", metav1.GetOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("reader get secret: %v, want forbidden", err)
	}

	// What the API server sent fourc for secrets: metadata lists only,
	// never the value.
	events := auditEvents(t, readerSA, "secrets")
	if len(events) == 0 {
		t.Fatal("no audit events of the reader's secrets requests")
	}
	for _, e := range events {
		if e.Verb == "get" {
			continue // the direct get above, forbidden
		}
		if e.Verb != "list" || e.ResponseObject.Kind != "PartialObjectMetadataList" {
			t.Errorf("secrets request %s %s answered with %q", e.Verb, e.RequestURI, e.ResponseObject.Kind)
		}
		if bytes.Contains(e.raw, []byte(value)) || bytes.Contains(e.raw, []byte("b25seS1pbi10aGUtZGF0YS1maWVsZA==")) {
			t.Errorf("secret value sent to fourc in %s", e.RequestURI)
		}
	}
}

type auditEvent struct {
	Verb           string                                `json:"verb"`
	RequestURI     string                                `json:"requestURI"`
	User           struct{ Username string }             `json:"user"`
	ObjectRef      *struct{ Resource, Namespace string } `json:"objectRef"`
	ResponseStatus *struct{ Code int }                   `json:"responseStatus"`
	ResponseObject struct{ Kind string }                 `json:"responseObject"`
	raw            []byte
}

// auditEvents returns the audit log's events of user on resource.
func auditEvents(t *testing.T, user, resource string) []auditEvent {
	t.Helper()
	time.Sleep(time.Second) // the log backend writes as requests complete
	f, err := os.Open(live(t).AuditLogPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []auditEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var e auditEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit log: %v", err)
		}
		if e.User.Username == user && e.ObjectRef != nil && e.ObjectRef.Resource == resource {
			e.raw = slices.Clone(sc.Bytes())
			out = append(out, e)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestForbiddenKindsAreSkipped scans as a user who may list everything
// but Secrets and CronJobs: the scan goes on and reports one skipped entry
// per kind.
func TestForbiddenKindsAreSkipped(t *testing.T) {
	shop(t)
	ctx := context.Background()
	var rules []rbacv1.PolicyRule
	for _, r := range resources() {
		if r.name != "cronjobs" {
			rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{r.group}, Resources: []string{r.name}, Verbs: []string{"list"}})
		}
	}
	rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: []string{"list"}},
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: KubeadmConfigMaps(), Verbs: []string{"get"}})
	if _, err := admin(t).RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "fourc-limited"}, Rules: rules,
	}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	bindClusterRole(t, "fourc-limited", limitedUser)
	kc, err := live(t).UserKubeconfig(limitedUser)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		ns   string
		want []finding.Skipped
	}{
		{"", []finding.Skipped{
			{Path: "cronjobs", Scanner: "cluster", Reason: "listing cronjobs: forbidden"},
			{Path: "secrets", Scanner: "cluster", Reason: "listing secrets: forbidden"},
		}},
		{"live-shop", []finding.Skipped{
			{Path: "namespaces/live-shop/cronjobs", Scanner: "cluster", Reason: "listing cronjobs: forbidden"},
			{Path: "namespaces/live-shop/secrets", Scanner: "cluster", Reason: "listing secrets: forbidden"},
		}},
	} {
		res, err := Scan(ctx, Options{Kubeconfig: kc, Namespace: tt.ns, AllNamespaces: tt.ns == ""})
		if err != nil {
			t.Fatal(err)
		}
		fs, skipped := res.Findings, res.Skipped
		if diff := cmp.Diff(tt.want, skipped); diff != "" {
			t.Errorf("namespace %q: skipped (-want +got):\n%s", tt.ns, diff)
		}
		got := keys(fs, func(f finding.Finding) bool { return true })
		if !slices.Contains(got, key{"FC-LIVE-001", "Deployment", "live-shop/api"}) {
			t.Errorf("namespace %q: the scan did not go on after the forbidden kinds: %v", tt.ns, got)
		}
		for _, k := range got {
			if k.Kind == "CronJob" || k.Kind == "Secret" {
				t.Errorf("finding on a kind that could not be read: %v", k)
			}
		}
	}
}

// TestPagination reads with a page size of 2 and checks that the server
// was asked page by page and that the result equals one big page's.
func TestPagination(t *testing.T) {
	readerRole(t)
	ctx := context.Background()
	cs := admin(t)
	const ns = "live-pages"
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := range 7 {
		if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("sa-%d", i)}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("s-%d", i)}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the default service account", func() bool {
		_, err := cs.CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{})
		return err == nil
	})
	bindClusterRole(t, "fourc-reader", pagerUser)
	kc, err := live(t).UserKubeconfig(pagerUser)
	if err != nil {
		t.Fatal(err)
	}
	small, skipped, err := Read(ctx, Options{Kubeconfig: kc, Namespace: ns, PageSize: 2})
	if err != nil || len(skipped) > 0 {
		t.Fatal(err, skipped)
	}
	big, _, err := Read(ctx, Options{Kubeconfig: kc, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	refs := func(s *Snapshot) []string {
		var out []string
		for _, o := range s.Set.Objects {
			out = append(out, o.Source.Ref)
		}
		for _, sec := range s.Secrets {
			out = append(out, sec.Ref())
		}
		return out
	}
	if diff := cmp.Diff(refs(big), refs(small)); diff != "" {
		t.Errorf("page size 2 vs 500 (-500 +2):\n%s", diff)
	}
	if small.Counts["serviceaccounts"] != 8 || small.Counts["secrets"] != 7 {
		t.Errorf("counts %v", small.Counts)
	}
	for _, res := range []string{"serviceaccounts", "secrets"} {
		var pages, continued int
		for _, e := range auditEvents(t, pagerUser, res) {
			if e.ObjectRef.Namespace != ns || !strings.Contains(e.RequestURI, "limit=2") {
				continue
			}
			pages++
			if strings.Contains(e.RequestURI, "continue=") {
				continued++
			}
		}
		if pages != 4 || continued != 3 {
			t.Errorf("%s: %d requests with limit=2, %d with a continue token; want 4 and 3", res, pages, continued)
		}
	}
}

// TestWhoCanAndPostureAgree reads a live cluster and asks who-can and the
// posture assets the same questions: both answer from the one RBAC model
// (whose own test compares it with the API server's authorizer on the
// whole request grid), so a service account the assets say reads Secrets
// or controls the cluster is one who-can lists, and the other way round.
func TestWhoCanAndPostureAgree(t *testing.T) {
	shop(t)
	ctx := context.Background()
	apply(t, `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-edit, namespace: live-shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
  - {kind: User, name: dana, apiGroup: rbac.authorization.k8s.io}
  - {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
`)
	snap, _, err := Read(ctx, Options{Kubeconfig: live(t).Kubeconfig, AllNamespaces: true})
	if err != nil {
		t.Fatal(err)
	}
	names := func(subjects []Subject) []string {
		var out []string
		for _, s := range subjects {
			out = append(out, s.String())
		}
		return out
	}
	got := names(WhoCan(snap, "create", "deployments", "live-shop"))
	for _, want := range []string{`User "dana"`, `Group "devs"`, `Group "system:masters"`, `ServiceAccount "live-shop/deployer"`} {
		if !slices.Contains(got, want) {
			t.Errorf("who can create deployments in live-shop: %v lacks %s", got, want)
		}
	}
	for _, s := range WhoCan(snap, "create", "deployments", "") {
		if s.Name == "dana" || s.Name == "devs" {
			t.Errorf("%s can create deployments cluster-wide?", s)
		}
	}

	namespaces := []string{""}
	for _, ns := range snap.Set.Namespaces {
		namespaces = append(namespaces, ns.Name)
	}
	checked := 0
	for _, a := range kube.Assets(snap.Set) {
		if a.Kind != "serviceaccount" {
			continue
		}
		ns, name, _ := strings.Cut(a.Name, "/")
		sa := rbac.ServiceAccount(ns, name)
		admin := listed(sa, WhoCan(snap, "*", "*.*", ""))
		secrets := false
		for _, n := range namespaces {
			for _, verb := range []string{"get", "list", "watch"} {
				secrets = secrets || listed(sa, WhoCan(snap, verb, "secrets", n))
			}
		}
		if a.Attrs["clusterAdmin"] != fmt.Sprint(admin) || a.Attrs["readSecrets"] != fmt.Sprint(secrets) {
			t.Errorf("%s: assets say clusterAdmin=%s readSecrets=%s, who-can says %v and %v",
				sa, a.Attrs["clusterAdmin"], a.Attrs["readSecrets"], admin, secrets)
		}
		checked++
	}
	if checked < 3 {
		t.Fatalf("only %d service account assets to compare", checked)
	}
	t.Logf("posture and who-can agree on %d service accounts", checked)
}

// listed reports whether who-can's answer names s, itself or through its
// user name or a group it is in.
func listed(s Subject, subjects []Subject) bool {
	user, groups := rbac.Identity(s)
	for _, x := range subjects {
		switch {
		case x.Kind == s.Kind && x.Namespace == s.Namespace && x.Name == s.Name,
			x.Kind == rbacv1.UserKind && x.Name == user,
			x.Kind == rbacv1.GroupKind && slices.Contains(groups, x.Name):
			return true
		}
	}
	return false
}
