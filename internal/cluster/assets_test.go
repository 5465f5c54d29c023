package cluster

import (
	"context"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/posture"
)

// TestLiveNodesAndDigests schedules the Pod of a Deployment on a Node, as
// the scheduler would, and reports its container's image digest, as the
// kubelet would: the live assets link the Deployment to the Node and give
// its image the digest, and the posture graph has both.
func TestLiveNodesAndDigests(t *testing.T) {
	ctx := context.Background()
	cs := admin(t)
	const (
		ns     = "live-nodes"
		image  = "registry.example/web:1.0"
		digest = "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
	)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "worker-1"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	one := int32(1)
	labels := map[string]string{"app": "web"}
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: image}}}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var pod corev1.Pod
	waitFor(t, "the Deployment's pod", func() bool {
		pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil || len(pods.Items) != 1 {
			return false
		}
		pod = pods.Items[0]
		return true
	})
	if err := cs.CoreV1().Pods(ns).Bind(ctx, &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: pod.Name},
		Target: corev1.ObjectReference{Kind: "Node", Name: "worker-1"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p, err := cs.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "web", Image: image, ImageID: "registry.example/web@" + digest}}
	if _, err := cs.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	res, err := Scan(ctx, Options{Kubeconfig: live(t).Kubeconfig, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]finding.Asset{}
	for _, a := range res.Assets {
		byID[a.ID] = a
	}
	w, ok := byID["workload:live-nodes/Deployment/web"]
	if !ok {
		t.Fatalf("no workload asset; assets %v", res.Assets)
	}
	if !slices.Contains(w.Edges, finding.Edge{Rel: "scheduled", To: "node:worker-1"}) {
		t.Errorf("workload edges %v, want scheduled → node:worker-1", w.Edges)
	}
	if n, ok := byID["node:worker-1"]; !ok || n.Kind != "node" || n.Resource != (finding.Resource{Kind: "Node", Name: "worker-1"}) {
		t.Errorf("node asset %+v", n)
	}
	if got := byID["image:"+image].Attrs["digest"]; got != digest {
		t.Errorf("image digest %q, want %q", got, digest)
	}
	for id := range byID {
		if id == "workload:live-nodes/ReplicaSet/"+pod.OwnerReferences[0].Name || id == "workload:live-nodes/Pod/"+pod.Name {
			t.Errorf("controller-owned object %s is an asset", id)
		}
	}
	g := posture.Build(posture.Input{Findings: res.Findings, Assets: res.Assets})
	if g.Node("node:worker-1") == nil || len(g.Out("workload:live-nodes/Deployment/web", "scheduled")) != 1 {
		t.Errorf("the posture graph lacks the node or the scheduled edge")
	}
}
