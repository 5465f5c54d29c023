package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	auditExec    = `{"auditID":"e1","stage":"ResponseComplete","verb":"create","user":{"username":"eve"},"sourceIPs":["203.0.113.9"],"objectRef":{"resource":"pods","namespace":"shop","name":"api-7d9f8b6c5d-x2k4p","subresource":"exec"},"responseStatus":{"code":101},"requestReceivedTimestamp":"2026-12-06T10:00:00Z"}`
	auditNormal  = `{"auditID":"n1","stage":"ResponseComplete","verb":"get","user":{"username":"system:serviceaccount:shop:api"},"sourceIPs":["10.1.2.3"],"objectRef":{"resource":"configmaps","namespace":"shop","name":"cfg"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2026-12-06T10:00:00Z"}`
	auditSecrets = `{"auditID":"s1","stage":"ResponseComplete","verb":"list","user":{"username":"system:serviceaccount:shop:api"},"sourceIPs":["10.1.2.3"],"objectRef":{"resource":"secrets","namespace":"shop"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2026-12-06T10:05:00Z"}`
	auditOther   = `{"auditID":"o1","stage":"ResponseComplete","verb":"list","user":{"username":"alice"},"sourceIPs":["10.9.9.9"],"objectRef":{"resource":"pods","namespace":"shop"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2026-12-06T10:00:00Z"}`
)

func runAuditCLI(t *testing.T, dir string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var out, errb bytes.Buffer
	code := Run(context.Background(), append([]string{"k8s", "audit"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestAuditBatchGateAndRules(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "audit.log", auditExec+"\n"+auditNormal+"\nnot json\n")
	write(t, dir, "rules.yaml", `- id: ACME-RT-1
  title: Anyone lists pods
  severity: low
  condition: event.verb == "list" && event.objectRef.resource == "pods"
  fail: ['`+auditOther+`']
  pass: ['`+auditNormal+`']
`)
	code, out, errs := runAuditCLI(t, dir, "", "audit.log", "--format", "json")
	if code != 0 || !strings.Contains(out, `"check_id": "FC-RT-001"`) || !strings.Contains(out, "audit.log:3") {
		t.Fatalf("exit %d, stderr %s, stdout %s", code, errs, out)
	}
	if code, _, _ := runAuditCLI(t, dir, "", "audit.log", "--fail-on", "high", "--quiet"); code != 1 {
		t.Errorf("--fail-on high: exit %d, want 1", code)
	}
	code, out, _ = runAuditCLI(t, dir, auditOther+"\n", "-", "--rules", "rules.yaml", "--format", "sarif")
	if code != 0 || !strings.Contains(out, `"ruleId": "ACME-RT-1"`) {
		t.Errorf("user rule from --rules on stdin: exit %d, %s", code, out)
	}
}

func TestAuditLearnMergeProfile(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.log", auditNormal+"\n")
	write(t, dir, "b.log", auditOther+"\n")
	for _, n := range []string{"a", "b"} {
		if code, _, errs := runAuditCLI(t, dir, "", "--learn", n+".log", "-o", n+".json"); code != 0 {
			t.Fatalf("learn %s: %s", n, errs)
		}
	}
	if code, _, errs := runAuditCLI(t, dir, "", "--learn", "--merge", "a.json", "--merge", "b.json", "-o", "ab.json"); code != 0 {
		t.Fatalf("merge: %s", errs)
	}
	var p struct {
		Version  int                        `json:"version"`
		Subjects map[string]json.RawMessage `json:"subjects"`
	}
	data, _ := os.ReadFile(filepath.Join(dir, "ab.json"))
	if err := json.Unmarshal(data, &p); err != nil || p.Version != 1 || len(p.Subjects) != 2 {
		t.Fatalf("merged profile: %v %s", err, data)
	}
	write(t, dir, "today.log", auditNormal+"\n"+auditSecrets+"\n")
	code, out, errs := runAuditCLI(t, dir, "", "today.log", "--profile", "ab.json", "--format", "json")
	if code != 0 || !strings.Contains(out, `"check_id": "FC-RT-101"`) || strings.Contains(out, `"check_id": "FC-RT-103"`) {
		t.Errorf("deviations: exit %d, %s %s", code, errs, out)
	}
}

func TestAuditFollowStdinAndCorrelation(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runAuditCLI(t, dir, auditNormal+"\n"+auditExec+"\n", "--follow", "-")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 1 || !strings.Contains(lines[0], `"check_id":"FC-RT-001"`) {
		t.Fatalf("--follow -: exit %d, stderr %s, stdout %q", code, errs, out)
	}
	write(t, dir, "deploy/shop.yaml", `apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: api-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: api, namespace: shop}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      serviceAccountName: api
      containers: [{name: api, image: registry.example.com/shop/api:1}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {type: LoadBalancer, selector: {app: api}, ports: [{port: 443}]}
`)
	write(t, dir, "audit.log", auditExec+"\n")
	code, out, errs = runAuditCLI(t, dir, "", "audit.log", "--manifests", "deploy", "--format", "json")
	if code != 0 || !strings.Contains(out, `"rule": "FC-PATH-002"`) || !strings.Contains(out, "audit log shows shells") {
		t.Errorf("--manifests: exit %d, stderr %s, stdout %s", code, errs, out)
	}
}

// TestAuditFollowIgnoreAndGate: --follow applies the ignore file and
// --severity to each finding and --fail-on to the run.
func TestAuditFollowIgnoreAndGate(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".fourcignore.yaml", "ignores:\n  - id: FC-RT-001\n    resource: Pod/shop/*\n    reason: break-glass sessions are reviewed\n")
	in := auditExec + "\n" + auditSecrets + "\n"
	code, out, errs := runAuditCLI(t, dir, in, "--follow", "-", "--fail-on", "high")
	if code != 1 || strings.Contains(out, "FC-RT-001") || !strings.Contains(out, `"check_id":"FC-RT-002"`) {
		t.Errorf("exit %d (want 1), stderr %s, stdout %s", code, errs, out)
	}
	code, out, _ = runAuditCLI(t, dir, in, "--follow", "-", "--severity", "critical", "--fail-on", "high")
	if code != 0 || strings.TrimSpace(out) != "" {
		t.Errorf("--severity critical: exit %d, stdout %q", code, out)
	}
}
