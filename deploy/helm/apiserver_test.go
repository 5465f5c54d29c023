package helm

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fourc-dev/fourc/internal/testenv"
)

// TestAPIServer applies the chart, rendered with every option on, to a
// real kube-apiserver (internal/testenv): every object must pass the API
// server's own validation, the pods of both Deployments must be admitted
// by Pod Security "restricted", and the service accounts must be allowed
// exactly what docs/in-cluster.md says, as the API server's RBAC
// authorizer answers it.
func TestAPIServer(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("starts a kube-apiserver (-short; never under CI)")
	}
	ctx := context.Background()
	env := testenv.Start(t)
	cs, err := kubernetes.NewForConfig(env.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace, Labels: map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest",
	}}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	vals := allEnabled()
	delete(vals, "serviceMonitor") // the Prometheus Operator's CRD is not installed
	file := filepath.Join(t.TempDir(), "fourc.yaml")
	if err := os.WriteFile(file, []byte(render(t, vals, namespace)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := env.Kubectl(ctx, "apply", "--server-side", "-f", file); err != nil {
		t.Fatalf("applying the chart: %v\n%s", err, out)
	}

	// The Deployments' pods, created as the ReplicaSet controller would:
	// Pod Security admission enforces "restricted" on them.
	deps, err := cs.AppsV1().Deployments(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(deps.Items) != 2 {
		t.Fatalf("%d Deployments applied, want 2", len(deps.Items))
	}
	for _, d := range deps.Items {
		if err := createPodOf(ctx, cs, d); err != nil {
			t.Errorf("Deployment %s: its pod is refused: %v", d.Name, err)
		}
	}

	sa := func(name string) string { return "system:serviceaccount:" + namespace + ":" + name }
	for _, c := range []struct {
		user                           string
		verb, group, resource, sub, ns string
		want                           bool
	}{
		// The webhook: its informers, nothing else.
		{sa("fourc-admission"), "list", "", "namespaces", "", "", true},
		{sa("fourc-admission"), "watch", "", "serviceaccounts", "", "", true},
		{sa("fourc-admission"), "watch", "networking.k8s.io", "networkpolicies", "", "shop", true},
		{sa("fourc-admission"), "get", "", "namespaces", "", "", false},
		{sa("fourc-admission"), "list", "", "pods", "", "", false},
		{sa("fourc-admission"), "list", "", "secrets", "", namespace, false},
		{sa("fourc-admission"), "create", "", "configmaps", "", namespace, false},
		// The operator: reads what it judges, writes its reports anywhere,
		// runs Jobs and writes ConfigMaps only in its own namespace.
		{sa("fourc-operator"), "watch", "apps", "deployments", "", "", true},
		{sa("fourc-operator"), "list", "rbac.authorization.k8s.io", "clusterrolebindings", "", "", true},
		{sa("fourc-operator"), "get", "", "nodes", "", "", true},
		{sa("fourc-operator"), "create", "fourc.dev", "workloadreports", "", "shop", true},
		{sa("fourc-operator"), "update", "fourc.dev", "nodereports", "status", "", true},
		{sa("fourc-operator"), "delete", "fourc.dev", "clusterposturereports", "", "", true},
		{sa("fourc-operator"), "create", "batch", "jobs", "", namespace, true},
		{sa("fourc-operator"), "get", "", "pods", "log", namespace, true},
		{sa("fourc-operator"), "update", "coordination.k8s.io", "leases", "", namespace, true},
		{sa("fourc-operator"), "create", "", "configmaps", "", namespace, true},
		{sa("fourc-operator"), "create", "batch", "jobs", "", "default", false},
		{sa("fourc-operator"), "create", "", "configmaps", "", "kube-system", false},
		{sa("fourc-operator"), "get", "", "pods", "log", "shop", false},
		{sa("fourc-operator"), "create", "", "pods", "", namespace, false},
		{sa("fourc-operator"), "create", "", "pods", "exec", namespace, false},
		{sa("fourc-operator"), "list", "", "secrets", "", "", false},
		{sa("fourc-operator"), "get", "", "secrets", "", namespace, false},
		{sa("fourc-operator"), "update", "apps", "deployments", "", "shop", false},
		{sa("fourc-operator"), "create", "rbac.authorization.k8s.io", "clusterrolebindings", "", "", false},
		{sa("fourc-operator"), "impersonate", "", "serviceaccounts", "", namespace, false},
		{sa("fourc-operator"), "get", "", "nodes", "proxy", "", false},
		// The scan Jobs: nothing at all.
		{sa("fourc-scan"), "list", "", "namespaces", "", "", false},
		{sa("fourc-scan"), "get", "", "pods", "", namespace, false},
		{sa("fourc-node-scan"), "get", "", "nodes", "", "", false},
		{sa("fourc-node-scan"), "get", "", "configmaps", "", namespace, false},
	} {
		got, err := allowed(ctx, cs, c.user, authorizationv1.ResourceAttributes{
			Namespace: c.ns, Verb: c.verb, Group: c.group, Resource: c.resource, Subresource: c.sub,
		})
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s %s %s/%s %s in %q: allowed %v, want %v", c.user, c.verb, c.group, c.resource, c.sub, c.ns, got, c.want)
		}
	}
}

// createPodOf creates the pod a Deployment's ReplicaSet would create.
func createPodOf(ctx context.Context, cs kubernetes.Interface, d appsv1.Deployment) error {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{GenerateName: d.Name + "-", Namespace: d.Namespace, Labels: d.Spec.Template.Labels},
		Spec:       d.Spec.Template.Spec,
	}
	_, err := cs.CoreV1().Pods(d.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	return err
}

// allowed asks the API server's authorizer whether a service account may
// do what attrs describe.
func allowed(ctx context.Context, cs kubernetes.Interface, user string, attrs authorizationv1.ResourceAttributes) (bool, error) {
	sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User:               user,
		Groups:             []string{"system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"},
		ResourceAttributes: &attrs,
	}}
	res, err := cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
	if err != nil {
		return false, fmt.Errorf("SubjectAccessReview: %w", err)
	}
	return res.Status.Allowed, nil
}
