package admission

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
)

// staticLookup is a Lookup over fixed namespaces.
type staticLookup map[string]*corev1.Namespace

func (l staticLookup) Namespace(name string) *corev1.Namespace { return l[name] }
func (l staticLookup) Context(string) []runtime.Object         { return nil }

func namespaces(modes map[string]Mode) staticLookup {
	l := staticLookup{}
	for name, m := range modes {
		l[name] = &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{ModeLabel: string(m)}}}
	}
	return l
}

func testPod(name string, privileged bool) *corev1.Pod {
	p := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:  "app",
			Image: "registry.example.com/app:1.2.3",
		}}},
	}
	if privileged {
		p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: new(true)}
	}
	return p
}

// request builds the AdmissionRequest the API server would send to
// create obj in namespace ns.
func request(t testing.TB, obj runtime.Object, ns string) *admissionv1.AdmissionRequest {
	t.Helper()
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	gvk := obj.GetObjectKind().GroupVersionKind()
	m := obj.(metav1.Object)
	return &admissionv1.AdmissionRequest{
		UID:       types.UID("uid-" + m.GetName()),
		Kind:      metav1.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind},
		Resource:  metav1.GroupVersionResource{Group: gvk.Group, Version: gvk.Version, Resource: strings.ToLower(gvk.Kind) + "s"},
		Name:      m.GetName(),
		Namespace: ns,
		Operation: admissionv1.Create,
		Object:    runtime.RawExtension{Raw: raw},
	}
}

func TestReviewModes(t *testing.T) {
	s, err := NewServer(Config{Lookup: namespaces(map[string]Mode{"e": ModeEnforce, "w": ModeWarn, "a": ModeAudit, "o": ModeOff})})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	resp := s.Review(ctx, request(t, testPod("bad", true), "e"))
	if resp.Allowed || resp.Result == nil || !strings.Contains(resp.Result.Message, "[FC-K8S-101] Container runs privileged (HIGH)") || !strings.Contains(resp.Result.Message, "Fix: ") {
		t.Errorf("enforce: allowed %v, %+v", resp.Allowed, resp.Result)
	}
	if resp.Result != nil && resp.Result.Code != http.StatusForbidden {
		t.Errorf("enforce: code %d", resp.Result.Code)
	}

	resp = s.Review(ctx, request(t, testPod("bad", true), "w"))
	if !resp.Allowed || len(resp.Warnings) == 0 || !strings.Contains(strings.Join(resp.Warnings, "\n"), "FC-K8S-101") {
		t.Errorf("warn: allowed %v, warnings %q", resp.Allowed, resp.Warnings)
	}
	for _, w := range resp.Warnings {
		if len(w) > maxWarning {
			t.Errorf("warning of %d bytes: %q", len(w), w)
		}
	}

	resp = s.Review(ctx, request(t, testPod("bad", true), "a"))
	if !resp.Allowed || len(resp.Warnings) != 0 || !strings.Contains(resp.AuditAnnotations["violations"], "FC-K8S-101") || resp.AuditAnnotations["mode"] != "audit" {
		t.Errorf("audit: allowed %v, warnings %q, annotations %v", resp.Allowed, resp.Warnings, resp.AuditAnnotations)
	}
	if n := counterValue(s.metrics.violations.WithLabelValues("FC-K8S-101", "audit")); n != 1 {
		t.Errorf("audit violations metric = %v, want 1", n)
	}

	resp = s.Review(ctx, request(t, testPod("bad", true), "o"))
	if !resp.Allowed || len(resp.Warnings) != 0 || resp.AuditAnnotations != nil {
		t.Errorf("off: %+v", resp)
	}

	resp = s.Review(ctx, request(t, testPod("good", false), "e"))
	if !resp.Allowed || len(resp.Warnings) != 0 {
		t.Errorf("compliant pod: allowed %v, warnings %q, result %+v", resp.Allowed, resp.Warnings, resp.Result)
	}
	if n := counterValue(s.metrics.requests.WithLabelValues("Pod", "CREATE", "deny", "enforce")); n != 1 {
		t.Errorf("deny metric = %v", n)
	}
}

