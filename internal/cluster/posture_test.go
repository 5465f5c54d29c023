package cluster

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/posture"
)

// pathKey is what a path says, without the findings' locations (file:line
// in a manifest, an object reference live) and fingerprints.
type pathKey struct {
	ID       string
	Severity finding.Severity
	Steps    []string // node and the check IDs of its findings
}

func pathKeys(ps []posture.Path) []pathKey {
	var out []pathKey
	for _, p := range ps {
		k := pathKey{ID: p.ID, Severity: p.Severity}
		for _, s := range p.Steps {
			var ids []string
			for _, f := range s.Findings {
				ids = append(ids, f.CheckID)
			}
			slices.Sort(ids)
			k.Steps = append(k.Steps, s.Node+" "+strings.Join(slices.Compact(ids), ","))
		}
		out = append(out, k)
	}
	return out
}

// TestLivePostureMatchesManifest applies testdata/live/shop.yaml to the
// API server and compares the attack paths and defence-in-depth rows of
// the live scan of its namespace with those of the manifest scan of the
// same file: the same paths, anchored on the same nodes, through the same
// steps, and the same row per workload.
func TestLivePostureMatchesManifest(t *testing.T) {
	shop(t)
	data, err := os.ReadFile("testdata/live/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	objs, skipped := kube.Load("shop.yaml", data)
	if len(skipped) > 0 {
		t.Fatal(skipped)
	}
	set := kube.NewSet(objs)
	manifest := posture.Analyze(posture.Input{Findings: kube.NewScanner(kube.Options{}).Evaluate(set), Assets: kube.Assets(set)}, posture.Options{})

	res, err := Scan(context.Background(), Options{Kubeconfig: live(t).Kubeconfig, Namespace: "live-shop"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Assets) == 0 {
		t.Fatal("the live scan returned no assets")
	}
	// The shared checks only: the live-only findings (FC-LIVE-*) add
	// what a manifest cannot show, on the same nodes.
	kubeChecks := map[string]bool{}
	for _, m := range kube.Checks() {
		kubeChecks[m.ID] = true
	}
	shared := slices.DeleteFunc(slices.Clone(res.Findings), func(f finding.Finding) bool { return !kubeChecks[f.CheckID] })
	got := posture.Analyze(posture.Input{Findings: shared, Assets: res.Assets}, posture.Options{})

	if len(manifest.Paths) < 3 {
		t.Fatalf("the manifest scan finds %d attack paths, too few to compare: %v", len(manifest.Paths), pathKeys(manifest.Paths))
	}
	if diff := cmp.Diff(pathKeys(manifest.Paths), pathKeys(got.Paths)); diff != "" {
		t.Errorf("attack paths (-manifest +live):\n%s", diff)
	}
	if diff := cmp.Diff(manifest.Workloads, got.Workloads); diff != "" {
		t.Errorf("defence in depth (-manifest +live):\n%s", diff)
	}

	// With every live finding, as `fourc k8s` reports them, the same
	// paths are found: live-only findings never remove one.
	all := posture.Analyze(posture.Input{Findings: res.Findings, Assets: res.Assets}, posture.Options{})
	var ids, wantIDs []string
	for _, p := range all.Paths {
		ids = append(ids, p.ID)
	}
	for _, p := range manifest.Paths {
		wantIDs = append(wantIDs, p.ID)
	}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Errorf("attack paths with the live-only findings (-manifest +live):\n%s", diff)
	}
	t.Logf("%d attack paths, %d defence rows: %v", len(all.Paths), len(all.Workloads), ids)
}
