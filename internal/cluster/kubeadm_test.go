package cluster

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fourc-dev/fourc/internal/finding"
)

// TestEnvironmentAndKubeadm scans the cluster before and after kubeadm's
// traces appear (testdata/live/kubeadm.yaml): before, the platform is
// unknown and a notice says the control plane was not checked; after, the
// platform is kubeadm, from the control-plane node's label, and the
// ClusterConfiguration's flags are judged against the benchmark of the
// server's version — as the deploy/ reader role too.
func TestEnvironmentAndKubeadm(t *testing.T) {
	ctx := context.Background()
	readerRole(t)
	if _, err := admin(t).CoreV1().ConfigMaps("kube-system").Get(ctx, "kubeadm-config", metav1.GetOptions{}); apierrors.IsNotFound(err) {
		before, err := Scan(ctx, Options{Kubeconfig: live(t).Kubeconfig, AllNamespaces: true})
		if err != nil {
			t.Fatal(err)
		}
		want := finding.Environment{Platform: "unknown", KubernetesVersion: "v1.37.2", Benchmark: "CIS Kubernetes Benchmark v2.0.1"}
		if before.Environment != want {
			t.Errorf("before: environment %+v, want %+v", before.Environment, want)
		}
		if len(before.Notices) != 1 || !strings.Contains(before.Notices[0], "no ConfigMap kube-system/kubeadm-config") {
			t.Errorf("before: notices %q", before.Notices)
		}
	}

	data, err := os.ReadFile("testdata/live/kubeadm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	apply(t, string(data))
	want := finding.Environment{
		Platform:          "kubeadm",
		PlatformEvidence:  "node label node-role.kubernetes.io/control-plane on node cp-1",
		KubernetesVersion: "v1.37.2",
		Benchmark:         "CIS Kubernetes Benchmark v2.0.1",
	}
	reader, err := live(t).ServiceAccountKubeconfig(ctx, "fourc", "fourc")
	if err != nil {
		t.Fatal(err)
	}
	for who, kc := range map[string]string{"admin": live(t).Kubeconfig, "reader role": reader} {
		res, err := Scan(ctx, Options{Kubeconfig: kc, AllNamespaces: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Environment != want {
			t.Errorf("%s: environment %+v, want %+v", who, res.Environment, want)
		}
		if len(res.Notices) > 0 || len(res.Skipped) > 0 {
			t.Errorf("%s: notices %q, skipped %v", who, res.Notices, res.Skipped)
		}
		cis := map[string]finding.Location{}
		for _, f := range res.Findings {
			if strings.HasPrefix(f.CheckID, "FC-CIS-") {
				cis[f.CheckID] = f.Location
			}
		}
		// anonymous-auth (apiServer), bind-address (controllerManager),
		// readOnlyPort (kubelet-config).
		for _, id := range []string{"FC-CIS-001", "FC-CIS-046", "FC-CIS-063"} {
			if _, ok := cis[id]; !ok {
				t.Errorf("%s: no %s from kubeadm's ConfigMaps; got %v", who, id, cis)
			}
		}
		for id, loc := range cis {
			if !strings.HasPrefix(loc.Object, "kube-system/") {
				t.Errorf("%s: %s at %+v, want the ConfigMap", who, id, loc)
			}
		}
	}

	// The reader role's only configmaps requests are gets of kubeadm's two.
	events := auditEvents(t, readerSA, "configmaps")
	if len(events) == 0 {
		t.Error("the audit log has no configmaps request of the reader role")
	}
	for _, e := range events {
		path, _, _ := strings.Cut(e.RequestURI, "?")
		if e.Verb != "get" || e.ObjectRef.Namespace != "kube-system" || !slices.ContainsFunc(KubeadmConfigMaps(), func(n string) bool { return strings.HasSuffix(path, "/configmaps/"+n) }) {
			t.Errorf("reader request %s %s", e.Verb, e.RequestURI)
		}
	}

	// Without the ConfigMap rule: one skipped entry, the rest of the scan.
	var rules []rbacv1.PolicyRule
	for _, r := range resources() {
		rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{r.group}, Resources: []string{r.name}, Verbs: []string{"list"}})
	}
	rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets", "nodes"}, Verbs: []string{"list"}})
	if _, err := admin(t).RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "fourc-no-kubeadm"}, Rules: rules,
	}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	bindClusterRole(t, "fourc-no-kubeadm", "fourc-no-kubeadm")
	kc, err := live(t).UserKubeconfig("fourc-no-kubeadm")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Scan(ctx, Options{Kubeconfig: kc, AllNamespaces: true})
	if err != nil {
		t.Fatal(err)
	}
	wantSkip := []finding.Skipped{{Path: "namespaces/kube-system/configmaps/kubeadm-config", Scanner: "cluster", Reason: "getting configmap kube-system/kubeadm-config: forbidden"}}
	if diff := cmp.Diff(wantSkip, res.Skipped); diff != "" {
		t.Errorf("without the ConfigMap rule, skipped (-want +got):\n%s", diff)
	}
	if res.Environment != want || len(res.Notices) > 0 {
		t.Errorf("without the ConfigMap rule: environment %+v, notices %q", res.Environment, res.Notices)
	}
}

// TestDetectPlatform: managed services and distributions win over
// kubeadm's control-plane label, node labels over the server version.
func TestDetectPlatform(t *testing.T) {
	cp := NodeMeta{Name: "cp", Labels: map[string]string{"node-role.kubernetes.io/control-plane": ""}}
	eks := NodeMeta{Name: "ip-10-0-1-5", Labels: map[string]string{"eks.amazonaws.com/nodegroup": "ng"}}
	kubeadmCM := map[string]map[string]string{"kube-system/kubeadm-config": {}}
	for _, tc := range []struct {
		name           string
		snap           Snapshot
		want, evidence string
	}{
		{"control-plane label", Snapshot{Nodes: []NodeMeta{cp}}, "kubeadm", "node label node-role.kubernetes.io/control-plane on node cp"},
		{"eks node among others", Snapshot{Nodes: []NodeMeta{cp, eks}}, "eks", "node label eks.amazonaws.com/nodegroup on node ip-10-0-1-5"},
		{"k3s version", Snapshot{Nodes: []NodeMeta{cp}, Version: "v1.31.1+k3s1"}, "k3s", "server version v1.31.1+k3s1"},
		{"configmap only", Snapshot{ConfigMaps: kubeadmCM}, "kubeadm", "ConfigMap kube-system/kubeadm-config"},
		{"nothing", Snapshot{Version: "v1.37.2"}, "", ""},
	} {
		got := detectPlatform(&tc.snap)
		if got.Name != tc.want || got.Evidence != tc.evidence {
			t.Errorf("%s: %+v, want %q from %q", tc.name, got, tc.want, tc.evidence)
		}
	}
}
