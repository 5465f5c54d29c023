// Package helm holds the tests of fourc's Helm chart (deploy/helm/fourc):
// it renders the chart as `helm template` does, lints it with Helm's own
// linter, checks the security properties docs/in-cluster.md promises, and
// keeps the plain manifests (deploy/manifests/fourc.yaml) in step with it.
//
//	go test ./deploy/helm                 # check
//	go test ./deploy/helm -run Manifests -update   # rewrite deploy/manifests/fourc.yaml
package helm

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
	"helm.sh/helm/v3/pkg/releaseutil"
)

var update = flag.Bool("update", false, "rewrite deploy/manifests/fourc.yaml from the chart")

const (
	chartDir  = "fourc"
	golden    = "../manifests/fourc.yaml"
	release   = "fourc"
	namespace = "fourc"
	repo      = "ghcr.io/fourc-dev/fourc"
)

// allEnabled turns on every optional part of the chart.
func allEnabled() map[string]any {
	return map[string]any{
		"admission": map[string]any{"enabled": true, "failurePolicy": "Fail", "replicas": 3, "requireLabel": true,
			"excludeNamespaces": []any{"cert-manager"}, "priorityClassName": "system-cluster-critical",
			"nodeSelector": map[string]any{"kubernetes.io/os": "linux"}, "podAnnotations": map[string]any{"a": "b"},
			"tolerations": []any{map[string]any{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}}},
		"operator": map[string]any{"enabled": true, "replicas": 2, "namespaces": []any{"shop", "payments"},
			"affinity": map[string]any{"nodeAffinity": map[string]any{}}, "podAnnotations": map[string]any{"a": "b"}},
		"nodeScans":        map[string]any{"enabled": true},
		"image":            map[string]any{"digest": "sha256:" + strings.Repeat("ab", 32)},
		"serviceMonitor":   map[string]any{"enabled": true},
		"imagePullSecrets": []any{map[string]any{"name": "regcred"}},
		"commonLabels":     map[string]any{"team": "security"},
	}
}

// certManager is what the plain manifests are rendered with.
func certManager() map[string]any {
	return map[string]any{"admission": map[string]any{"tls": map[string]any{"certManager": map[string]any{"enabled": true}}}}
}

