package clustertest

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fourc-dev/fourc/internal/audit"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/testenv"
)

// auditPolicy logs pods, secrets, RBAC and admission configuration with
// their bodies, everything else as metadata.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: RequestResponse
  resources:
  - group: ""
    resources: ["pods", "pods/exec", "pods/attach", "pods/portforward", "secrets", "serviceaccounts/token"]
  - group: "rbac.authorization.k8s.io"
  - group: "admissionregistration.k8s.io"
- level: Request
  resources:
  - group: "apps"
- level: Metadata
`

// liveLog is the real API server's audit log, cut into phases by marker
// requests.
type liveLog struct {
	t     *testing.T
	env   *testenv.Cluster
	admin *kubernetes.Clientset
	n     int
}

// mark makes a request whose audit event names marker, waits until the
// event is in the log and returns the log's size then.
func (l *liveLog) mark(ctx context.Context) int64 {
	l.t.Helper()
	l.n++
	name := fmt.Sprintf("phase-marker-%d", l.n)
	_, _ = l.admin.CoreV1().ConfigMaps("default").Get(ctx, name, metav1.GetOptions{})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(l.env.AuditLogPath)
		if err == nil && bytes.Contains(data, []byte(name)) {
			end := bytes.Index(data, []byte(name))
			return int64(end + bytes.IndexByte(data[end:], '\n') + 1)
		}
		time.Sleep(50 * time.Millisecond)
	}
	l.t.Fatalf("marker %s never reached the audit log", name)
	return 0
}

// segment writes the log's bytes between two marks to a file.
func (l *liveLog) segment(from, to int64, name string) string {
	l.t.Helper()
	data, err := os.ReadFile(l.env.AuditLogPath)
	if err != nil {
		l.t.Fatal(err)
	}
	p := filepath.Join(l.t.TempDir(), name)
	if err := os.WriteFile(p, data[from:to], 0o600); err != nil {
		l.t.Fatal(err)
	}
	return p
}

// must returns v, and panics (failing the test) on err.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func analyze(t *testing.T, path string, opts audit.Options) []finding.Finding {
	t.Helper()
	a := audit.New(opts)
	_, skipped, err := audit.Read(context.Background(), []string{path}, nil, audit.ReadOptions{}, a.Observe)
	if err != nil || len(skipped) > 0 {
		t.Fatalf("reading %s: %v %v", path, err, skipped)
	}
	return a.Findings()
}

func ids(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		if !slices.Contains(out, f.CheckID) {
			out = append(out, f.CheckID)
		}
	}
	slices.Sort(out)
	return out
}

func describe(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n  %s %s: %s", f.CheckID, f.Resource, f.Message)
	}
	return b.String()
}

// TestRealAPIServer runs a normal and a suspicious phase against a real
// kube-apiserver with an audit policy, then analyses its real log: every
// suspicious action is reported, nothing of the normal phase is, and a
// profile learned on the normal phase finds the deviations. Findings of
// --follow arrive while the log grows.
func TestRealAPIServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	env := testenv.Start(t, testenv.WithAuditPolicy(auditPolicy), testenv.WithAnonymousAuth(true))
	admin := must(kubernetes.NewForConfig(env.RESTConfig()))
	l := &liveLog{t: t, env: env, admin: admin}
	setup(ctx, t, env, admin)
	sa := func(name string) *kubernetes.Clientset {
		path := must(env.ServiceAccountKubeconfig(ctx, "shop", name))
		rc := must(clientcmd.BuildConfigFromFlags("", path))
		return must(kubernetes.NewForConfig(rc))
	}
	api, reader := sa("api"), sa("reader")
	eveCfg := must(env.UserConfig("eve"))
	eve := must(kubernetes.NewForConfig(eveCfg))

	start := l.mark(ctx)
	normalPhase(ctx, t, api, admin)
	mid := l.mark(ctx)

	// --follow from here on: the exec must be reported while the log grows.
	followCtx, stopFollow := context.WithCancel(ctx)
	found := make(chan finding.Finding, 100)
	followDone := make(chan error, 1)
	go func() {
		a := audit.New(audit.Options{})
		_, err := audit.Follow(followCtx, env.AuditLogPath, nil, audit.FollowOptions{Poll: 50 * time.Millisecond}, func(ev *auditv1.Event, pos audit.Position) {
			for _, f := range a.Stream(ev, pos) {
				found <- f
			}
		})
		followDone <- err
	}()
	time.Sleep(300 * time.Millisecond) // audit.Follow starts at the end of the file
	_ = eve.CoreV1().RESTClient().Post().Namespace("shop").Resource("pods").Name("api-7d9f8b6c5d-x2k4p").SubResource("exec").
		Param("command", "sh").Param("stdout", "true").Do(ctx).Error()
	waitFor(t, found, "FC-RT-001")
	suspiciousPhase(ctx, t, env, admin, eve, eveCfg, api, reader)
	end := l.mark(ctx)
	stopFollow()
	if err := <-followDone; err != nil {
		t.Errorf("follow: %v", err)
	}

	normal := l.segment(start, mid, "normal.log")
	suspicious := l.segment(mid, end, "suspicious.log")

	if fs := analyze(t, normal, audit.Options{}); len(fs) > 0 {
		t.Errorf("normal phase: want no findings, got %s", describe(fs))
	}
	fs := analyze(t, suspicious, audit.Options{})
	want := []string{"FC-RT-001", "FC-RT-002", "FC-RT-003", "FC-RT-004", "FC-RT-005", "FC-RT-006", "FC-RT-007", "FC-RT-009", "FC-RT-010"}
	for _, id := range want {
		if !slices.Contains(ids(fs), id) {
			t.Errorf("suspicious phase: no %s finding; got %s", id, describe(fs))
		}
	}
	t.Logf("suspicious phase findings:%s", describe(fs))

	trusted := analyze(t, suspicious, audit.Options{TrustedNetworks: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if !slices.Contains(ids(trusted), "FC-RT-008") {
		t.Errorf("with trusted networks 10.0.0.0/8: no %s finding for requests from 127.0.0.1", "FC-RT-008")
	}

	// Learn the normal phase; the suspicious one deviates from it.
	p := audit.NewProfile()
	if _, _, err := audit.Read(ctx, []string{normal}, nil, audit.ReadOptions{}, func(ev *auditv1.Event, _ audit.Position) { p.Learn(ev) }); err != nil {
		t.Fatal(err)
	}
	if fs := analyze(t, normal, audit.Options{Profile: p}); len(fs) > 0 {
		t.Errorf("normal phase against its own profile: want nothing, got %s", describe(fs))
	}
	dev := analyze(t, suspicious, audit.Options{Profile: p})
	for _, id := range []string{"FC-RT-101", "FC-RT-103"} {
		if !slices.Contains(ids(dev), id) {
			t.Errorf("deviations: no %s; got %s", id, describe(dev))
		}
	}
	if !hasMessage(dev, "FC-RT-101", `"system:serviceaccount:shop:api"`) {
		t.Errorf("want FC-RT-101 for service account api listing secrets; got %s", describe(dev))
	}
}

func hasMessage(fs []finding.Finding, id, text string) bool {
	return slices.ContainsFunc(fs, func(f finding.Finding) bool { return f.CheckID == id && strings.Contains(f.Message, text) })
}

func waitFor(t *testing.T, found <-chan finding.Finding, id string) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case f := <-found:
			if f.CheckID == id {
				t.Logf("--follow reported while the log grew: %s", f.Message)
				return
			}
		case <-timeout:
			t.Fatalf("--follow: no %s finding within 30s", id)
		}
	}
}

func rule(verbs []string, group string, resources ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{APIGroups: []string{group}, Resources: resources, Verbs: verbs}
}

// setup creates the namespace, service accounts, RBAC, a pod and a
// webhook configuration; its requests are not in either phase.
func setup(ctx context.Context, t *testing.T, env *testenv.Cluster, admin *kubernetes.Clientset) {
	t.Helper()
	create := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, ns := range []string{"shop", "public"} {
		create(admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}))
	}
	for _, name := range []string{"api", "reader", "other"} {
		create(admin.CoreV1().ServiceAccounts("shop").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}))
	}
	create(admin.CoreV1().Secrets("shop").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db-password"}, StringData: map[string]string{"password": "x"}}, metav1.CreateOptions{}))
	create(admin.CoreV1().ConfigMaps("shop").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "app-config"}}, metav1.CreateOptions{}))
	read := []string{"get", "list", "watch"}
	roles := map[string][]rbacv1.PolicyRule{
		"api":    {rule(read, "", "configmaps", "secrets")},
		"reader": {rule(read, "", "secrets")},
		"eve": {rule([]string{"create", "get"}, "", "pods/exec"), rule([]string{"create"}, "", "serviceaccounts/token"),
			rule([]string{"impersonate"}, "", "serviceaccounts")},
	}
	for name, rules := range roles {
		create(admin.RbacV1().Roles("shop").Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{}))
		subject := rbacv1.Subject{Kind: "ServiceAccount", Name: name, Namespace: "shop"}
		if name == "eve" {
			subject = rbacv1.Subject{Kind: "User", Name: "eve", APIGroup: "rbac.authorization.k8s.io"}
		}
		create(admin.RbacV1().RoleBindings("shop").Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: name}, Subjects: []rbacv1.Subject{subject}}, metav1.CreateOptions{}))
	}
	create(admin.RbacV1().Roles("public").Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "anon"}, Rules: []rbacv1.PolicyRule{rule([]string{"list"}, "", "pods")}}, metav1.CreateOptions{}))
	create(admin.RbacV1().RoleBindings("public").Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "anon"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "anon"},
		Subjects: []rbacv1.Subject{{Kind: "Group", Name: "system:unauthenticated", APIGroup: "rbac.authorization.k8s.io"}}}, metav1.CreateOptions{}))
	create(admin.CoreV1().Pods("shop").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "api-7d9f8b6c5d-x2k4p"},
		Spec: corev1.PodSpec{ServiceAccountName: "api", Containers: []corev1.Container{{Name: "api", Image: "registry.example.com/shop/api:1"}}}}, metav1.CreateOptions{}))
	none, fail := admissionv1.SideEffectClassNone, admissionv1.Ignore
	url := "https://127.0.0.1:1/validate"
	create(admin.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, &admissionv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "policy-gate"},
		Webhooks: []admissionv1.ValidatingWebhook{{Name: "gate.example.com", SideEffects: &none, FailurePolicy: &fail,
			AdmissionReviewVersions: []string{"v1"}, ClientConfig: admissionv1.WebhookClientConfig{URL: &url},
			Rules: []admissionv1.RuleWithOperations{{Operations: []admissionv1.OperationType{admissionv1.Create},
				Rule: admissionv1.Rule{APIGroups: []string{"example.com"}, APIVersions: []string{"v1"}, Resources: []string{"widgets"}}}}}},
	}, metav1.CreateOptions{}))
	_ = env
}

// normalPhase: a service account reads its own configmaps, an admin
// creates deployments.
func normalPhase(ctx context.Context, t *testing.T, api, admin *kubernetes.Clientset) {
	t.Helper()
	for range 3 {
		must(api.CoreV1().ConfigMaps("shop").List(ctx, metav1.ListOptions{}))
		must(api.CoreV1().ConfigMaps("shop").Get(ctx, "app-config", metav1.GetOptions{}))
	}
	for _, name := range []string{"web", "worker"} {
		labels := map[string]string{"app": name}
		must(admin.AppsV1().Deployments("shop").Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: name, Image: "registry.example.com/shop/" + name + ":1"}}}}}},
			metav1.CreateOptions{}))
	}
}

// suspiciousPhase does every suspicious thing but the exec (done first,
// under --follow).
func suspiciousPhase(ctx context.Context, t *testing.T, env *testenv.Cluster, admin, eve *kubernetes.Clientset, eveCfg *rest.Config, api, reader *kubernetes.Clientset) {
	t.Helper()
	must(reader.CoreV1().Secrets("shop").List(ctx, metav1.ListOptions{}))
	must(api.CoreV1().Secrets("shop").List(ctx, metav1.ListOptions{}))

	anon := must(kubernetes.NewForConfig(&rest.Config{Host: env.Server, TLSClientConfig: rest.TLSClientConfig{CAFile: env.CAFile}}))
	must(anon.CoreV1().Pods("public").List(ctx, metav1.ListOptions{}))

	yes := true
	must(admin.CoreV1().Pods("shop").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "debug"},
		Spec: corev1.PodSpec{ServiceAccountName: "api", HostPID: true, Containers: []corev1.Container{{Name: "sh", Image: "busybox",
			SecurityContext: &corev1.SecurityContext{Privileged: &yes}}}}}, metav1.CreateOptions{}))

	must(admin.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "other-admin"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "other", Namespace: "shop"}}}, metav1.CreateOptions{}))

	must(eve.CoreV1().ServiceAccounts("shop").CreateToken(ctx, "api", &authenticationv1.TokenRequest{}, metav1.CreateOptions{}))

	imp := rest.CopyConfig(eveCfg)
	imp.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:shop:api"}
	must(must(kubernetes.NewForConfig(imp)).CoreV1().ConfigMaps("shop").List(ctx, metav1.ListOptions{}))

	if err := admin.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(ctx, "policy-gate", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}

	bad := must(kubernetes.NewForConfig(&rest.Config{Host: env.Server, BearerToken: "not-a-token", TLSClientConfig: rest.TLSClientConfig{CAFile: env.CAFile}}))
	for range audit.DefaultBurstThreshold + 2 {
		_, _ = bad.CoreV1().Secrets("shop").List(ctx, metav1.ListOptions{})
	}
}
