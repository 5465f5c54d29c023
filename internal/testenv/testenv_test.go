package testenv

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

func clientset(t *testing.T, c *Cluster) *kubernetes.Clientset {
	t.Helper()
	cs, err := kubernetes.NewForConfig(c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestDefaultControlPlane starts the default control plane (RBAC, no
// anonymous access) and checks what tests rely on: the version, the admin,
// users with groups from client certificates, kubeconfig files, kubectl.
func TestDefaultControlPlane(t *testing.T) {
	ctx := context.Background()
	c := Start(t)
	cs := clientset(t, c)

	v, err := cs.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v.GitVersion != KubernetesVersion {
		t.Errorf("server version %q, want %q", v.GitVersion, KubernetesVersion)
	}
	for _, want := range []string{"--authorization-mode=Node,RBAC", "--anonymous-auth=false", "--advertise-address=" + AdvertiseAddress} {
		if !contains(c.APIServerFlags, want) {
			t.Errorf("API server flags lack %s: %v", want, c.APIServerFlags)
		}
	}

	// A user without bindings is denied; a group bound to a role may do
	// what the role allows. (Not "view": aggregated ClusterRoles get their
	// rules from kube-controller-manager, which this control plane lacks.)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "env-test"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().Roles("env-test").Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "pod-reader"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list"}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().RoleBindings("env-test").Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "readers-pod-reader"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "pod-reader"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "Group", Name: "readers"}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	nobody, err := c.UserConfig("nobody")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kubernetes.NewForConfigOrDie(nobody).CoreV1().Pods("env-test").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("user without bindings listing pods: got %v, want forbidden", err)
	}
	kc, err := c.UserKubeconfig("reader", "readers")
	if err != nil {
		t.Fatal(err)
	}
	rc, err := clientcmd.BuildConfigFromFlags("", kc)
	if err != nil {
		t.Fatal(err)
	}
	reader := kubernetes.NewForConfigOrDie(rc)
	// The RBAC authorizer learns of the new binding through an informer.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, err := reader.CoreV1().Pods("env-test").List(ctx, metav1.ListOptions{})
		if err == nil {
			break
		}
		if !apierrors.IsForbidden(err) || time.Now().After(deadline) {
			t.Fatalf("member of a group bound to pod-reader listing pods: %v", err)
		}
	}
	if _, err := reader.CoreV1().Secrets("env-test").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("pod-reader listing secrets: got %v, want forbidden", err)
	}

	// Anonymous requests are refused (401), not merely forbidden.
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.RESTConfig().CAData)
	anon := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := anon.Get(c.Server + "/api/v1/namespaces")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous request: %s, want 401", resp.Status)
	}

	out, err := c.Kubectl(ctx, "get", "namespace", "env-test", "-o", "name")
	if err != nil || strings.TrimSpace(string(out)) != "namespace/env-test" {
		t.Errorf("kubectl get namespace: %q, %v", out, err)
	}
	if _, err := c.KubectlApply(ctx, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied, namespace: env-test}\ndata: {a: b}\n"); err != nil {
		t.Error(err)
	}
	if _, err := cs.CoreV1().ConfigMaps("env-test").Get(ctx, "applied", metav1.GetOptions{}); err != nil {
		t.Errorf("object applied with kubectl: %v", err)
	}
}