func loadChart(t *testing.T) *chart.Chart {
	t.Helper()
	c, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// render renders the chart as `helm template RELEASE deploy/helm/fourc
// --namespace NS --include-crds` does (Helm's engine, install order, CRDs
// first) and returns the manifest.
func render(t *testing.T, vals map[string]any, ns string) string {
	t.Helper()
	out, err := renderErr(vals, ns)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func renderErr(vals map[string]any, ns string) (string, error) {
	return renderWith(vals, ns, nil)
}

// renderWith renders with lookup answered by cluster (nil: nothing found,
// as in helm template).
func renderWith(vals map[string]any, ns string, cluster engine.ClientProvider) (string, error) {
	c, err := loader.Load(chartDir)
	if err != nil {
		return "", err
	}
	caps := chartutil.DefaultCapabilities
	rv, err := chartutil.ToRenderValues(c, vals, chartutil.ReleaseOptions{
		Name: release, Namespace: ns, Revision: 1, IsInstall: true,
	}, caps)
	if err != nil {
		return "", err
	}
	var files map[string]string
	if cluster == nil {
		files, err = engine.Render(c, rv)
	} else {
		files, err = engine.RenderWithClientProvider(c, rv, cluster)
	}
	if err != nil {
		return "", err
	}
	for name := range files {
		if strings.HasSuffix(name, "NOTES.txt") {
			delete(files, name)
		}
	}
	hooks, manifests, err := releaseutil.SortManifests(files, caps.APIVersions, releaseutil.InstallOrder)
	if err != nil {
		return "", err
	}
	if len(hooks) != 0 {
		return "", fmt.Errorf("the chart has %d hooks; the plain manifests cannot express them", len(hooks))
	}
	var b strings.Builder
	for _, crd := range c.CRDObjects() {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", crd.Filename, crd.File.Data)
	}
	for _, m := range manifests {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", m.Name, m.Content)
	}
	return b.String(), nil
}

// object is one rendered document, its kind and name, and its YAML.
type object struct {
	Kind, Name, Namespace string
	Data                  []byte
}

func objects(t *testing.T, manifest string) []object {
	t.Helper()
	var objs []object
	for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(manifest, -1) {
		if strings.TrimSpace(stripComments(doc)) == "" {
			continue
		}
		var meta struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatalf("rendered YAML does not parse: %v\n%s", err, doc)
		}
		objs = append(objs, object{meta.Kind, meta.Metadata.Name, meta.Metadata.Namespace, []byte(doc)})
	}
	return objs
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, l := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// decode reads obj strictly into v: an unknown or misspelt field fails.
func decode(t *testing.T, obj object, v any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(obj.Data, v); err != nil {
		t.Fatalf("%s %s: %v", obj.Kind, obj.Name, err)
	}
}

func byKind(objs []object, kind string) []object {
	var out []object
	for _, o := range objs {
		if o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

func TestLint(t *testing.T) {
	for name, vals := range map[string]map[string]any{"default": {}, "all-enabled": allEnabled(), "cert-manager": certManager()} {
		t.Run(name, func(t *testing.T) {
			l := lint.All(chartDir, vals, namespace, false)
			for _, m := range l.Messages {
				if m.Severity > support.InfoSev {
					t.Errorf("helm lint: %s", m)
				} else {
					t.Logf("helm lint: %s", m)
				}
			}
		})
	}
}

// TestSecurity renders the chart with default and with all-enabled values
// and checks every workload, identity and permission it creates.
func TestSecurity(t *testing.T) {
	for name, vals := range map[string]map[string]any{"default": {}, "all-enabled": allEnabled(), "cert-manager": certManager()} {
		t.Run(name, func(t *testing.T) {
			objs := objects(t, render(t, vals, namespace))
			image := repo + ":" + loadChart(t).Metadata.AppVersion
			if name == "all-enabled" {
				image = repo + "@sha256:" + strings.Repeat("ab", 32)
			}
			checkDeployments(t, objs, image)
			checkServiceAccounts(t, objs, name == "all-enabled")
			checkRBAC(t, objs)
			checkWebhook(t, objs, vals)
			checkNetworkPolicies(t, objs)
			checkPDBs(t, objs, name == "all-enabled")
			for _, o := range objs {
				if o.Namespace != "" && o.Namespace != namespace {
					t.Errorf("%s %s in namespace %q, not the release's", o.Kind, o.Name, o.Namespace)
				}
			}
		})
	}
}

func checkDeployments(t *testing.T, objs []object, image string) {
	t.Helper()
	deps := byKind(objs, "Deployment")
	if len(deps) != 2 {
		t.Fatalf("%d Deployments, want the webhook's and the operator's", len(deps))
	}
	sas := map[string]bool{}
	for _, o := range byKind(objs, "ServiceAccount") {
		sas[o.Name] = true
	}
	for _, o := range deps {
		var d appsv1.Deployment
		decode(t, o, &d)
		p := d.Spec.Template.Spec
		where := "Deployment " + d.Name
		if !sas[p.ServiceAccountName] {
			t.Errorf("%s: service account %q is not one of the chart's", where, p.ServiceAccountName)
		}
		if p.AutomountServiceAccountToken == nil {
			t.Errorf("%s: automountServiceAccountToken is not set explicitly", where)
		}
		if p.HostNetwork || p.HostPID || p.HostIPC {
			t.Errorf("%s: shares a host namespace", where)
		}
		psc := p.SecurityContext
		if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
			t.Errorf("%s: pod securityContext %+v, want runAsNonRoot and seccomp RuntimeDefault", where, psc)
		}
		for _, v := range p.Volumes {
			if v.HostPath != nil {
				t.Errorf("%s: hostPath volume %s", where, v.Name)
			}
		}
		if len(p.InitContainers) != 0 {
			t.Errorf("%s: init containers are not expected", where)
		}
		for _, c := range p.Containers {
			where := where + " container " + c.Name
			checkContainer(t, where, c, image)
		}
	}
}

func checkContainer(t *testing.T, where string, c corev1.Container, image string) {
	t.Helper()
	if c.Image != image {
		t.Errorf("%s: image %q, want %q", where, c.Image, image)
	}
	sc := c.SecurityContext
	switch {
	case sc == nil:
		t.Errorf("%s: no securityContext", where)
		return
	case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
		t.Errorf("%s: root filesystem is writable", where)
	case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
		t.Errorf("%s: allowPrivilegeEscalation is not false", where)
	case sc.Privileged != nil && *sc.Privileged:
		t.Errorf("%s: privileged", where)
	case sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser == 0:
		t.Errorf("%s: may run as root", where)
	case sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) != 0:
		t.Errorf("%s: capabilities %+v, want drop [ALL] and add none", where, sc.Capabilities)
	case sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault:
		t.Errorf("%s: seccomp profile is not RuntimeDefault", where)
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[r]; !ok {
			t.Errorf("%s: no %s request", where, r)
		}
		if _, ok := c.Resources.Limits[r]; !ok {
			t.Errorf("%s: no %s limit", where, r)
		}
	}
	if c.LivenessProbe == nil || c.ReadinessProbe == nil {
		t.Errorf("%s: liveness and readiness probes are both required", where)
	}
	for _, m := range c.VolumeMounts {
		if !m.ReadOnly && m.MountPath != "/tmp" {
			t.Errorf("%s: %s is mounted writable", where, m.MountPath)
		}
	}
}

func checkServiceAccounts(t *testing.T, objs []object, nodeScans bool) {
	t.Helper()
	var names []string
	for _, o := range byKind(objs, "ServiceAccount") {
		var sa corev1.ServiceAccount
		decode(t, o, &sa)
		names = append(names, sa.Name)
		if sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken {
			t.Errorf("ServiceAccount %s mounts a token by default; only the pods that need one ask for it", sa.Name)
		}
	}
	want := []string{"fourc-admission", "fourc-operator", "fourc-scan"}
	if nodeScans {
		want = append(want, "fourc-node-scan")
	}
	sort.Strings(names)
	sort.Strings(want)
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("service accounts (-want +got):\n%s", diff)
	}
}

// writeVerbs may appear only where allowedWrites says.
var writeVerbs = []string{"create", "update", "patch", "delete", "deletecollection"}

// allowedWrites lists the resources each kind of role may write:
// cluster-wide, only fourc's own reports; in the release namespace, the scan
// Jobs, report ConfigMaps, the Lease and Events.
var allowedWrites = map[string][]string{
	"ClusterRole": {"fourc.dev/workloadreports", "fourc.dev/clusterposturereports", "fourc.dev/nodereports",
		"fourc.dev/workloadreports/status", "fourc.dev/clusterposturereports/status", "fourc.dev/nodereports/status"},
	"Role": {"batch/jobs", "/configmaps", "coordination.k8s.io/leases", "/events", "events.k8s.io/events"},
}

// forbidden resources and verbs are never granted, in any role.
var (
	forbiddenResources = []string{"secrets", "pods/exec", "pods/attach", "pods/portforward", "nodes/proxy", "serviceaccounts/token", "pods/ephemeralcontainers", "*"}
	forbiddenVerbs     = []string{"escalate", "bind", "impersonate", "*"}
)

func checkRBAC(t *testing.T, objs []object) {
	t.Helper()
	for _, kind := range []string{"ClusterRole", "Role"} {
		for _, o := range byKind(objs, kind) {
			var r rbacv1.ClusterRole
			decode(t, o, &r)
			where := kind + " " + r.Name
			if r.AggregationRule != nil {
				t.Errorf("%s: aggregates other roles", where)
			}
			for _, rule := range r.Rules {
				if len(rule.NonResourceURLs) > 0 {
					t.Errorf("%s: non-resource URLs %v", where, rule.NonResourceURLs)
				}
				for _, v := range rule.Verbs {
					if slices.Contains(forbiddenVerbs, v) {
						t.Errorf("%s: verb %q", where, v)
					}
				}
				for _, g := range rule.APIGroups {
					if g == "*" {
						t.Errorf("%s: every API group", where)
					}
					for _, res := range rule.Resources {
						if slices.Contains(forbiddenResources, res) {
							t.Errorf("%s: resource %q", where, res)
						}
						for _, v := range rule.Verbs {
							if slices.Contains(writeVerbs, v) && !slices.Contains(allowedWrites[kind], g+"/"+res) {
								t.Errorf("%s: %s on %s/%s is not a write this chart may grant", where, v, g, res)
							}
						}
					}
				}
			}
		}
	}
	for _, kind := range []string{"ClusterRoleBinding", "RoleBinding"} {
		for _, o := range byKind(objs, kind) {
			var b rbacv1.RoleBinding
			decode(t, o, &b)
			for _, s := range b.Subjects {
				if s.Kind != "ServiceAccount" || s.Namespace != namespace || !strings.HasPrefix(s.Name, release+"-") {
					t.Errorf("%s %s binds %+v, not one of the chart's service accounts", kind, b.Name, s)
				}
				if s.Name == "fourc-scan" || s.Name == "fourc-node-scan" {
					t.Errorf("%s %s gives the scan Jobs' account %s a role: they need none", kind, b.Name, s.Name)
				}
			}
			if strings.HasPrefix(b.RoleRef.Name, "cluster-admin") || b.RoleRef.Name == "admin" || b.RoleRef.Name == "edit" {
				t.Errorf("%s %s binds the built-in role %s", kind, b.Name, b.RoleRef.Name)
			}
		}
	}
}

// TestRBACJustified checks that every rule of the chart's roles carries a
// comment saying why it is there.
func TestRBACJustified(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(chartDir, "templates", "*rbac*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no RBAC templates: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for i, l := range lines {
			if strings.TrimSpace(l) != "- apiGroups:" && !strings.HasPrefix(strings.TrimSpace(l), "- apiGroups: [") {
				continue
			}
			if i == 0 || !strings.HasPrefix(strings.TrimSpace(lines[i-1]), "#") {
				t.Errorf("%s:%d: a rule without a comment justifying it", f, i+1)
			}
		}
	}
}

