package cluster

import (
	"context"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
)

// TestRuntimeClassHandlers runs live scans while the nodes report their
// runtime handlers as a kubelet 1.30+ does (status updated as admin):
// a RuntimeClass naming a handler no node offers is a finding, one naming
// an offered handler is not, and while any node reports none the handlers
// are unknown: no finding, and a notice says why. A Deployment naming a
// RuntimeClass the cluster does not have is FC-LIVE-007.
func TestRuntimeClassHandlers(t *testing.T) {
	ctx := context.Background()
	cs := admin(t)
	createRuntimeObjects(t, cs)
	addNode := func(name string) {
		t.Helper()
		if _, err := cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cs.CoreV1().Nodes().Delete(ctx, name, metav1.DeleteOptions{}) })
	}
	report := func(handlers []corev1.NodeRuntimeHandler) { reportHandlers(t, cs, handlers) }
	t.Cleanup(func() { report(nil) })
	var missing []string
	scan := func(given ...string) (found []string, notices []string) {
		t.Helper()
		var byID map[string][]string
		byID, notices = scanRuntime(t, given)
		missing = byID["FC-LIVE-007"]
		return byID[kube.RuntimeClassHandlerCheckID], notices
	}

	addNode("rt-node-1")
	found, notices := scan()
	if len(found) > 0 {
		t.Errorf("no node reports its handlers, yet: %q", found)
	}
	noticeHas(t, "no node reports", notices, "RuntimeClass handlers not checked (FC-K8S-215)")
	wantMissing := []string{`Deployment "default/rt-no-class" names RuntimeClass "rt-missing", which the cluster does not have: its pods are rejected`}
	if !slices.Equal(missing, wantMissing) {
		t.Errorf("FC-LIVE-007: %q, want %q", missing, wantMissing)
	}
	noticeHas(t, "no node reports", notices, "report no runtime handlers (status.runtimeHandlers, kubelet 1.30+)")

	// Every node reports the default handler, runc and runsc.
	report([]corev1.NodeRuntimeHandler{
		{Name: "", Features: &corev1.NodeRuntimeHandlerFeatures{}},
		{Name: "runc"},
		{Name: "runsc"},
	})
	snap, _, err := Read(ctx, Options{Kubeconfig: live(t).Kubeconfig, Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range snap.Nodes {
		if !slices.Equal(n.RuntimeHandlers, []string{"runc", "runsc"}) {
			t.Errorf("node %s: handlers %q", n.Name, n.RuntimeHandlers)
		}
	}
	found, notices = scan()
	want := []string{finding.Resource{Kind: "RuntimeClass", Name: "rt-kata"}.String() +
		` at runtimeclasses/rt-kata: RuntimeClass "rt-kata" names handler "kata-qemu" but the nodes offer only runc, runsc`}
	if !slices.Equal(found, want) {
		t.Errorf("every node reports runc and runsc: findings %q, want %q", found, want)
	}
	if slices.ContainsFunc(notices, func(n string) bool { return strings.Contains(n, "RuntimeClass") }) {
		t.Errorf("every node reports its handlers, yet notices %q", notices)
	}
	// The nodes' handlers win over the user's.
	if found, _ = scan("kata-qemu"); !slices.Equal(found, want) {
		t.Errorf("the nodes' handlers must win over --runtime-handlers: %q", found)
	}

	// A node joins whose kubelet reports nothing: unknown again.
	addNode("rt-node-old")
	found, notices = scan()
	if len(found) > 0 {
		t.Errorf("a node reports no handlers, yet: %q", found)
	}
	noticeHas(t, "one node silent", notices, "1 of ")
	// Then the user's list is used, and the notice says so.
	found, notices = scan("runc", "kata-qemu")
	if len(found) != 1 || !strings.Contains(found[0], `RuntimeClass "rt-gvisor" names handler "runsc" but the nodes offer only kata-qemu, runc`) {
		t.Errorf("judged against --runtime-handlers: %q", found)
	}
	noticeHas(t, "judged against the user's list", notices, "RuntimeClass handlers judged against --runtime-handlers runc,kata-qemu")
}

// createRuntimeObjects creates two RuntimeClasses (rt-gvisor: runsc,
// rt-kata: kata-qemu) and two Deployments in namespace default, one
// naming rt-gvisor, one naming rt-missing, which does not exist.
func createRuntimeObjects(t *testing.T, cs kubernetes.Interface) {
	t.Helper()
	ctx := context.Background()
	for _, rc := range []nodev1.RuntimeClass{
		{ObjectMeta: metav1.ObjectMeta{Name: "rt-gvisor"}, Handler: "runsc"},
		{ObjectMeta: metav1.ObjectMeta{Name: "rt-kata"}, Handler: "kata-qemu"},
	} {
		if _, err := cs.NodeV1().RuntimeClasses().Create(ctx, &rc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cs.NodeV1().RuntimeClasses().Delete(ctx, rc.Name, metav1.DeleteOptions{}) })
	}
	for name, class := range map[string]string{"rt-sandboxed": "rt-gvisor", "rt-no-class": "rt-missing"} {
		labels := map[string]string{"app": name}
		if _, err := cs.AppsV1().Deployments("default").Create(ctx, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: corev1.PodSpec{RuntimeClassName: &class, Containers: []corev1.Container{{Name: "app", Image: "registry.example/app:1.0"}}}}},
		}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cs.AppsV1().Deployments("default").Delete(ctx, name, metav1.DeleteOptions{}) })
	}
}

// reportHandlers sets status.runtimeHandlers of every node, as each
// kubelet would; nil clears them again.
func reportHandlers(t *testing.T, cs kubernetes.Interface, handlers []corev1.NodeRuntimeHandler) {
	t.Helper()
	ctx := context.Background()
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes.Items {
		n.Status.RuntimeHandlers = handlers
		if _, err := cs.CoreV1().Nodes().UpdateStatus(ctx, &n, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// scanRuntime scans namespace default (and the cluster-scoped objects)
// as admin with --runtime-handlers given, and returns the findings of
// FC-K8S-215 ("resource at object: message") and FC-LIVE-007 (messages)
// by check ID, and the notices.
func scanRuntime(t *testing.T, given []string) (map[string][]string, []string) {
	t.Helper()
	res, err := Scan(context.Background(), Options{Kubeconfig: live(t).Kubeconfig, Namespace: "default", KubeOptions: kube.Options{RuntimeHandlers: given}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, f := range res.Findings {
		switch f.CheckID {
		case kube.RuntimeClassHandlerCheckID:
			out[f.CheckID] = append(out[f.CheckID], f.Resource.String()+" at "+f.Location.Object+": "+f.Message)
		case "FC-LIVE-007":
			out[f.CheckID] = append(out[f.CheckID], f.Message)
		}
	}
	return out, res.Notices
}

// noticeHas fails unless one of notices contains want.
func noticeHas(t *testing.T, what string, notices []string, want string) {
	t.Helper()
	if !slices.ContainsFunc(notices, func(n string) bool { return strings.Contains(n, want) }) {
		t.Errorf("%s: notices %q, want one containing %q", what, notices, want)
	}
}
