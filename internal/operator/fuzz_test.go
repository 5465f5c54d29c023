package operator

import (
	"encoding/json"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
)

// FuzzParseReport: whatever a Job prints, parsing it returns findings or
// an error naming the Job, never panics.
func FuzzParseReport(f *testing.F) {
	good, _ := json.MarshalIndent(jsonReport{SchemaVersion: "1", Tool: "fourc", Findings: []finding.Finding{{CheckID: "FC-IMG-001", Severity: finding.SeverityHigh, Layer: finding.LayerContainer}}}, "", "  ")
	f.Add(good)
	f.Add(append([]byte("fourc: warning: x\n{not json\n"), good...))
	f.Add([]byte(`{"tool":"trivy","findings":[]}`))
	f.Add([]byte(`{"tool":"fourc","findings":[{"severity":"BAD"}]}`))
	f.Add([]byte(`{"tool":"fourc","findings":[{"layer":"Space"}]}`))
	f.Add([]byte("\n\n{"))
	f.Fuzz(func(t *testing.T, out []byte) {
		fs, err := parseReport(out, "Job fourc-system/fourc-scan-1")
		if err != nil {
			if !strings.Contains(err.Error(), "Job fourc-system/fourc-scan-1") {
				t.Errorf("error does not name the Job: %v", err)
			}
			return
		}
		st := buildStatus(fs, 50)
		if st.status.Total != len(fs) || len(st.status.TopFindings) > topFindings {
			t.Errorf("status %+v of %d findings", st.status, len(fs))
		}
	})
}

// FuzzDecodeReport: a report object of any shape decodes or fails with
// an error naming it, never panics; a decoded one deep-copies equal.
func FuzzDecodeReport(f *testing.F) {
	r := WorkloadReport{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "deployment-api"},
		Spec:   WorkloadReportSpec{Workload: WorkloadRef{APIVersion: "apps/v1", Kind: "Deployment", Name: "api"}},
		Status: WorkloadReportStatus{ReportStatus: ReportStatus{Counts: Counts{High: 1}, Findings: []FindingSummary{{ID: "FC-K8S-001", Severity: "HIGH"}}}}}
	good, _ := json.Marshal(r)
	f.Add(good)
	f.Add([]byte(`{"metadata":{"namespace":"a","name":"b"},"spec":{"extra":1}}`))
	f.Add([]byte(`{"status":{"counts":{"high":"x"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := decodeReport(data)
		if err != nil {
			if !strings.Contains(err.Error(), "decoding WorkloadReport") {
				t.Errorf("error does not name the object: %v", err)
			}
			return
		}
		a, _ := json.Marshal(rep)
		b, _ := json.Marshal(rep.DeepCopyObject())
		if string(a) != string(b) {
			t.Errorf("deep copy differs:\n%s\n%s", a, b)
		}
	})
}

// FuzzAnalyzeWorkload: an odd workload (any JSON the API server might
// hand out as a Deployment, Pod beside it) is analysed without panicking
// and gets a report whose counts add up.
func FuzzAnalyzeWorkload(f *testing.F) {
	d, _ := json.Marshal(riskyDeployment("shop", "api", "registry.example/api:1"))
	f.Add(d, []byte(`{"metadata":{"namespace":"shop","name":"p"},"spec":{"containers":[{"name":"a","image":"x"}]},"status":{"containerStatuses":[{"name":"a","imageID":"@sha256:"}]}}`))
	f.Add([]byte(`{"metadata":{"name":"x"},"spec":{"template":{"spec":{"containers":[{"image":""}]}}}}`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, deploy, pod []byte) {
		var dep appsv1.Deployment
		var p corev1.Pod
		if json.Unmarshal(deploy, &dep) != nil || json.Unmarshal(pod, &p) != nil {
			return
		}
		var objs []*kube.Object
		for _, o := range []struct {
			resource string
			obj      runtime.Object
		}{{"deployments", &dep}, {"pods", &p}} {
			ko, err := liveObject(watchedKind(o.resource), o.obj)
			if err != nil {
				t.Fatalf("%s: %v", o.resource, err)
			}
			objs = append(objs, ko)
		}
		snap := &cluster.Snapshot{Set: kube.NewSet(objs), Counts: map[string]int{}}
		a := analyze(snap, kube.Options{}, func(string) (*imageResult, bool) {
			return &imageResult{Digest: "sha256:x", Findings: []finding.Finding{{CheckID: "FC-IMG-001", Severity: finding.SeverityCritical, Fingerprint: "x"}}}, true
		}, nil)
		for _, w := range a.workloads {
			c := w.status.status.Counts
			if c.Critical+c.High+c.Medium+c.Low+c.Other != w.status.status.Total {
				t.Errorf("%s: counts %+v, total %d", w.report, c, w.status.status.Total)
			}
		}
	})
}

// watchedKind returns the watched kind of a resource name.
func watchedKind(resource string) watched {
	for _, w := range watchedKinds() {
		if w.resource == resource {
			return w
		}
	}
	panic("no watched kind " + resource)
}