var webhookResources = map[string][]string{
	"":                          {"namespaces", "pods", "services"},
	"apps":                      {"daemonsets", "deployments", "replicasets", "statefulsets"},
	"batch":                     {"cronjobs", "jobs"},
	"rbac.authorization.k8s.io": {"clusterrolebindings", "clusterroles", "rolebindings", "roles"},
}

func checkWebhook(t *testing.T, objs []object, vals map[string]any) {
	t.Helper()
	vwcs := byKind(objs, "ValidatingWebhookConfiguration")
	if len(vwcs) != 1 {
		t.Fatalf("%d ValidatingWebhookConfigurations, want 1", len(vwcs))
	}
	var vwc admissionv1.ValidatingWebhookConfiguration
	decode(t, vwcs[0], &vwc)
	if len(vwc.Webhooks) != 1 {
		t.Fatalf("%d webhooks, want 1", len(vwc.Webhooks))
	}
	w := vwc.Webhooks[0]
	wantPolicy := admissionv1.Ignore
	if a, _ := vals["admission"].(map[string]any); a["failurePolicy"] == "Fail" {
		wantPolicy = admissionv1.Fail
	}
	if w.FailurePolicy == nil || *w.FailurePolicy != wantPolicy {
		t.Errorf("failurePolicy %v, want %s", w.FailurePolicy, wantPolicy)
	}
	if w.SideEffects == nil || *w.SideEffects != admissionv1.SideEffectClassNone {
		t.Errorf("sideEffects %v, want None", w.SideEffects)
	}
	if w.TimeoutSeconds == nil || *w.TimeoutSeconds < 1 || *w.TimeoutSeconds > 10 {
		t.Errorf("timeoutSeconds %v, want 1-10", w.TimeoutSeconds)
	}
	if s := w.ClientConfig.Service; s == nil || s.Name != "fourc-admission" || s.Namespace != namespace || s.Path == nil || *s.Path != "/validate" {
		t.Errorf("clientConfig.service %+v, want fourc-admission in %s at /validate", s, namespace)
	}
	got := map[string][]string{}
	for _, r := range w.Rules {
		if !slices.Equal(r.Operations, []admissionv1.OperationType{admissionv1.Create, admissionv1.Update}) {
			t.Errorf("rule %v: operations %v, want CREATE and UPDATE", r.Resources, r.Operations)
		}
		for _, g := range r.APIGroups {
			got[g] = append(got[g], r.Resources...)
		}
	}
	for g := range got {
		sort.Strings(got[g])
	}
	if diff := cmp.Diff(webhookResources, got); diff != "" {
		t.Errorf("webhook resources (-want +got):\n%s", diff)
	}
	var excluded []string
	for _, e := range w.NamespaceSelector.MatchExpressions {
		if e.Key == "kubernetes.io/metadata.name" && e.Operator == "NotIn" {
			excluded = e.Values
		}
	}
	a, _ := vals["admission"].(map[string]any)
	mustExclude := []string{namespace, "kube-system"}
	if extra, ok := a["excludeNamespaces"].([]any); ok {
		for _, ns := range extra {
			mustExclude = append(mustExclude, ns.(string))
		}
	}
	for _, ns := range mustExclude {
		if !slices.Contains(excluded, ns) {
			t.Errorf("namespaceSelector does not exclude %s: %+v", ns, w.NamespaceSelector)
		}
	}
	wantMode := metav1.LabelSelectorRequirement{Key: "fourc.dev/admission", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"off"}}
	if a["requireLabel"] == true {
		wantMode = metav1.LabelSelectorRequirement{Key: "fourc.dev/admission", Operator: metav1.LabelSelectorOpIn, Values: []string{"enforce", "warn", "audit"}}
	}
	if !slices.ContainsFunc(w.NamespaceSelector.MatchExpressions, func(e metav1.LabelSelectorRequirement) bool { return cmp.Equal(e, wantMode) }) {
		t.Errorf("namespaceSelector %+v lacks %+v", w.NamespaceSelector.MatchExpressions, wantMode)
	}
	if vwc.Annotations["cert-manager.io/inject-ca-from"] != "" {
		if len(w.ClientConfig.CABundle) != 0 {
			t.Error("cert-manager injects the caBundle, yet the chart sets one")
		}
		return
	}
	checkServingCert(t, objs, w.ClientConfig.CABundle)
}

