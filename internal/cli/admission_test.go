package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/testenv"
)

// TestAdmissionServeErrors: mistakes in how the webhook is started are
// usage errors that say what to do, before any cluster is contacted.
func TestAdmissionServeErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(bad, []byte("fail-on: high\nadmission:\n  mode: block\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--failure-policy", "maybe"}, `invalid --failure-policy "maybe" (want open or closed)`},
		{[]string{"--timeout", "0s"}, "invalid --timeout 0s"},
		{[]string{"--dry-run", "--format", "yaml"}, `invalid --format "yaml"`},
		{[]string{"--policy", filepath.Join(dir, "missing.yaml")}, "no such file"},
		{[]string{"--policy", bad}, `line 3: admission.mode: unknown mode "block"`},
		{[]string{"--policy", bad + ".none", "--dry-run"}, "no such file"},
		{[]string{"--dry-run", "--policy", filepath.Join(dir, "x"), "--kubeconfig", filepath.Join(dir, "nope")}, "no such file"},
	}
	for _, tt := range tests {
		args := append([]string{"k8s", "admission", "serve"}, tt.args...)
		code, _, stderr := run(t, args...)
		if code != ExitError || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr, ExitError, tt.want)
		}
	}
}

// TestAdmissionDryRunNoCluster: without a reachable cluster a dry run
// fails with the kubeconfig named, not a stack of client errors.
func TestAdmissionDryRunNoCluster(t *testing.T) {
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	os.WriteFile(kc, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`), 0o600)
	code, _, stderr := run(t, "k8s", "admission", "serve", "--dry-run", "--kubeconfig", kc, "--policy", "/nonexistent/default-is-fine")
	if code != ExitError || !strings.Contains(stderr, "no such file") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "k8s", "admission", "serve", "--dry-run", "--kubeconfig", kc)
	if code != ExitError || !strings.Contains(stderr, "unreachable") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestAdmissionHelp(t *testing.T) {
	code, out, _ := run(t, "k8s", "admission", "serve", "--help")
	for _, flag := range []string{"--listen", "--tls-dir", "--policy", "--metrics-addr", "--failure-policy", "--timeout", "--dry-run", "--kubeconfig", "--context"} {
		if !strings.Contains(out, flag) {
			t.Errorf("help does not mention %s", flag)
		}
	}
	if code != 0 {
		t.Errorf("exit %d", code)
	}
}

// TestAdmissionDryRunLive: `fourc k8s admission serve --dry-run` against a
// real API server lists what the policy would deny, as a table and as
// JSON, and exits 1.
func TestAdmissionDryRunLive(t *testing.T) {
	c := testenv.Start(t)
	ctx := context.Background()
	if _, err := c.KubectlApply(ctx, `apiVersion: v1
kind: Namespace
metadata: {name: pay, labels: {fourc.dev/admission: enforce}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: pay}
---
apiVersion: v1
kind: Pod
metadata: {name: root, namespace: pay}
spec:
  containers: [{name: a, image: nginx:1.27, securityContext: {privileged: true}}]
`); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "k8s", "admission", "serve", "--dry-run", "--kubeconfig", c.Kubeconfig, "-A")
	if code != ExitFindings || !strings.Contains(out, "deny") || !strings.Contains(out, "FC-K8S-101") || !strings.Contains(stderr, "1 of the cluster's objects would have been denied") {
		t.Errorf("table: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = run(t, "k8s", "admission", "serve", "--dry-run", "--kubeconfig", c.Kubeconfig, "-A", "--format", "json")
	var got struct {
		Verdicts []struct {
			Decision, Kind, Namespace, Name string
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != ExitFindings {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	if len(got.Verdicts) != 1 || got.Verdicts[0].Name != "root" || got.Verdicts[0].Decision != "deny" {
		t.Errorf("verdicts %+v", got.Verdicts)
	}
}