// TestReviewKinds: RBAC objects and Namespaces are judged by the same
// checks as in fourc scan; the attack-path rules add their own.
func TestReviewKinds(t *testing.T) {
	s, err := NewServer(Config{Policy: &Policy{Name: "t", FailOn: finding.SeverityHigh, Mode: ModeEnforce}})
	if err != nil {
		t.Fatal(err)
	}
	crb := &rbacv1.ClusterRoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
		ObjectMeta: metav1.ObjectMeta{Name: "ops-admin"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: "Group", Name: "system:authenticated", APIGroup: "rbac.authorization.k8s.io"}},
	}
	resp := s.Review(context.Background(), request(t, crb, ""))
	if resp.Allowed || !strings.Contains(resp.Result.Message, "FC-RBAC-008") {
		t.Errorf("cluster-admin for everyone: %+v", resp.Result)
	}
	// A privileged pod in a namespace without NetworkPolicy is also an
	// attack path (FC-PATH-003).
	resp = s.Review(context.Background(), request(t, testPod("p", true), "shop"))
	if resp.Allowed || !strings.Contains(resp.Result.Message, "FC-PATH-003") {
		t.Errorf("privileged pod: %+v", resp.Result)
	}
	// A Namespace whose own label says off is not judged.
	ns := &corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: "lab", Labels: map[string]string{ModeLabel: "off"}}}
	if resp := s.Review(context.Background(), request(t, ns, "")); !resp.Allowed {
		t.Errorf("namespace off: %+v", resp.Result)
	}
	// Kinds and operations the webhook does not judge pass unseen.
	cm := &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: metav1.ObjectMeta{Name: "c"}}
	if resp := s.Review(context.Background(), request(t, cm, "shop")); !resp.Allowed {
		t.Errorf("configmap: %+v", resp.Result)
	}
	del := request(t, testPod("p", true), "shop")
	del.Operation = admissionv1.Delete
	if resp := s.Review(context.Background(), del); !resp.Allowed {
		t.Errorf("delete: %+v", resp.Result)
	}
}

// evaluatorFunc adapts a function to Evaluator.
type evaluatorFunc func(ctx context.Context, obj *kube.Object) ([]finding.Finding, error)

func (f evaluatorFunc) Evaluate(ctx context.Context, obj *kube.Object) ([]finding.Finding, error) {
	return f(ctx, obj)
}

func TestFailurePolicy(t *testing.T) {
	slow := evaluatorFunc(func(context.Context, *kube.Object) ([]finding.Finding, error) {
		time.Sleep(300 * time.Millisecond) // ignores its context, as a stuck evaluation would
		return nil, nil
	})
	panics := evaluatorFunc(func(context.Context, *kube.Object) ([]finding.Finding, error) { panic("boom") })
	lookup := namespaces(map[string]Mode{"e": ModeEnforce, "w": ModeWarn})
	tests := []struct {
		name, policy, ns string
		eval             Evaluator
		allowed          bool
		reason           string
	}{
		{"slow open", FailOpen, "e", slow, true, "timeout"},
		{"slow closed", FailClosed, "e", slow, false, "timeout"},
		{"slow closed in warn", FailClosed, "w", slow, true, "timeout"},
		{"panic closed", FailClosed, "e", panics, false, "error"},
		{"panic open", FailOpen, "e", panics, true, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewServer(Config{Lookup: lookup, FailurePolicy: tt.policy, Timeout: 50 * time.Millisecond, Evaluator: tt.eval})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			resp := s.Review(context.Background(), request(t, testPod("p", true), tt.ns))
			if d := time.Since(start); d > 250*time.Millisecond {
				t.Errorf("answered after %s, budget 50ms", d)
			}
			if resp.Allowed != tt.allowed {
				t.Errorf("allowed %v, want %v (%+v)", resp.Allowed, tt.allowed, resp.Result)
			}
			if !resp.Allowed && !strings.Contains(resp.Result.Message, "could not evaluate") {
				t.Errorf("message %q", resp.Result.Message)
			}
			if resp.Allowed && len(resp.Warnings) != 1 {
				t.Errorf("warnings %q", resp.Warnings)
			}
			if n := counterValue(s.metrics.failures.WithLabelValues(tt.policy, tt.reason)); n != 1 {
				t.Errorf("failures{%s,%s} = %v, want 1", tt.policy, tt.reason, n)
			}
		})
	}
	// An object that does not decode is an evaluation error too.
	s, _ := NewServer(Config{Lookup: lookup, FailurePolicy: FailClosed})
	req := request(t, testPod("p", false), "e")
	req.Object.Raw = []byte(`{"spec":{"containers":"nope"}}`)
	if resp := s.Review(context.Background(), req); resp.Allowed {
		t.Error("undecodable object allowed under failure policy closed")
	}
}

func TestNewServerErrors(t *testing.T) {
	if _, err := NewServer(Config{FailurePolicy: "sometimes"}); err == nil || !strings.Contains(err.Error(), "want open or closed") {
		t.Errorf("bad failure policy: %v", err)
	}
	if _, err := NewServer(Config{Timeout: -time.Second}); err == nil {
		t.Error("negative timeout accepted")
	}
}