// checkServingCert verifies the generated serving certificate against the
// webhook's caBundle for the Service's DNS name.
func checkServingCert(t *testing.T, objs []object, caBundle []byte) {
	t.Helper()
	var secret corev1.Secret
	for _, o := range byKind(objs, "Secret") {
		if o.Name == "fourc-admission-tls" {
			decode(t, o, &secret)
		}
	}
	if secret.Type != corev1.SecretTypeTLS {
		t.Fatalf("no kubernetes.io/tls Secret fourc-admission-tls")
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caBundle) {
		t.Fatal("caBundle holds no PEM certificate")
	}
	if !bytes.Equal(secret.Data["ca.crt"], caBundle) {
		t.Error("caBundle differs from the Secret's ca.crt")
	}
	block, _ := pem.Decode(secret.Data["tls.crt"])
	if block == nil {
		t.Fatal("tls.crt is not PEM")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	for _, dns := range []string{"fourc-admission.fourc.svc", "fourc-admission.fourc.svc.cluster.local"} {
		if _, err := cert.Verify(x509.VerifyOptions{DNSName: dns, Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			t.Errorf("serving certificate for %s: %v", dns, err)
		}
	}
	if len(secret.Data["tls.key"]) == 0 {
		t.Error("no tls.key")
	}
}

func checkNetworkPolicies(t *testing.T, objs []object) {
	t.Helper()
	policies := map[string]networkingv1.NetworkPolicy{}
	for _, o := range byKind(objs, "NetworkPolicy") {
		var np networkingv1.NetworkPolicy
		decode(t, o, &np)
		policies[np.Name] = np
	}
	deny, ok := policies["fourc-default-deny"]
	if !ok || len(deny.Spec.Ingress) != 0 || len(deny.Spec.Egress) != 0 || len(deny.Spec.PolicyTypes) != 2 {
		t.Errorf("no default-deny policy for ingress and egress: %+v", deny.Spec)
	}
	ports := func(name string) []int32 {
		var ps []int32
		for _, r := range policies[name].Spec.Ingress {
			for _, p := range r.Ports {
				ps = append(ps, p.Port.IntVal)
			}
		}
		return ps
	}
	if got := ports("fourc-admission"); !slices.Equal(got, []int32{8443, 9090}) {
		t.Errorf("webhook ingress ports %v, want the webhook (8443) and metrics (9090)", got)
	}
	if got := ports("fourc-operator"); !slices.Equal(got, []int32{9091}) {
		t.Errorf("operator ingress ports %v, want metrics (9091)", got)
	}
	// Scan Jobs: nothing connects to them; node scans connect to nothing.
	for name, np := range policies {
		if !strings.HasSuffix(name, "-scans") {
			continue
		}
		if len(np.Spec.Ingress) != 0 || len(np.Spec.PolicyTypes) != 2 || np.Spec.PodSelector.MatchLabels["fourc.dev/scan"] == "" {
			t.Errorf("%s: %+v, want no ingress for scan Jobs", name, np.Spec)
		}
		if name == "fourc-node-scans" && len(np.Spec.Egress) != 0 {
			t.Errorf("%s: node scans may connect to %+v", name, np.Spec.Egress)
		}
	}
	if _, ok := policies["fourc-image-scans"]; !ok {
		t.Error("no policy for the image-scan Jobs")
	}
}

func checkPDBs(t *testing.T, objs []object, operatorHA bool) {
	t.Helper()
	var names []string
	for _, o := range byKind(objs, "PodDisruptionBudget") {
		var p policyv1.PodDisruptionBudget
		decode(t, o, &p)
		names = append(names, p.Name)
	}
	want := []string{"fourc-admission"}
	if operatorHA {
		want = append(want, "fourc-operator")
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("PodDisruptionBudgets (-want +got):\n%s", diff)
	}
}

// TestWebhookArgs checks the flags the chart passes to the two commands.
func TestWebhookArgs(t *testing.T) {
	objs := objects(t, render(t, allEnabled(), namespace))
	args := map[string][]string{}
	for _, o := range byKind(objs, "Deployment") {
		var d appsv1.Deployment
		decode(t, o, &d)
		args[d.Name] = d.Spec.Template.Spec.Containers[0].Args
	}
	image := repo + "@sha256:" + strings.Repeat("ab", 32)
	want := map[string][]string{
		"fourc-admission": {"k8s", "admission", "serve", "--listen=:8443", "--tls-dir=/etc/fourc/tls",
			"--policy=/etc/fourc/policy/policy.yaml", "--metrics-addr=:9090", "--failure-policy=closed", "--timeout=2s"},
		"fourc-operator": {"k8s", "operator", "--metrics-addr=:9091", "--health-addr=:8081", "--leader-elect=true",
			"--scan-mode=job", "--scan-image=" + image, "--max-concurrent-scans=2", "--namespaces=shop,payments", "--node-scans"},
	}
	if diff := cmp.Diff(want, args); diff != "" {
		t.Errorf("arguments (-want +got):\n%s", diff)
	}
}

// TestPolicyConfigMap checks the policy file the webhook reads.
func TestPolicyConfigMap(t *testing.T) {
	cms := byKind(objects(t, render(t, map[string]any{}, namespace)), "ConfigMap")
	if len(cms) != 1 {
		t.Fatalf("%d ConfigMaps, want the policy's", len(cms))
	}
	var cm corev1.ConfigMap
	decode(t, cms[0], &cm)
	var policy map[string]any
	if err := yaml.UnmarshalStrict([]byte(cm.Data["policy.yaml"]), &policy); err != nil {
		t.Fatalf("policy.yaml: %v", err)
	}
	mode := policy["admission"].(map[string]any)["mode"]
	if policy["fail-on"] != "high" || mode != "warn" {
		t.Errorf("policy.yaml = %v", policy)
	}
}

// TestInvalidValues checks that values the chart cannot honour, and keys it
// does not know (values.schema.json), fail the render with a message naming
// them instead of producing a broken webhook.
func TestInvalidValues(t *testing.T) {
	for name, vals := range map[string]map[string]any{
		"failurePolicy": {"admission": map[string]any{"failurePolicy": "Maybe"}},
		"timeout":       {"admission": map[string]any{"timeoutSeconds": 60}},
		"scanMode":      {"operator": map[string]any{"scanMode": "cron"}},
		"admision":      {"admision": map[string]any{"enabled": false}}, // a misspelt key
		"digest":        {"image": map[string]any{"digest": "latest"}},
		"leaderElect":   {"operator": map[string]any{"replicas": 2, "leaderElect": false}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := renderErr(vals, namespace); err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("render error %v, want one naming %s", err, name)
			}
		})
	}
}

