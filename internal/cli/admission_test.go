package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		{[]string{"--policy", bad}, `line 2: admission.mode: unknown mode "block"`},
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
