package admission

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/testenv"
)

// env is the real control plane (etcd and kube-apiserver) the package's
// live tests share; it starts on first use, so that the other tests run
// without it.
var (
	envOnce sync.Once
	env     *testenv.Cluster
	envErr  error
)

func live(t *testing.T) *testenv.Cluster {
	t.Helper()
	envOnce.Do(func() { env, envErr = testenv.New(context.Background(), testenv.WithLogf(t.Logf)) })
	if envErr != nil {
		t.Fatalf("starting the test control plane: %v", envErr)
	}
	return env
}

func TestMain(m *testing.M) {
	code := m.Run()
	if env != nil {
		env.Stop()
	}
	os.Exit(code)
}

// warnings collects the warnings the API server sends a client.
type warnings struct {
	mu   sync.Mutex
	list []string
}

func (w *warnings) HandleWarningHeaderWithContext(_ context.Context, _ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, text)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.list
	w.list = nil
	return out
}

// TestAdmissionLive registers the webhook with a real API server, by URL
// and CA bundle, and creates objects through it in namespaces of each mode.
func TestAdmissionLive(t *testing.T) {
	c := live(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := c.RESTConfig()
	warned := &warnings{}
	cfg.WarningHandlerWithContext = warned
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for ns, mode := range map[string]Mode{"enf": ModeEnforce, "wrn": ModeWarn, "aud": ModeAudit} {
		createNamespace(ctx, t, cs, ns, map[string]string{ModeLabel: string(mode)})
	}
	cache := NewCache(cs)
	cache.Start(ctx)
	if !cache.WaitForSync(ctx) {
		t.Fatal("informers did not sync")
	}
	s, err := NewServer(Config{Lookup: cache, Ready: cache.Synced, ClusterVersion: "v1.37", FailurePolicy: FailClosed})
	if err != nil {
		t.Fatal(err)
	}
	url := serveWebhook(ctx, t, s)
	registerWebhook(ctx, t, cs, url, []string{"enf", "wrn", "aud"})

	// The API server picks the configuration up asynchronously: wait for
	// a server-side dry run to be denied.
	waitFor(t, 30*time.Second, "the webhook to deny", func() bool {
		_, err := cs.CoreV1().Pods("enf").Create(ctx, testPod("probe", true), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		return err != nil && strings.Contains(err.Error(), "FC-K8S-101")
	})
	warned.take()

	t.Run("enforce denies, naming the check", func(t *testing.T) {
		_, err := cs.CoreV1().Pods("enf").Create(ctx, testPod("privileged", true), metav1.CreateOptions{})
		if err == nil {
			t.Fatal("privileged pod created in an enforce namespace")
		}
		t.Logf("kubectl would show: %v", err)
		for _, want := range []string{"denied the request", "[FC-K8S-101] Container runs privileged", "Fix: "} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		}
	})
	t.Run("a compliant pod is allowed", func(t *testing.T) {
		if _, err := cs.CoreV1().Pods("enf").Create(ctx, testPod("compliant", false), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, w := range warned.take() {
			if strings.Contains(w, "fourc") {
				t.Errorf("warning for a compliant pod: %q", w)
			}
		}
	})
	t.Run("warn allows and the client sees the warning", func(t *testing.T) {
		if _, err := cs.CoreV1().Pods("wrn").Create(ctx, testPod("privileged", true), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		ws := warned.take()
		t.Logf("warnings: %q", ws)
		if !slices.ContainsFunc(ws, func(w string) bool { return strings.Contains(w, "FC-K8S-101") }) {
			t.Errorf("warnings %q do not name FC-K8S-101", ws)
		}
	})
	t.Run("audit allows and records", func(t *testing.T) {
		before := counterValue(s.metrics.violations.WithLabelValues("FC-K8S-101", "audit"))
		if _, err := cs.CoreV1().Pods("aud").Create(ctx, testPod("privileged", true), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if ws := warned.take(); slices.ContainsFunc(ws, func(w string) bool { return strings.Contains(w, "fourc") }) {
			t.Errorf("warnings in audit mode: %q", ws)
		}
		if after := counterValue(s.metrics.violations.WithLabelValues("FC-K8S-101", "audit")); after != before+1 {
			t.Errorf("audit violations %v → %v, want one more", before, after)
		}
	})
	t.Run("relabelling a namespace changes its mode", func(t *testing.T) {
		ns, err := cs.CoreV1().Namespaces().Get(ctx, "aud", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ns.Labels[ModeLabel] = "enforce"
		if _, err := cs.CoreV1().Namespaces().Update(ctx, ns, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 10*time.Second, "the cache to see the label", func() bool {
			n := cache.Namespace("aud")
			return n != nil && n.Labels[ModeLabel] == "enforce"
		})
		if _, err := cs.CoreV1().Pods("aud").Create(ctx, testPod("privileged-2", true), metav1.CreateOptions{}); err == nil {
			t.Error("privileged pod created after the namespace was switched to enforce")
		}
	})
}

// TestDryRunLive lists a real cluster and judges what it has.
func TestDryRunLive(t *testing.T) {
	c := live(t)
	ctx := context.Background()
	cs, err := kubernetes.NewForConfig(c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	createNamespace(ctx, t, cs, "dry-enf", nil)
	createNamespace(ctx, t, cs, "dry-off", map[string]string{ModeLabel: "off"})
	for _, ns := range []string{"dry-enf", "dry-off"} {
		if _, err := cs.CoreV1().Pods(ns).Create(ctx, testPod("privileged", true), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.CoreV1().Pods(ns).Create(ctx, testPod("fine", false), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := ParsePolicy("policy.yaml", []byte("admission:\n  mode: audit\n  namespaces:\n    dry-*: enforce\n"))
	if err != nil {
		t.Fatal(err)
	}
	snap, _, err := cluster.Read(ctx, cluster.Options{Kubeconfig: c.Kubeconfig, AllNamespaces: true})
	if err != nil {
		t.Fatal(err)
	}
	verdicts, err := DryRun(ctx, snap.Set, p, snap.MinorVersion())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range verdicts {
		if strings.HasPrefix(v.Namespace, "dry-") {
			got = append(got, v.Decision+" "+v.Kind+" "+v.Namespace+"/"+v.Name)
		}
		if v.Decision == "deny" && !slices.ContainsFunc(v.Violations, func(x Violation) bool { return x.CheckID == "FC-K8S-101" && x.Severity == finding.SeverityHigh }) {
			t.Errorf("deny without FC-K8S-101: %+v", v)
		}
	}
	// The label's off wins over the policy's glob; the compliant pod
	// passes.
	if want := []string{"deny Pod dry-enf/privileged"}; !slices.Equal(got, want) {
		t.Errorf("verdicts %q, want %q", got, want)
	}
}

func createNamespace(ctx context.Context, t *testing.T, cs kubernetes.Interface, name string, labels map[string]string) {
	t.Helper()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// No controller manager runs: make the default service account the
	// ServiceAccount admission plugin asks for.
	if _, err := cs.CoreV1().ServiceAccounts(name).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// serveWebhook serves s on 127.0.0.1 with a certificate from a CA made
// for the test, and returns the webhook's URL.
func serveWebhook(ctx context.Context, t *testing.T, s *Server) string {
	t.Helper()
	ca := newTestCA(t)
	dir := t.TempDir()
	ca.issue(t, dir, 1)
	caBundle = ca.pem
	cw, err := WatchCertificate(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	go cw.Start(ctx)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.ServeTLS(ctx, ln, cw)
	return "https://" + ln.Addr().String() + "/validate"
}

// caBundle is the CA of the webhook serveWebhook last started.
var caBundle []byte

func registerWebhook(ctx context.Context, t *testing.T, cs kubernetes.Interface, url string, namespaces []string) {
	t.Helper()
	none := admissionregistrationv1.SideEffectClassNone
	fail := admissionregistrationv1.Fail
	timeout := int32(5)
	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "fourc-test"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:         "validate.fourc.dev",
			ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: caBundle},
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
				Rule: admissionregistrationv1.Rule{
					APIGroups:   []string{"", "apps", "batch", "rbac.authorization.k8s.io"},
					APIVersions: []string{"v1"},
					Resources: []string{"pods", "services", "namespaces", "deployments", "statefulsets", "daemonsets", "replicasets",
						"jobs", "cronjobs", "roles", "clusterroles", "rolebindings", "clusterrolebindings"},
				},
			}},
			NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpIn, Values: namespaces,
			}}},
			SideEffects:             &none,
			FailurePolicy:           &fail,
			TimeoutSeconds:          &timeout,
			AdmissionReviewVersions: []string{"v1"},
		}},
	}
	if _, err := cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, vwc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(context.Background(), "fourc-test", metav1.DeleteOptions{})
	})
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestRunLive runs the whole process as `fourc k8s admission serve` does:
// kubeconfig, informers, certificate, policy file; then the policy is
// changed, and the reload shows in /metrics.
func TestRunLive(t *testing.T) {
	c := live(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ca := newTestCA(t)
	dir := t.TempDir()
	ca.issue(t, dir, 7)
	policy := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policy, []byte("admission:\n  mode: warn\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPolicy(policy)
	if err != nil {
		t.Fatal(err)
	}
	listen, metricsAddr := freeAddr(t), freeAddr(t)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, RunOptions{Kubeconfig: c.Kubeconfig, Listen: listen, MetricsAddr: metricsAddr, TLSDir: dir,
			PolicyFile: policy, PolicyInterval: 100 * time.Millisecond, Timeout: time.Second}, p)
	}()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.pool()}}, Timeout: 5 * time.Second}
	get := func(url string) (int, string) {
		resp, err := client.Get(url)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	waitFor(t, 30*time.Second, "/readyz", func() bool { code, _ := get("https://" + listen + "/readyz"); return code == http.StatusOK })
	if code, _ := get("https://" + listen + "/healthz"); code != http.StatusOK {
		t.Errorf("healthz %d", code)
	}
	if err := os.WriteFile(policy, []byte("fail-on: low\nadmission:\n  mode: enforce\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the policy reload", func() bool {
		_, body := get("http://" + metricsAddr + "/metrics")
		return strings.Contains(body, `fourc_admission_policy_reloads_total{result="success"} 1`)
	})
	if err := os.WriteFile(policy, []byte("fail-on: sometimes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the failed reload", func() bool {
		_, body := get("http://" + metricsAddr + "/metrics")
		return strings.Contains(body, `fourc_admission_policy_reloads_total{result="error"} 1`)
	})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
