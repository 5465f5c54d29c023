package controlplane_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/controlplane"
	"github.com/fourc-dev/fourc/internal/finding"
)

var update = flag.Bool("update", false, "rewrite golden files")

// render prints findings one a line for golden files.
func render(fs []finding.Finding, facts map[string]string) string {
	var b strings.Builder
	for _, k := range []string{"platform", "kubernetes-version", "benchmark"} {
		fmt.Fprintf(&b, "# %s: %s\n", k, facts[k])
	}
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %s %s %s | %s | %s\n", f.CheckID, f.Severity, f.Resource, f.Location, f.Message, f.References[0].Source)
	}
	return b.String()
}

// TestNodes scans whole control-plane nodes (testdata/rootfs/<case>) and
// compares every finding with a golden file; run with -update to rewrite.
func TestNodes(t *testing.T) {
	cases, err := filepath.Glob("testdata/rootfs/*")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no node fixtures: %v", err)
	}
	for _, dir := range cases {
		if strings.HasSuffix(dir, ".golden") {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			fs, skipped, facts := scanFixture(t, dir, controlplane.Options{})
			if len(skipped) > 0 {
				t.Errorf("skipped: %v", skipped)
			}
			got := render(fs, facts)
			golden := dir + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("findings differ from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// TestHardenedNodePassesCIS: the hardened node fails no check but the ones
// its fixture leaves out on purpose.
func TestHardenedNodePassesCIS(t *testing.T) {
	fs, _, _ := scanFixture(t, "testdata/rootfs/kubeadm-hardened", controlplane.Options{})
	for _, f := range fs {
		t.Errorf("hardened node: %s %s", f.CheckID, f.Message)
	}
}

func TestBenchmark(t *testing.T) {
	for v, want := range map[string]string{
		"v1.24.17": "cis-1.7", "1.25": "cis-1.7", "v1.26.0": "cis-1.8", "v1.27.3": "cis-1.9", "v1.29.9-eks-1234": "cis-1.9",
		"v1.30.2": "cis-1.10", "v1.31.0": "cis-1.11", "v1.32.1": "cis-1.12", "v1.34.0": "cis-1.12",
		"v1.35.0": "cis-2.0", "v1.37.2": "cis-2.0", "": "cis-2.0", "garbage": "cis-2.0", "v2.0.0": "cis-2.0",
	} {
		if got := controlplane.Benchmark(v); got != want {
			t.Errorf("Benchmark(%q) = %q, want %q", v, got, want)
		}
	}
}

// TestNumbering: CIS numbers follow the benchmark version the Kubernetes
// version selects (v1.8.0 still had SecurityContextDeny at 1.2.12).
func TestNumbering(t *testing.T) {
	byID := map[string]controlplane.Rule{}
	for _, r := range controlplane.Rules() {
		byID[r.ID] = r
	}
	for _, tc := range []struct{ id, bench, want string }{
		{"FC-CIS-015", "cis-2.0", "1.2.15"},
		{"FC-CIS-015", "cis-1.9", "1.2.15"},
		{"FC-CIS-015", "cis-1.8", "1.2.16"},
		{"FC-CIS-001", "cis-1.8", "1.2.1"},
		{"FC-CIS-031", "cis-1.10", ""},
		{"FC-CIS-031", "cis-1.11", "1.2.30"},
		{"FC-CIS-066", "cis-2.0", ""},
	} {
		if got := byID[tc.id].Number(tc.bench); got != tc.want {
			t.Errorf("%s in %s: %q, want %q", tc.id, tc.bench, got, tc.want)
		}
	}
	// A v1.26 node's findings cite v1.8.0's numbers.
	fs, _, facts := scanFixture(t, "testdata/checks/FC-CIS-015/fail/default", controlplane.Options{KubernetesVersion: "v1.26.3"})
	if facts["benchmark"] != "CIS Kubernetes Benchmark v1.8.0" {
		t.Errorf("facts %v", facts)
	}
	found := false
	for _, f := range fs {
		if f.CheckID == "FC-CIS-015" {
			found = true
			if f.References[0].Source != "CIS Kubernetes Benchmark v1.8.0 1.2.16" {
				t.Errorf("reference %q", f.References[0].Source)
			}
		}
		if f.CheckID == "FC-CIS-031" {
			t.Errorf("v1.8.0 has no 1.2.30, but found %s", f.Message)
		}
	}
	if !found {
		t.Error("no FC-CIS-015 finding")
	}
}

func TestParseArgs(t *testing.T) {
	got := controlplane.ParseArgs([]string{
		"hyperkube", "kube-apiserver", "--anonymous-auth", "--etcd-servers", "https://a:2379", "-v=2",
		"--profiling", "false", "--token-auth-file=", `--authorization-mode="Node,RBAC"`, "--", "--not-a-flag=1",
	}, "/proc/1/cmdline", nil)
	want := []controlplane.Arg{
		{Name: "anonymous-auth", Value: "true", Path: "/proc/1/cmdline"},
		{Name: "etcd-servers", Value: "https://a:2379", Path: "/proc/1/cmdline"},
		{Name: "v", Value: "2", Path: "/proc/1/cmdline"},
		{Name: "profiling", Value: "true", Path: "/proc/1/cmdline"},
		{Name: "token-auth-file", Value: "", Path: "/proc/1/cmdline"},
		{Name: "authorization-mode", Value: "Node,RBAC", Path: "/proc/1/cmdline"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseArgs (-want +got):\n%s", diff)
	}
}

// mapGetter serves ConfigMaps from memory, as internal/cluster serves them
// from a live cluster.
type mapGetter map[string]map[string]string

func (m mapGetter) ConfigMapData(_ context.Context, ns, name string) (map[string]string, error) {
	if d, ok := m[ns+"/"+name]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("configmap %s/%s: %w", ns, name, controlplane.ErrNotFound)
}

func TestScanKubeadm(t *testing.T) {
	const v1beta4 = `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.4
apiServer:
  extraArgs:
  - name: anonymous-auth
    value: "true"
  - name: profiling
    value: "false"
controllerManager:
  extraArgs:
  - name: bind-address
    value: 0.0.0.0
etcd:
  local:
    dataDir: /var/lib/etcd
`
	const v1beta3 = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.28.0
apiServer:
  extraArgs:
    authorization-mode: AlwaysAllow
etcd:
  external:
    endpoints: [https://10.0.0.5:2379]
`
	const kubelet = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 10255\n"
	for _, tc := range []struct {
		name       string
		get        mapGetter
		want       []string // IDs that must be found
		notWant    []string
		wantBench  string
		wantSkipOK bool
	}{
		{
			name: "v1beta4",
			get: mapGetter{"kube-system/kubeadm-config": {"ClusterConfiguration": v1beta4},
				"kube-system/kubelet-config": {"kubelet": kubelet}},
			want:    []string{"FC-CIS-001", "FC-CIS-046", "FC-CIS-063", "FC-CIS-005", "FC-CIS-027"},
			notWant: []string{"FC-CIS-006", "FC-CIS-015", "FC-CIS-051", "FC-CIS-090"},
		},
		{
			name:    "v1beta3-external-etcd",
			get:     mapGetter{"kube-system/kubeadm-config": {"ClusterConfiguration": v1beta3}},
			want:    []string{"FC-CIS-006", "FC-CIS-007", "FC-CIS-008"},
			notWant: []string{"FC-CIS-051", "FC-CIS-063"},
		},
		{name: "managed", get: mapGetter{}, wantSkipOK: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, skipped, err := controlplane.ScanKubeadm(context.Background(), tc.get, controlplane.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantSkipOK {
				if len(fs) != 0 || len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "no kubeadm ClusterConfiguration") {
					t.Errorf("findings %v, skipped %v", fs, skipped)
				}
				return
			}
			if len(skipped) > 0 {
				t.Errorf("skipped %v", skipped)
			}
			found := map[string]finding.Finding{}
			for _, f := range fs {
				found[f.CheckID] = f
				if f.Location.Object == "" || f.Location.Path != "" {
					t.Errorf("%s: location %v, want the ConfigMap", f.CheckID, f.Location)
				}
			}
			for _, id := range tc.want {
				if _, ok := found[id]; !ok {
					t.Errorf("no %s", id)
				}
			}
			for _, id := range tc.notWant {
				if f, ok := found[id]; ok {
					t.Errorf("unexpected %s: %s", id, f.Message)
				}
			}
		})
	}
	_, _, err := controlplane.ScanKubeadm(context.Background(), failingGetter{}, controlplane.Options{})
	if err == nil || !strings.Contains(err.Error(), "kube-system/kubeadm-config") {
		t.Errorf("error %v", err)
	}
}

type failingGetter struct{}

func (failingGetter) ConfigMapData(context.Context, string, string) (map[string]string, error) {
	return nil, errors.New("forbidden")
}

func TestPlatform(t *testing.T) {
	for _, tc := range []struct {
		labels map[string]string
		want   string
	}{
		{map[string]string{"eks.amazonaws.com/nodegroup": "ng-1"}, "eks"},
		{map[string]string{"cloud.google.com/gke-nodepool": "default-pool"}, "gke"},
		{map[string]string{"kubernetes.azure.com/cluster": "c"}, "aks"},
		{map[string]string{"node.kubernetes.io/instance-type": "k3s"}, "k3s"},
		{map[string]string{"node-role.kubernetes.io/control-plane": ""}, "kubeadm"},
		{map[string]string{}, ""},
	} {
		if got := controlplane.PlatformFromNodeLabels(tc.labels); got.Name != tc.want {
			t.Errorf("PlatformFromNodeLabels(%v) = %q, want %q", tc.labels, got.Name, tc.want)
		}
	}
	// Several telling labels: the evidence is the first by name, on
	// every run.
	many := map[string]string{"eks.amazonaws.com/nodegroup": "ng-1", "eks.amazonaws.com/capacityType": "ON_DEMAND", "eks.amazonaws.com/sourceLaunchTemplateId": "lt-1"}
	for range 20 {
		if got := controlplane.PlatformFromNodeLabels(many); got.Evidence != "node label eks.amazonaws.com/capacityType" {
			t.Fatalf("evidence %q", got.Evidence)
		}
	}
	for _, tc := range []struct {
		version, want string
		managed       bool
	}{
		{"v1.31.2-eks-7f9249a", "eks", true},
		{"v1.30.5-gke.1014001", "gke", true},
		{"v1.31.1+k3s1", "k3s", false},
		{"v1.31.1+rke2r1", "rke2", false},
		{"v1.37.2", "", false},
		{"", "", false},
	} {
		got := controlplane.PlatformFromVersion(tc.version)
		if got.Name != tc.want || got.Managed != tc.managed || (got.Name != "" && !strings.Contains(got.Evidence, tc.version)) {
			t.Errorf("PlatformFromVersion(%q) = %+v, want %q", tc.version, got, tc.want)
		}
	}
	// A K3s node: the platform is reported and the embedded control plane
	// is said to be out of sight.
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "etc/rancher/k3s"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "etc/rancher/k3s/config.yaml"), []byte("write-kubeconfig-mode: \"0600\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, skipped, facts := scanFixture(t, dir, controlplane.Options{})
	if facts["platform"] != "K3s" || len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "inside the k3s process") {
		t.Errorf("facts %v, skipped %v", facts, skipped)
	}
}
