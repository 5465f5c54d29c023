package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/fourc-dev/fourc/internal/testenv"
)

// TestK8sLiveCluster runs the real fourc binary against a real API server
// holding a badly configured namespace and kubeadm's traces: the report
// names the platform, the Kubernetes version and the CIS benchmark, lists
// the attack paths and the defence-in-depth rows, in every format.
func TestK8sLiveCluster(t *testing.T) {
	bin := realBinary(t)
	ctx := context.Background()
	// The controller manager makes the namespace's default service
	// account, without which the API server admits no Pod.
	c, err := testenv.New(ctx, testenv.WithControllerManager(), testenv.WithLogf(t.Logf))
	if err != nil {
		t.Fatalf("starting the test control plane: %v", err)
	}
	defer c.Stop()
	for _, f := range []string{"shop.yaml", "kubeadm.yaml"} {
		data, err := os.ReadFile("../../internal/cluster/testdata/live/" + f)
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Second) {
			out, err := c.KubectlApply(ctx, string(data))
			if err == nil {
				break
			}
			if time.Now().After(deadline) || !strings.Contains(string(out)+err.Error(), `serviceaccount "default" not found`) {
				t.Fatalf("kubectl apply %s: %v\n%s", f, err, out)
			}
		}
	}
	fourc := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, append([]string{"k8s", "--kubeconfig", c.Kubeconfig, "-A", "--quiet"}, args...)...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("fourc k8s %v: %v\n%s", args, err, stderr.String())
		}
		return string(out)
	}
	const envLine = "platform kubeadm (node label node-role.kubernetes.io/control-plane on node cp-1) · Kubernetes v1.37.2 · CIS Kubernetes Benchmark v2.0.1"

	table := fourc()
	if head, _, ok := strings.Cut(table, "\nDefence in depth"); ok {
		t.Logf("fourc k8s:\n%s", head)
	}
	// The table wraps the environment line to the terminal's width.
	flat := strings.Join(strings.Fields(table), " ")
	for _, want := range []string{envLine, "Attack paths", "FC-PATH-002", "FC-PATH-003", "Defence in depth", "live-shop/api", "FC-CIS-001"} {
		if !strings.Contains(flat, want) {
			t.Errorf("table output lacks %q", want)
		}
	}

	var doc struct {
		Environment map[string]string `json:"environment"`
		Posture     struct {
			AttackPaths []struct{ ID string }   `json:"attack_paths"`
			Workloads   []struct{ Node string } `json:"workloads"`
		} `json:"posture"`
	}
	if err := json.Unmarshal([]byte(fourc("--format", "json")), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Environment["platform"] != "kubeadm" || doc.Environment["kubernetes_version"] != "v1.37.2" || doc.Environment["benchmark"] != "CIS Kubernetes Benchmark v2.0.1" {
		t.Errorf("json environment %v", doc.Environment)
	}
	var ids []string
	for _, p := range doc.Posture.AttackPaths {
		ids = append(ids, p.ID)
	}
	want := []string{"FC-PATH-003:workload:live-shop/Deployment/api", "FC-PATH-002:workload:live-shop/Deployment/api", "FC-PATH-003:workload:live-shop/Pod/debug"}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("json attack paths %v, want %v", ids, want)
	}
	if len(doc.Posture.Workloads) < 3 {
		t.Errorf("json defence rows %v, want one per workload", doc.Posture.Workloads)
	}
	t.Logf("%d attack paths, %d defence rows", len(ids), len(doc.Posture.Workloads))

	for _, format := range []string{"sarif", "markdown", "html"} {
		out := fourc("--format", format)
		for _, want := range []string{"kubeadm", "v1.37.2", "CIS Kubernetes Benchmark v2.0.1", "FC-PATH-003"} {
			if !strings.Contains(out, want) {
				t.Errorf("--format %s lacks %q", format, want)
			}
		}
	}
}
