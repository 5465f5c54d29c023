package kube_test

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/kube"
)

// Load manifests, index them as one unit and evaluate every check.
func Example() {
	manifest := []byte(`apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
spec:
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: shell
      image: registry.example.com/tools@sha256:0000000000000000000000000000000000000000000000000000000000000000
      securityContext:
        privileged: true
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: {drop: [ALL]}
      resources:
        limits: {cpu: 100m, memory: 64Mi}
        requests: {cpu: 100m, memory: 64Mi}
      livenessProbe: {exec: {command: ["true"]}}
      readinessProbe: {exec: {command: ["true"]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`)
	objs, skipped := kube.Load("pod.yaml", manifest)
	fmt.Println(len(objs), "objects,", len(skipped), "skipped")
	for _, f := range kube.NewScanner(kube.Options{}).Evaluate(kube.NewSet(objs)) {
		fmt.Printf("%s %s %s: %s\n", f.Location, f.CheckID, f.Severity, f.Message)
	}
	// Output:
	// 2 objects, 0 skipped
	// pod.yaml:15 FC-K8S-101 HIGH: privileged: container "shell" must not set securityContext.privileged=true
	// pod.yaml:5 FC-K8S-201 LOW: namespace "shop" runs 1 workload(s) and has no ResourceQuota
	// pod.yaml:5 FC-K8S-202 LOW: namespace "shop" runs 1 workload(s) and has no LimitRange
}
