package kube

import (
	"context"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
)

const assetManifests = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: baseline
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
      annotations:
        org.opencontainers.image.source: https://github.com/acme/shop
    spec:
      serviceAccountName: api
      hostNetwork: true
      containers:
        - name: api
          image: registry.example.com/shop/api:1.0
          securityContext: {privileged: true}
        - name: sidecar
          image: envoyproxy/envoy:v1.30
          resources:
            limits: {cpu: 100m, memory: 64Mi}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: shop
spec:
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true}
      containers:
        - name: worker
          image: registry.example.com/shop/worker@sha256:0000000000000000000000000000000000000000000000000000000000000001
          securityContext: {readOnlyRootFilesystem: true}
          resources:
            limits: {cpu: 100m, memory: 64Mi}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: api-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: ServiceAccount, name: api, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: secret-reader, namespace: shop}
rules:
  - {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: default-reads, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secret-reader}
subjects:
  - {kind: ServiceAccount, name: default}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: api}
  ports: [{port: 443}]
---
apiVersion: v1
kind: Service
metadata: {name: worker, namespace: shop}
spec:
  selector: {app: worker}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: worker, port: {number: 80}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: worker, namespace: shop}
spec:
  podSelector:
    matchLabels: {app: worker}
  ingress:
    - {}
