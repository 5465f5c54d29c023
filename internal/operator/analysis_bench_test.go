package operator

import (
	"fmt"
	"testing"

	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/kube"
)

// BenchmarkAnalyze evaluates 10,000 Deployments (one in three risky) as
// one cluster-wide evaluation does.
func BenchmarkAnalyze(b *testing.B) {
	var objs []*kube.Object
	for i := range 10000 {
		d := hardenedDeployment(fmt.Sprintf("ns%d", i/100), fmt.Sprintf("w%d", i), fmt.Sprintf("reg.example/app:%d", i%2000))
		if i%3 == 0 {
			d = riskyDeployment(d.Namespace, d.Name, d.Spec.Template.Spec.Containers[0].Image)
		}
		o, err := liveObject(watchedKind("deployments"), d)
		if err != nil {
			b.Fatal(err)
		}
		objs = append(objs, o)
	}
	b.ReportAllocs()
	for b.Loop() {
		snap := &cluster.Snapshot{Set: kube.NewSet(objs), Counts: map[string]int{}}
		analyze(snap, kube.Options{}, func(string) (*imageResult, bool) { return nil, false }, nil)
	}
}