// TestDisabled checks that each part can be left out alone.
func TestDisabled(t *testing.T) {
	for _, part := range []string{"admission", "operator"} {
		t.Run(part, func(t *testing.T) {
			objs := objects(t, render(t, map[string]any{part: map[string]any{"enabled": false}}, namespace))
			for _, o := range objs {
				if strings.Contains(o.Name, part) {
					t.Errorf("%s %s rendered with %s disabled", o.Kind, o.Name, part)
				}
			}
		})
	}
}

// TestManifests keeps deploy/manifests/fourc.yaml equal to the chart
// rendered with cert-manager TLS (nothing random in it) for release fourc in
// namespace fourc, after the namespace itself. -update rewrites it.
func TestManifests(t *testing.T) {
	got := plainManifests(t)
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./deploy/helm -run Manifests -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s is stale; run go test ./deploy/helm -run Manifests -update (-file +chart):\n%s", golden, diff)
	}
}

func plainManifests(t *testing.T) string {
	t.Helper()
	c := loadChart(t)
	var b strings.Builder
	fmt.Fprintf(&b, `# fourc %s in namespace %s: the Helm chart deploy/helm/fourc rendered with
# admission.tls.certManager.enabled=true (cert-manager must be installed) and its other defaults.
# Generated by `+"`go test ./deploy/helm -run Manifests -update`"+`; do not edit. See docs/in-cluster.md.
---
apiVersion: v1
kind: Namespace
metadata:
  name: %s
  labels:
    # Neither the webhook nor the operator needs more than the restricted profile.
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
    # The webhook never judges its own namespace; say so on the namespace too.
    fourc.dev/admission: "off"
`, c.Metadata.AppVersion, namespace, namespace)
	manifest := render(t, certManager(), namespace)
	if crds := c.CRDObjects(); len(crds) == 0 {
		t.Log("the chart has no CRDs yet (crds/ is empty): the plain manifests lack them")
	}
	b.WriteString(strings.TrimPrefix(manifest, "\n"))
	if !strings.HasSuffix(b.String(), "\n") {
		b.WriteString("\n")
	}
	return b.String()
}

