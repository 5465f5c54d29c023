package clustertest

import (
	"os"
	"slices"
	"strings"
	"testing"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/fourc-dev/fourc/internal/audit"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/posture"
)

// TestExecJoinsAttackPath: with the manifests as the cluster view, an
// exec into a pod of an internet-exposed workload whose service account
// is cluster-admin is a step of that workload's attack path.
func TestExecJoinsAttackPath(t *testing.T) {
	data, err := os.ReadFile("testdata/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	objs, skipped := kube.Load("shop.yaml", data)
	if len(skipped) > 0 {
		t.Fatal(skipped)
	}
	assets := kube.Assets(kube.NewSet(objs))
	a := audit.New(audit.Options{Cluster: audit.NewClusterView(assets)})
	line := `{"auditID":"e1","stage":"ResponseComplete","verb":"create","user":{"username":"eve"},"sourceIPs":["203.0.113.9"],` +
		`"objectRef":{"resource":"pods","namespace":"shop","name":"api-7d9f8b6c5d-x2k4p","subresource":"exec"},"responseStatus":{"code":101},` +
		`"requestReceivedTimestamp":"2026-12-06T10:00:00Z"}`
	var ev auditv1.Event
	if err := audit.Decode([]byte(line), &ev); err != nil {
		t.Fatal(err)
	}
	a.Observe(&ev, audit.Position{Path: "audit.log", Line: 1})
	fs := a.Findings()
	if len(fs) != 1 || fs[0].Resource.Kind != "Deployment" || fs[0].Resource.Name != "shop/api" {
		t.Fatalf("want one finding on Deployment shop/api, got %s", describe(fs))
	}
	res := posture.Analyze(posture.Input{Findings: fs, Assets: assets}, posture.Options{})
	i := slices.IndexFunc(res.Paths, func(p posture.Path) bool { return p.Rule == "FC-PATH-002" })
	if i < 0 {
		t.Fatalf("no FC-PATH-002 path; got %+v", res.Paths)
	}
	p := res.Paths[i]
	ok := slices.ContainsFunc(p.Steps, func(s posture.Step) bool {
		return slices.ContainsFunc(s.Findings, func(r posture.FindingRef) bool { return r.CheckID == "FC-RT-001" })
	})
	if !ok || !strings.Contains(p.Summary, "audit log") {
		t.Errorf("the exec is not a step of the path: %+v", p)
	}
}
