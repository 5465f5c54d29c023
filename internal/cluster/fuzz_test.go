package cluster

import (
	"strings"
	"testing"
)

// FuzzAppliedData checks that any annotation value is judged without
// panicking, and that one holding no "data" text is never said to hold data.
func FuzzAppliedData(f *testing.F) {
	for _, s := range []string{`{"data":{"a":"Yg=="}}`, `{"stringData":{"a":"b"}}`, `{"data":{}}`, `{}`, `[`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appliedData(s)
		if got && !strings.Contains(strings.ToLower(s), "ata") && !strings.Contains(s, `\u`) {
			t.Errorf("appliedData(%q) = true without a data field", s)
		}
	})
}

// FuzzKubeadmSnapshot feeds any ClusterConfiguration, KubeletConfiguration,
// node label and server version to the live platform detection and the
// kubeadm checks: they never panic, never fail the scan (bad ConfigMap
// data is a skipped entry), and always name a platform.
func FuzzKubeadmSnapshot(f *testing.F) {
	f.Add("apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n  - name: anonymous-auth\n    value: \"true\"\n",
		"kind: KubeletConfiguration\nreadOnlyPort: 10255\n", "node-role.kubernetes.io/control-plane", "v1.37.2")
	f.Add("kind: ClusterConfiguration\napiServer: {extraArgs: {profiling: \"true\"}}\netcd: {external: {}}\n", "", "eks.amazonaws.com/nodegroup", "v1.31.2-eks-7f9249a")
	f.Add("a: &x [*x]\n", "[", "", "+k3s")
	f.Fuzz(func(t *testing.T, cluster, kubelet, label, version string) {
		snap := &Snapshot{
			Version: version,
			Nodes:   []NodeMeta{{Name: "n", Labels: map[string]string{label: ""}}},
			ConfigMaps: map[string]map[string]string{
				"kube-system/kubeadm-config": {"ClusterConfiguration": cluster},
				"kube-system/kubelet-config": {"kubelet": kubelet},
			},
		}
		p := detectPlatform(snap)
		if platformName(p) == "" {
			t.Fatal("no platform name")
		}
		if _, _, _, err := scanKubeadm(t.Context(), snap, p, "cis-2.0"); err != nil {
			t.Fatalf("scanKubeadm: %v", err)
		}
	})
}