// TestCRDsIncluded checks that the plain manifests carry every CRD of the chart.
func TestCRDsIncluded(t *testing.T) {
	c := loadChart(t)
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (regenerate with go test ./deploy/helm -run Manifests -update)", err)
	}
	for _, crd := range c.CRDObjects() {
		if !bytes.Contains(data, bytes.TrimSpace(crd.File.Data)) {
			t.Errorf("%s is missing from %s", crd.Filename, golden)
		}
	}
}

// TestInProcessNeedsNoJobs checks that the operator's Role grants nothing on
// Jobs and pods when scans run in the operator and nodes are not scanned.
func TestInProcessNeedsNoJobs(t *testing.T) {
	objs := objects(t, render(t, map[string]any{"operator": map[string]any{"scanMode": "inprocess"}}, namespace))
	for _, o := range byKind(objs, "Role") {
		var r rbacv1.Role
		decode(t, o, &r)
		for _, rule := range r.Rules {
			for _, res := range rule.Resources {
				if res == "jobs" || res == "pods" || res == "pods/log" {
					t.Errorf("Role %s grants %v on %s in inprocess mode", r.Name, rule.Verbs, res)
				}
			}
		}
	}
}

// TestSecretMetadata checks the one opt-in grant on Secrets: list and watch,
// never get, and only with operator.secretMetadata.
func TestSecretMetadata(t *testing.T) {
	for _, on := range []bool{false, true} {
		objs := objects(t, render(t, map[string]any{"operator": map[string]any{"secretMetadata": on}}, namespace))
		var verbs []string
		for _, kind := range []string{"ClusterRole", "Role"} {
			for _, o := range byKind(objs, kind) {
				var r rbacv1.ClusterRole
				decode(t, o, &r)
				for _, rule := range r.Rules {
					if slices.Contains(rule.Resources, "secrets") {
						verbs = append(verbs, rule.Verbs...)
					}
				}
			}
		}
		want := []string(nil)
		if on {
			want = []string{"list", "watch"}
		}
		if !slices.Equal(verbs, want) {
			t.Errorf("secretMetadata=%v: verbs on secrets %v, want %v", on, verbs, want)
		}
	}
}

