package cluster

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
)

// manifestSnapshot builds a snapshot from manifest files, as a live read
// would: objects through kube.Load, Secrets reduced to their metadata.
func manifestSnapshot(t *testing.T, files ...string) *Snapshot {
	t.Helper()
	var (
		objs    []*kube.Object
		secrets []SecretMeta
	)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, skipped := kube.Load(filepath.ToSlash(f), data)
		if len(skipped) > 0 {
			t.Fatalf("loading %s: %v", f, skipped)
		}
		objs = append(objs, got...)
		for _, doc := range bytes.Split(data, []byte("\n---")) {
			var s corev1.Secret
			if err := yaml.Unmarshal(doc, &s); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if s.Kind == "Secret" {
				secrets = append(secrets, secretMeta(metav1.PartialObjectMetadata{ObjectMeta: s.ObjectMeta}))
			}
		}
	}
	// A live read lists every RuntimeClass: the files hold all there are.
	counts := map[string]int{"runtimeclasses": 0}
	for _, o := range objs {
		if o.Kind == "RuntimeClass" {
			counts["runtimeclasses"]++
		}
	}
	return &Snapshot{Set: kube.NewSet(objs), Secrets: secrets, Version: "v1.37.2", Counts: counts}
}

// evalOne runs one live check of the catalogue on a snapshot.
func evalOne(snap *Snapshot, id string) []finding.Finding {
	c := newCatalogue(snap)
	keep := func(m check.Meta) bool { return m.ID == id }
	c.workloads = slices.DeleteFunc(c.workloads, func(x check.Check[*kube.Workload]) bool { return !keep(x.Meta) })
	c.objects = slices.DeleteFunc(c.objects, func(x check.Check[*kube.Object]) bool { return !keep(x.Meta) })
	c.secrets = slices.DeleteFunc(c.secrets, func(x check.Check[SecretMeta]) bool { return !keep(x.Meta) })
	return c.evaluate(snap)
}

// TestCheckFixtures runs every live check over its pass and fail fixtures,
// each manifest file a snapshot of its own.
func TestCheckFixtures(t *testing.T) {
	checktest.Fixtures(t, Checks(), "testdata/checks", func(t *testing.T, file string) ([]finding.Finding, []finding.Skipped) {
		snap := manifestSnapshot(t, file)
		return newCatalogue(snap).evaluate(snap), nil
	}, checktest.PerEntry(), checktest.WithoutLine())
}

func TestChecksValid(t *testing.T) {
	if _, err := check.NewRegistry(Checks(), kube.Checks()); err != nil {
		t.Fatal(err)
	}
	for _, m := range Checks() {
		if !strings.HasPrefix(m.ID, "FC-LIVE-") || m.Layer != finding.LayerCluster {
			t.Errorf("%s: want an FC-LIVE- ID in the Cluster layer", m.ID)
		}
	}
}

func TestLiveCheckMessages(t *testing.T) {
	tests := []struct {
		id, file, want string
	}{
		{"FC-LIVE-001", "testdata/checks/FC-LIVE-001/fail/reads-secrets.yaml",
			`pods of Deployment "shop/api" run as ServiceAccount "shop/api", which can get, list secrets in namespace "shop" (via RoleBinding "shop/api-reads-secrets" → Role "shop/secret-reader")`},
		{"FC-LIVE-001", "testdata/checks/FC-LIVE-001/fail/group-aggregated.yaml",
			`pods of Pod "shop/worker" run as ServiceAccount "shop/default", which can watch secrets in namespace "shop" (via RoleBinding "shop/everyone-ops" → ClusterRole "ops")`},
		{"FC-LIVE-002", "testdata/checks/FC-LIVE-002/fail/cluster-admin.yaml",
			`pods of CronJob "ci/deploy" run as ServiceAccount "ci/deployer", which may do anything cluster-wide (via ClusterRoleBinding "ci-admin" → ClusterRole "cluster-admin")`},
		{"FC-LIVE-004", "testdata/checks/FC-LIVE-004/fail/stale-selector.yaml",
			`NetworkPolicy "web-ingress" selects no running pod of namespace "shop" (selector "app=web")`},
		{"FC-LIVE-007", "testdata/checks/FC-LIVE-007/fail/missing-class.yaml",
			`Deployment "sandbox/untrusted" names RuntimeClass "kata", which the cluster does not have: its pods are rejected`},
		{"FC-LIVE-006", "testdata/checks/FC-LIVE-006/fail/applied.yaml",
			`Secret "shop/db" carries its data in annotation kubectl.kubernetes.io/last-applied-configuration`},
	}
	for _, tt := range tests {
		got := messages(evalOne(manifestSnapshot(t, tt.file), tt.id))
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s on %s:\n got %q\nwant %q", tt.id, tt.file, got, tt.want)
		}
	}
}

// TestSecretMetaDropsLastApplied checks that the annotation holding a
// Secret's data is not kept, and its value never reaches a finding.
func TestSecretMetaDropsLastApplied(t *testing.T) {
	snap := manifestSnapshot(t, "testdata/checks/FC-LIVE-006/fail/applied.yaml")
	if len(snap.Secrets) != 1 {
		t.Fatalf("got %d secrets", len(snap.Secrets))
	}
	s := snap.Secrets[0]
	if _, ok := s.Annotations[lastApplied]; ok || !s.LastAppliedData {
		t.Errorf("secret metadata kept the annotation or lost the flag: %+v", s)
	}
	for _, f := range Evaluate(snap, kube.Options{}) {
		if strings.Contains(f.Message, "cmVkYWN0ZWQ=") {
			t.Errorf("finding leaks the secret value: %s", f.Message)
		}
	}
}

// TestRuntimeClassesNotListed: when the read could not list RuntimeClasses
// (forbidden, or not served), FC-LIVE-007 judges nothing.
func TestRuntimeClassesNotListed(t *testing.T) {
	snap := manifestSnapshot(t, "testdata/checks/FC-LIVE-007/fail/missing-class.yaml")
	delete(snap.Counts, "runtimeclasses")
	if got := messages(evalOne(snap, "FC-LIVE-007")); len(got) > 0 {
		t.Errorf("RuntimeClasses not listed, yet: %q", got)
	}
}

func TestAppliedData(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`{"data":{"a":"Yg=="}}`, true},
		{`{"stringData":{"a":"b"}}`, true},
		{`{"data":{}}`, false},
		{`{"kind":"Secret"}`, false},
		{`not json but has "data"`, true},
		{``, false},
	}
	for _, tt := range tests {
		if got := appliedData(tt.in); got != tt.want {
			t.Errorf("appliedData(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func messages(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Message)
	}
	return out
}