func TestHostileBodies(t *testing.T) {
	s, err := NewServer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	valid, _ := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request:  request(t, testPod("p", true), "shop"),
	})
	huge := append([]byte(`{"request":{"uid":"x","object":"`), bytes.Repeat([]byte("a"), MaxReviewBytes)...)
	tests := []struct {
		name string
		body []byte
		code int
	}{
		{"valid", valid, http.StatusOK},
		{"huge", huge, http.StatusBadRequest},
		{"malformed", []byte(`{"request":`), http.StatusBadRequest},
		{"not an object", []byte(`[1,2,3]`), http.StatusBadRequest},
		{"no request", []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`), http.StatusBadRequest},
		{"no uid", []byte(`{"request":{"kind":{"kind":"Pod"}}}`), http.StatusBadRequest},
		{"v1beta1", bytes.Replace(valid, []byte("admission.k8s.io/v1"), []byte("admission.k8s.io/v1beta1"), 1), http.StatusBadRequest},
		{"deep nesting", []byte(strings.Repeat("[", 100000)), http.StatusBadRequest},
	}
	for _, tt := range tests {
		resp, err := http.Post(ts.URL+"/validate", "application/json", bytes.NewReader(tt.body))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.code {
			t.Errorf("%s: status %d, want %d: %s", tt.name, resp.StatusCode, tt.code, msg)
		}
		if tt.code == http.StatusOK {
			var out admissionv1.AdmissionReview
			if err := json.Unmarshal(msg, &out); err != nil || out.Response == nil || out.Response.UID != "uid-p" || out.Kind != "AdmissionReview" {
				t.Errorf("%s: response %s (%v)", tt.name, msg, err)
			}
		}
	}
	resp, err := http.Get(ts.URL + "/validate")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /validate: %d", resp.StatusCode)
	}
}

// TestTLSRotation: the certificate files are replaced; a new connection
// sees the new certificate, without a restart.
func TestTLSRotation(t *testing.T) {
	ca := newTestCA(t)
	dir := t.TempDir()
	ca.issue(t, dir, 100)
	cw, err := WatchCertificate(dir, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go cw.Start(ctx)
	s, err := NewServer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.ServeTLS(ctx, ln, cw) }()
	serial := func() int64 {
		conn, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{RootCAs: ca.pool(), ServerName: "127.0.0.1"})
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
	}
	if got := serial(); got != 100 {
		t.Fatalf("serial %d, want 100", got)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.pool()}}}
	resp, err := client.Get("https://" + ln.Addr().String() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("readyz: %d", resp.StatusCode)
	}
	ca.issue(t, dir, 200)
	deadline := time.Now().Add(15 * time.Second)
	for serial() != 200 {
		if time.Now().After(deadline) {
			t.Fatal("the rotated certificate was not served within 15s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}

func TestWatchCertificateMissing(t *testing.T) {
	_, err := WatchCertificate(t.TempDir(), 0)
	if err == nil || !strings.Contains(err.Error(), "tls.crt and tls.key") {
		t.Errorf("error %v", err)
	}
}

// TestDenyMessageBounded: many violations still give a message kubectl
// shows whole, naming what it leaves out.
func TestDenyMessageBounded(t *testing.T) {
	var fs []finding.Finding
	for i := range 50 {
		fs = append(fs, finding.Finding{CheckID: fmt.Sprintf("FC-K8S-%03d", i), Title: "A title", Severity: finding.SeverityHigh,
			Message: strings.Repeat("m", 100), Remediation: "Do this."})
	}
	msg := DenyMessage(`Pod "a/b"`, finding.SeverityHigh, fs)
	if len(msg) > maxMessage+200 || !strings.Contains(msg, "more (") {
		t.Errorf("%d bytes: %s", len(msg), msg)
	}
	ws := Warnings(fs)
	if len(ws) > maxWarnings {
		t.Errorf("%d warnings", len(ws))
	}
}

func TestReadyz(t *testing.T) {
	ready := false
	s, err := NewServer(Config{Ready: func() bool { return ready }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	get := func(p string) int {
		resp, err := http.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if get("/readyz") != http.StatusServiceUnavailable || get("/healthz") != http.StatusOK {
		t.Error("not synced: want readyz 503, healthz 200")
	}
	ready = true
	if get("/readyz") != http.StatusOK {
		t.Error("synced: want readyz 200")
	}
}

// counterValue reads a counter.
func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}