// secrets answers Helm's lookup of Secrets from a map, as an installed
// release's cluster would; other methods are not used by lookup.
type secrets struct {
	dynamic.NamespaceableResourceInterface
	byName map[string]*unstructured.Unstructured
}

func (s secrets) GetClientFor(apiVersion, kind string) (dynamic.NamespaceableResourceInterface, bool, error) {
	if apiVersion != "v1" || kind != "Secret" {
		return nil, false, fmt.Errorf("unexpected lookup of %s %s", apiVersion, kind)
	}
	return s, true, nil
}

func (s secrets) Namespace(string) dynamic.ResourceInterface { return s }

func (s secrets) Get(_ context.Context, name string, _ metav1.GetOptions, _ ...string) (*unstructured.Unstructured, error) {
	if u, ok := s.byName[name]; ok {
		return u, nil
	}
	return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, name)
}

// tlsState is the generated Secret and the webhook's caBundle of a render.
func tlsState(t *testing.T, cluster engine.ClientProvider) (corev1.Secret, []byte) {
	t.Helper()
	out, err := renderWith(map[string]any{}, namespace, cluster)
	if err != nil {
		t.Fatal(err)
	}
	objs := objects(t, out)
	var secret corev1.Secret
	for _, o := range byKind(objs, "Secret") {
		decode(t, o, &secret)
	}
	var vwc admissionv1.ValidatingWebhookConfiguration
	decode(t, byKind(objs, "ValidatingWebhookConfiguration")[0], &vwc)
	return secret, vwc.Webhooks[0].ClientConfig.CABundle
}

