package operator

import (
	"testing"

	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
)

// TestAnalyzeScanFinishingMidway: a scan that finishes while an
// evaluation runs shows in none of its reports, or with its findings;
// never "scanned" without them (the next evaluation would rewrite the
// report: writes with nothing changed).
func TestAnalyzeScanFinishingMidway(t *testing.T) {
	const img = "reg.example/app:1"
	o, err := liveObject(watchedKind("deployments"), riskyDeployment("ns", "w", img))
	if err != nil {
		t.Fatal(err)
	}
	res := &imageResult{Digest: "sha256:1", Findings: []finding.Finding{{CheckID: "FC-IMG-001", Severity: finding.SeverityHigh,
		Resource: finding.Resource{Kind: "image", Name: img}}}}
	calls := 0
	// Not scanned when first asked, scanned from then on.
	lookup := func(string) (*imageResult, bool) {
		calls++
		return res, calls > 1
	}
	a := analyze(&cluster.Snapshot{Set: kube.NewSet([]*kube.Object{o}), Counts: map[string]int{}}, kube.Options{}, lookup, nil)
	for _, w := range a.workloads {
		im := w.images[0]
		if im.State == imageScanned && im.Counts.High == 0 {
			t.Errorf("image %+v is scanned without its findings", im)
		}
	}
}
