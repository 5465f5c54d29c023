package operator

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/fourc-dev/fourc/internal/finding"
)

func manyFindings(n int) []finding.Finding {
	fs := make([]finding.Finding, n)
	for i := range fs {
		fs[i] = finding.Finding{CheckID: fmt.Sprintf("FC-K8S-%03d", i%40), Title: "t", Severity: finding.Severity(i % 6),
			Layer: finding.LayerCluster, Resource: finding.Resource{Kind: "Deployment", Name: fmt.Sprintf("ns/w%d", i)}, Message: "m"}
	}
	return fs
}

func TestBuildStatusBounds(t *testing.T) {
	small := buildStatus(manyFindings(maxInline), 70)
	if small.overflow != nil || len(small.status.Findings) != maxInline || small.status.Total != maxInline {
		t.Errorf("%d findings: overflow %d bytes, %d inline", maxInline, len(small.overflow), len(small.status.Findings))
	}
	big := buildStatus(manyFindings(maxInline+1), 70)
	if big.overflow == nil || big.status.Findings != nil || len(big.status.TopFindings) != topFindings {
		t.Fatalf("%d findings: overflow %d bytes, %d inline, %d top", maxInline+1, len(big.overflow), len(big.status.Findings), len(big.status.TopFindings))
	}
	if top := big.status.TopFindings[0]; top.Severity != "CRITICAL" {
		t.Errorf("top finding %+v, want a CRITICAL one first", top)
	}
	c := big.status.Counts
	if c.Critical+c.High+c.Medium+c.Low+c.Other != maxInline+1 {
		t.Errorf("counts %+v", c)
	}
	long := []finding.Finding{{CheckID: "X", Message: strings.Repeat("é", maxText)}}
	if m := buildStatus(long, 0).status.Findings[0].Message; len(m) > maxText+len("…") || !utf8.ValidString(m) {
		t.Errorf("message of %d bytes, valid UTF-8 %v", len(m), utf8.ValidString(m))
	}
}

func TestFitConfigMap(t *testing.T) {
	var all []FindingSummary
	for i := range 5000 {
		all = append(all, FindingSummary{ID: fmt.Sprint(i), Severity: "LOW", Message: strings.Repeat("x", 300)})
	}
	data, _ := json.Marshal(all)
	fit := fitConfigMap(data)
	var got []FindingSummary
	if err := json.Unmarshal(fit, &got); err != nil || len(fit) > maxConfigMapBytes || len(got) == 0 || got[0].ID != "0" {
		t.Errorf("%d bytes, %d findings kept (%v)", len(fit), len(got), err)
	}
}

func TestReportName(t *testing.T) {
	if got := reportName("Deployment", "api"); got != "deployment-api" {
		t.Errorf("got %q", got)
	}
	long := reportName("StatefulSet", strings.Repeat("a", 253))
	if len(long) > 253 || long == reportName("StatefulSet", strings.Repeat("a", 252)+"b") {
		t.Errorf("long name %q (%d bytes) not cut or not unique", long, len(long))
	}
}

// TestOverflowConfigMap: a report with too many findings references a
// ConfigMap in the operator's namespace (never the workload's), which
// the API server accepts.
func TestOverflowConfigMap(t *testing.T) {
	ctx := context.Background()
	const ns, opNS = "overflow", "overflow-operator"
	namespace(t, ns)
	namespace(t, opNS)
	rep := &WorkloadReport{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "deployment-big"},
		Spec: WorkloadReportSpec{Workload: WorkloadRef{APIVersion: "apps/v1", Kind: "Deployment", Name: "big"}}}
	if err := kc.Create(ctx, rep); err != nil {
		t.Fatal(err)
	}
	b := buildStatus(manyFindings(2000), 10)
	for range 2 { // the second write updates the ConfigMap
		ref, err := writeOverflow(ctx, kc, rep, opNS, b.overflow)
		if err != nil {
			t.Fatal(err)
		}
		if want := (FindingsRef{Namespace: opNS, Name: "overflow.deployment-big-findings", Key: findingsKey}); *ref != want {
			t.Errorf("reference %+v, want %+v", *ref, want)
		}
		rep.Status.ReportStatus = b.status
		rep.Status.FindingsRef, rep.Status.Digest, rep.Status.UpdatedAt = ref, "d", metav1.Now()
		if err := kc.Status().Update(ctx, rep); err != nil {
			t.Fatalf("status with a ConfigMap reference: %v", err)
		}
	}
	var cm corev1.ConfigMap
	if err := kc.Get(ctx, types.NamespacedName{Namespace: ns, Name: "deployment-big-findings"}, &cm); !apierrors.IsNotFound(err) {
		t.Errorf("a ConfigMap in the workload's namespace: %v", err)
	}
	if err := kc.Get(ctx, types.NamespacedName{Namespace: opNS, Name: "overflow.deployment-big-findings"}, &cm); err != nil {
		t.Fatal(err)
	}
	var got []FindingSummary
	if err := json.Unmarshal([]byte(cm.Data[findingsKey]), &got); err != nil || len(got) != 2000 {
		t.Errorf("ConfigMap holds %d findings (%v)", len(got), err)
	}
	if o := cm.OwnerReferences; len(o) != 0 || cm.Annotations[reportAnnotation] != "WorkloadReport:overflow/deployment-big" {
		t.Errorf("owner references %+v (an owner in another namespace is invalid), annotations %v", o, cm.Annotations)
	}
}

// TestStatusPatchClears: the merge patch nulls the optional fields a
// status leaves out, so an inline list replaces a ConfigMap reference
// and the other way round.
func TestStatusPatchClears(t *testing.T) {
	p, err := statusPatch(WorkloadReportStatus{ReportStatus: ReportStatus{Total: 1, TopFindings: []FindingSummary{{ID: "X", Severity: "LOW"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"findingsRef":null`, `"findings":null`, `"images":null`, `"topFindings":[{`} {
		if !strings.Contains(string(p), want) {
			t.Errorf("patch %s lacks %s", p, want)
		}
	}
}