`

func assetsOf(t *testing.T, yaml string) map[string]finding.Asset {
	t.Helper()
	objs, skipped := Load("k8s/all.yaml", []byte(yaml))
	if len(skipped) > 0 {
		t.Fatalf("skipped: %v", skipped)
	}
	out := map[string]finding.Asset{}
	for _, a := range Assets(NewSet(objs)) {
		if _, dup := out[a.ID]; dup {
			t.Errorf("duplicate asset %s", a.ID)
		}
		out[a.ID] = a
	}
	return out
}

func TestAssets(t *testing.T) {
	got := assetsOf(t, assetManifests)
	wantIDs := []string{
		"clusterrolebinding:api-admin",
		"image:envoyproxy/envoy:v1.30",
		"image:registry.example.com/shop/api:1.0",
		"image:registry.example.com/shop/worker@sha256:0000000000000000000000000000000000000000000000000000000000000001",
		"ingress:shop/web",
		"namespace:shop",
		"networkpolicy:shop/worker",
		"role:shop/secret-reader",
		"rolebinding:shop/default-reads",
		"service:shop/api",
		"service:shop/worker",
		"serviceaccount:shop/api",
		"serviceaccount:shop/default",
		"workload:shop/Deployment/api",
		"workload:shop/Deployment/worker",
	}
	if diff := cmp.Diff(wantIDs, sortedKeys(got)); diff != "" {
		t.Errorf("asset IDs (-want +got):\n%s", diff)
	}

	tests := []struct {
		id    string
		attrs map[string]string
		edges []finding.Edge
	}{
		{
			id: "workload:shop/Deployment/api",
			attrs: map[string]string{
				"namespace": "shop", "kind": "Deployment", "privileged": "true", "hostNetwork": "true",
				"hostPID": "false", "hostIPC": "false", "hostPath": "false", "serviceAccount": "api", "token": "true",
				"limits": "false", "readOnlyRootFilesystem": "false", "runAsNonRoot": "false",
				"annotation.org.opencontainers.image.source": "https://github.com/acme/shop",
			},
			edges: []finding.Edge{
				{Rel: "in", To: "namespace:shop"},
				{Rel: "runs", To: "image:envoyproxy/envoy:v1.30"},
				{Rel: "runs", To: "image:registry.example.com/shop/api:1.0"},
				{Rel: "uses", To: "serviceaccount:shop/api"},
			},
		},
		{
			id: "workload:shop/Deployment/worker",
			attrs: map[string]string{
				"namespace": "shop", "kind": "Deployment", "privileged": "false", "hostNetwork": "false",
				"hostPID": "false", "hostIPC": "false", "hostPath": "false", "serviceAccount": "default", "token": "false",
				"limits": "true", "readOnlyRootFilesystem": "true", "runAsNonRoot": "true",
			},
			edges: []finding.Edge{
				{Rel: "in", To: "namespace:shop"},
				{Rel: "runs", To: "image:registry.example.com/shop/worker@sha256:0000000000000000000000000000000000000000000000000000000000000001"},
				{Rel: "uses", To: "serviceaccount:shop/default"},
			},
		},
		{
			id: "serviceaccount:shop/api",
			attrs: map[string]string{
				"namespace": "shop", "declared": "true", "clusterAdmin": "true", "readSecrets": "true",
				"via": `ClusterRoleBinding "api-admin" → ClusterRole "cluster-admin"`,
			},
			edges: []finding.Edge{{Rel: "bound", To: "clusterrolebinding:api-admin"}, {Rel: "in", To: "namespace:shop"}},
		},
		{
			id: "serviceaccount:shop/default",
			attrs: map[string]string{
				"namespace": "shop", "declared": "false", "clusterAdmin": "false", "readSecrets": "true",
				"via": `RoleBinding "shop/default-reads" → Role "shop/secret-reader"`,
			},
			edges: []finding.Edge{{Rel: "bound", To: "rolebinding:shop/default-reads"}, {Rel: "in", To: "namespace:shop"}},
		},
		{
			id:    "clusterrolebinding:api-admin",
			attrs: map[string]string{"scope": "cluster", "role": "ClusterRole/cluster-admin", "clusterAdmin": "true", "readSecrets": "true"},
		},
		{
			id:    "rolebinding:shop/default-reads",
			attrs: map[string]string{"scope": "namespace", "role": "Role/shop/secret-reader", "clusterAdmin": "false", "readSecrets": "true"},
			edges: []finding.Edge{{Rel: "grants", To: "role:shop/secret-reader"}},
		},
		{
			id:    "role:shop/secret-reader",
			attrs: map[string]string{"clusterAdmin": "false", "readSecrets": "true"},
		},
		{
			id:    "service:shop/api",
			attrs: map[string]string{"namespace": "shop", "type": "LoadBalancer", "exposure": "internet", "ports": "443"},
			edges: []finding.Edge{{Rel: "exposes", To: "workload:shop/Deployment/api"}, {Rel: "in", To: "namespace:shop"}},
		},
		{
			id:    "service:shop/worker",
			attrs: map[string]string{"namespace": "shop", "type": "ClusterIP", "exposure": "cluster", "ports": "80"},
			edges: []finding.Edge{{Rel: "exposes", To: "workload:shop/Deployment/worker"}, {Rel: "in", To: "namespace:shop"}},
		},
		{
			id:    "ingress:shop/web",
			attrs: map[string]string{"namespace": "shop", "tls": "false", "exposure": "internet"},
			edges: []finding.Edge{{Rel: "in", To: "namespace:shop"}, {Rel: "routes", To: "service:shop/worker"}},
		},
		{
			id:    "networkpolicy:shop/worker",
			attrs: map[string]string{"namespace": "shop", "allPods": "false", "ingress": "true", "egress": "false", "allowAll": "true"},
			edges: []finding.Edge{{Rel: "in", To: "namespace:shop"}, {Rel: "selects", To: "workload:shop/Deployment/worker"}},
		},
		{
			id:    "namespace:shop",
			attrs: map[string]string{"declared": "true", "networkPolicies": "1", "psaEnforce": "baseline"},
		},
	}
	for _, tc := range tests {
		a, ok := got[tc.id]
		if !ok {
			t.Errorf("%s: missing", tc.id)
			continue
		}
		if diff := cmp.Diff(tc.attrs, a.Attrs); diff != "" {
			t.Errorf("%s attrs (-want +got):\n%s", tc.id, diff)
		}
		if diff := cmp.Diff(tc.edges, a.Edges); diff != "" {
			t.Errorf("%s edges (-want +got):\n%s", tc.id, diff)
		}
	}

	w := got["workload:shop/Deployment/api"]
	if w.Resource != (finding.Resource{Kind: "Deployment", Name: "shop/api"}) || w.Location.Path != "k8s/all.yaml" || w.Location.StartLine != 8 {
		t.Errorf("workload resource/location = %+v %+v", w.Resource, w.Location)
	}
	if w.Layer != finding.LayerCluster || got["image:envoyproxy/envoy:v1.30"].Layer != finding.LayerContainer {
		t.Errorf("layers: workload %v, image %v", w.Layer, got["image:envoyproxy/envoy:v1.30"].Layer)
	}
}

// TestAssetsRoleBindingConfinesClusterAdmin: cluster-admin bound by a
// RoleBinding gives power over one namespace only, not the cluster.
func TestAssetsRoleBindingConfinesClusterAdmin(t *testing.T) {
	got := assetsOf(t, `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ns-admin, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: Group, name: "system:serviceaccounts:team"}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  containers: [{name: c, image: busybox}]