func asUnstructured(t *testing.T, s corev1.Secret) *unstructured.Unstructured {
	t.Helper()
	data, err := yaml.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: m}
}

func certsIn(t *testing.T, bundle []byte) []string {
	t.Helper()
	var subjects []string
	for {
		var b *pem.Block
		b, bundle = pem.Decode(bundle)
		if b == nil {
			return subjects
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		subjects = append(subjects, c.SerialNumber.String())
	}
}

// TestCertificateKeptAndRenewed checks the Helm-generated certificate over
// upgrades: kept while far from expiry, and replaced when within
// renewBeforeDays, the old CA then staying in the caBundle beside the new.
func TestCertificateKeptAndRenewed(t *testing.T) {
	first, bundle := tlsState(t, nil)
	if !bytes.Equal(bundle, first.Data["ca.crt"]) {
		t.Fatal("on install the caBundle is not the Secret's CA")
	}
	notAfter, err := strconv.ParseInt(first.Annotations["fourc.dev/not-after"], 10, 64)
	if err != nil || time.Until(time.Unix(notAfter, 0)) < 364*24*time.Hour {
		t.Fatalf("not-after %q, want a year from now", first.Annotations["fourc.dev/not-after"])
	}

	kept, bundle := tlsState(t, secrets{byName: map[string]*unstructured.Unstructured{first.Name: asUnstructured(t, first)}})
	if !bytes.Equal(kept.Data["tls.crt"], first.Data["tls.crt"]) || !bytes.Equal(kept.Data["tls.key"], first.Data["tls.key"]) ||
		!bytes.Equal(bundle, first.Data["ca.crt"]) || kept.Annotations["fourc.dev/not-after"] != first.Annotations["fourc.dev/not-after"] {
		t.Error("an upgrade far from expiry replaced the certificate")
	}

	expiring := first.DeepCopy()
	expiring.Annotations["fourc.dev/not-after"] = strconv.FormatInt(time.Now().Add(10*24*time.Hour).Unix(), 10)
	renewed, bundle := tlsState(t, secrets{byName: map[string]*unstructured.Unstructured{first.Name: asUnstructured(t, *expiring)}})
	if bytes.Equal(renewed.Data["tls.crt"], first.Data["tls.crt"]) {
		t.Fatal("an upgrade 10 days before expiry kept the certificate")
	}
	got, want := certsIn(t, bundle), append(certsIn(t, renewed.Data["ca.crt"]), certsIn(t, first.Data["ca.crt"])...)
	if !slices.Equal(got, want) {
		t.Errorf("caBundle during renewal holds %v, want the new CA then the old %v", got, want)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(bundle)
	for name, s := range map[string]corev1.Secret{"old": first, "new": renewed} {
		b, _ := pem.Decode(s.Data["tls.crt"])
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Verify(x509.VerifyOptions{DNSName: "fourc-admission.fourc.svc", Roots: pool}); err != nil {
			t.Errorf("the %s serving certificate does not verify against the renewal caBundle: %v", name, err)
		}
	}
}