// TestWeakControlPlaneWithEncryptionAndAudit starts a control plane with
// the options control-plane checks need: weak authorization and anonymous
// access, Secrets encrypted at rest, an audit log.
func TestWeakControlPlaneWithEncryptionAndAudit(t *testing.T) {
	ctx := context.Background()
	c := Start(t,
		WithAuthorizationMode("AlwaysAllow"),
		WithAnonymousAuth(true),
		WithEncryptionConfig(`apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - secretbox:
          keys:
            - name: key1
              secret: dGhpcyBpcyBhIDMyIGJ5dGUga2V5IGZvciB0ZXN0cyE=
      - identity: {}
`),
		WithAuditPolicy("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n"),
		WithFlags("--profiling=true"),
	)
	cs := clientset(t, c)
	if !contains(c.APIServerFlags, "--authorization-mode=AlwaysAllow") || c.APIServerFlags[len(c.APIServerFlags)-1] != "--profiling=true" {
		t.Errorf("flags not applied: %v", c.APIServerFlags)
	}

	if _, err := cs.CoreV1().Secrets("default").Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db"},
		StringData: map[string]string{"password": "not-in-etcd-in-clear"},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	raw, err := c.Etcdctl(ctx, "get", "/registry/secrets/default/db", "--print-value-only")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("k8s:enc:secretbox:v1:key1:")) || bytes.Contains(raw, []byte("not-in-etcd-in-clear")) {
		t.Errorf("secret stored unencrypted: %.40q", raw)
	}

	// Any authenticated user may do anything under AlwaysAllow: one
	// without a single binding reads the Secrets.
	nobody, err := c.UserConfig("nobody")
	if err != nil {
		t.Fatal(err)
	}
	if l, err := kubernetes.NewForConfigOrDie(nobody).CoreV1().Secrets("default").List(ctx, metav1.ListOptions{}); err != nil || len(l.Items) != 1 {
		t.Errorf("user without bindings listing secrets under AlwaysAllow: %v", err)
	}
	// kube-apiserver turns anonymous authentication off under AlwaysAllow
	// ("AnonymousAuth is not allowed with the AlwaysAllow authorizer"),
	// although the flag stays on its command line for checks to read.
	if !contains(c.APIServerFlags, "--anonymous-auth=true") {
		t.Errorf("flags lack --anonymous-auth=true: %v", c.APIServerFlags)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.RESTConfig().CAData)
	resp, err := (&http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
	}}).Get(c.Server + "/api/v1/namespaces/default/secrets")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous list of secrets under AlwaysAllow: %s, want 401", resp.Status)
	}

	// The audit log has the Secret's creation.
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, _ := os.ReadFile(c.AuditLogPath)
		if bytes.Contains(data, []byte(`"verb":"create"`)) && bytes.Contains(data, []byte(`"resource":"secrets"`)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("audit log %s lacks the secret's creation", c.AuditLogPath)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestControllerManager checks that kube-controller-manager runs:
// namespaces get a default service account and Deployments get Pods.
func TestControllerManager(t *testing.T) {
	ctx := context.Background()
	c := Start(t, WithControllerManager())
	cs := clientset(t, c)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "kcm-test"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.KubectlApply(ctx, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: kcm-test}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: registry.example/web:1}]
`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		_, saErr := cs.CoreV1().ServiceAccounts("kcm-test").Get(ctx, "default", metav1.GetOptions{})
		pods, err := cs.CoreV1().Pods("kcm-test").List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
		if saErr == nil && err == nil && len(pods.Items) == 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("controller manager did not act: default service account: %v; pods: %v", saErr, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestNewAndStop checks that a cluster from New stops, twice without
// harm, and removes its directory.
func TestNewAndStop(t *testing.T) {
	c, err := New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	procs := append([]*process(nil), c.procs...)
	c.Stop()
	c.Stop()
	for _, p := range procs {
		if !p.exited() {
			t.Errorf("%s still running after Stop", p.name)
		}
	}
	if _, err := os.Stat(c.Dir); !os.IsNotExist(err) {
		t.Errorf("directory %s not removed: %v", c.Dir, err)
	}
}

func TestMissingBinDir(t *testing.T) {
	t.Setenv(binDirEnv, t.TempDir())
	_, err := New(context.Background())
	if err == nil || !strings.Contains(err.Error(), "lacks etcd, etcdctl, kube-apiserver, kubectl") {
		t.Errorf("got %v, want an error naming the missing binaries", err)
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