`)
	sa := got["serviceaccount:team/default"]
	if sa.Attrs["clusterAdmin"] != "false" || sa.Attrs["readSecrets"] != "true" {
		t.Errorf("service account attrs = %v, want clusterAdmin false, readSecrets true", sa.Attrs)
	}
}

// TestAssetsLivePod: a live pod's container status gives the image digest
// the node pulled, and its node.
func TestAssetsLivePod(t *testing.T) {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "api-7d9", Namespace: "shop"},
		Spec: corev1.PodSpec{
			NodeName:   "node-a",
			Containers: []corev1.Container{{Name: "api", Image: "registry.example.com/shop/api:1.0"}},
		},
		Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{
			Name:    "api",
			ImageID: "docker-pullable://registry.example.com/shop/api@sha256:abc",
		}}},
	}
	o, err := NewObject(pod, Source{Ref: "namespaces/shop/pods/api-7d9"})
	if err != nil {
		t.Fatal(err)
	}
	as := Assets(NewSet([]*Object{o}))
	byID := map[string]finding.Asset{}
	for _, a := range as {
		byID[a.ID] = a
	}
	if d := byID["image:registry.example.com/shop/api:1.0"].Attrs["digest"]; d != "sha256:abc" {
		t.Errorf("image digest = %q, want sha256:abc", d)
	}
	if _, ok := byID["node:node-a"]; !ok {
		t.Errorf("no node asset in %v", sortedKeys(byID))
	}
	w := byID["workload:shop/Pod/api-7d9"]
	if !containsEdge(w.Edges, "scheduled", "node:node-a") {
		t.Errorf("workload edges = %v", w.Edges)
	}
	if w.Location.Object != "namespaces/shop/pods/api-7d9" {
		t.Errorf("workload location = %+v", w.Location)
	}
}

// TestScanAssetsThroughEngine: the engine takes the scanner's assets, and
// the findings are the same as Scan's.
func TestScanAssetsThroughEngine(t *testing.T) {
	fsys := fstest.MapFS{"k8s/all.yaml": {Data: []byte(assetManifests)}}
	s := NewScanner(Options{})
	var _ engine.AssetScanner = s
	res, err := engine.Run(context.Background(), fsys, []engine.Scanner{s}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Assets) != 15 {
		t.Errorf("engine returned %d assets, want 15", len(res.Assets))
	}
	plain, _ := s.Scan(context.Background(), fsys, []string{"k8s/all.yaml"})
	finding.Sort(plain)
	for i := range plain {
		plain[i].Fingerprint = plain[i].ComputeFingerprint("")
	}
	got := res.Findings
	for i := range got {
		got[i].Fingerprint = got[i].ComputeFingerprint("")
	}
	if diff := cmp.Diff(plain, got); diff != "" {
		t.Errorf("ScanAssets findings differ from Scan (-scan +engine):\n%s", diff)
	}
}

func sortedKeys(m map[string]finding.Asset) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func containsEdge(es []finding.Edge, rel, to string) bool {
	for _, e := range es {
		if e.Rel == rel && e.To == to {
			return true
		}
	}
	return false
}
