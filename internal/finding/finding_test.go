package finding_test

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

func base() finding.Finding {
	return finding.Finding{
		CheckID:  "FC-K8S-001",
		Severity: finding.SeverityHigh,
		Layer:    finding.LayerCluster,
		Resource: finding.Resource{Kind: "Deployment", Name: "shop/api"},
		Location: finding.Location{Path: "deploy/api.yaml", StartLine: 12, EndLine: 14},
		Message:  `container "api" must not set securityContext.privileged=true`,
	}
}

// TestFingerprintStable pins the fingerprint of one finding: baselines and
// ignore files written by earlier versions hold these values, so a change
// to what feeds the hash is a breaking change that must be deliberate.
func TestFingerprintStable(t *testing.T) {
	f := base()
	if got, want := f.ComputeFingerprint("spec.containers[0]"), "7f3f1ef9ba51281a"; got != want {
		t.Errorf("fingerprint = %s, want %s (baselines of earlier versions would no longer match)", got, want)
	}
	// Lines, messages, severity, title and remediation do not feed it.
	moved := base()
	moved.Location.StartLine, moved.Location.EndLine = 40, 41
	moved.Message, moved.Severity, moved.Title, moved.Remediation = "other", finding.SeverityLow, "t", "r"
	if moved.ComputeFingerprint("spec.containers[0]") != f.ComputeFingerprint("spec.containers[0]") {
		t.Error("fingerprint changed with the line, message or severity")
	}
	// What names the finding does.
	for name, change := range map[string]func(*finding.Finding){
		"check":    func(f *finding.Finding) { f.CheckID = "FC-K8S-002" },
		"kind":     func(f *finding.Finding) { f.Resource.Kind = "StatefulSet" },
		"resource": func(f *finding.Finding) { f.Resource.Name = "shop/web" },
		"path":     func(f *finding.Finding) { f.Location.Path = "deploy/web.yaml" },
		"object":   func(f *finding.Finding) { f.Location.Object = "namespaces/shop" },
	} {
		g := base()
		change(&g)
		if g.ComputeFingerprint("spec.containers[0]") == f.ComputeFingerprint("spec.containers[0]") {
			t.Errorf("fingerprint ignores the %s", name)
		}
	}
	if f.ComputeFingerprint("a") == f.ComputeFingerprint("b") {
		t.Error("fingerprint ignores the discriminator")
	}
	// Fields are separated: moving text from one to the next changes it.
	a := finding.Finding{CheckID: "FC-A-001", Resource: finding.Resource{Kind: "ab", Name: "c"}}
	b := finding.Finding{CheckID: "FC-A-001", Resource: finding.Resource{Kind: "a", Name: "bc"}}
	if a.ComputeFingerprint("") == b.ComputeFingerprint("") {
		t.Error("fingerprint does not separate its fields")
	}
	if len(f.ComputeFingerprint("")) != 16 {
		t.Errorf("fingerprint %q is not 16 hex digits", f.ComputeFingerprint(""))
	}
}

func TestParseSeverity(t *testing.T) {
	for _, s := range finding.Severities() {
		for _, text := range []string{s.String(), strings.ToLower(s.String()), s.String()[:1] + strings.ToLower(s.String()[1:])} {
			got, err := finding.ParseSeverity(text)
			if err != nil || got != s {
				t.Errorf("ParseSeverity(%q) = %v, %v; want %v", text, got, err, s)
			}
		}
	}
	for _, bad := range []string{"", "hgh", "severe", "HIGH ", "4"} {
		if _, err := finding.ParseSeverity(bad); err == nil || !strings.Contains(err.Error(), "unknown severity") {
			t.Errorf("ParseSeverity(%q): error %v, want an unknown-severity error", bad, err)
		}
	}
	if !slices.IsSorted(finding.Severities()) || finding.SeverityCritical <= finding.SeverityHigh {
		t.Error("severities are not in increasing order")
	}
}

func TestSeverityText(t *testing.T) {
	b, err := json.Marshal(struct{ S finding.Severity }{finding.SeverityMedium})
	if err != nil || string(b) != `{"S":"MEDIUM"}` {
		t.Errorf("marshal = %s, %v", b, err)
	}
	var v struct{ S finding.Severity }
	if err := json.Unmarshal([]byte(`{"S":"critical"}`), &v); err != nil || v.S != finding.SeverityCritical {
		t.Errorf("unmarshal = %v, %v", v.S, err)
	}
	if err := json.Unmarshal([]byte(`{"S":"urgent"}`), &v); err == nil {
		t.Error("unmarshal of an unknown severity succeeded")
	}
	if _, err := json.Marshal(struct{ S finding.Severity }{9}); err == nil {
		t.Error("marshal of an invalid severity succeeded")
	}
	if got := finding.Severity(9).String(); got != "Severity(9)" {
		t.Errorf("String() = %q", got)
	}
}

func TestParseLayer(t *testing.T) {
	for _, l := range finding.Layers() {
		got, err := finding.ParseLayer(strings.ToLower(l.String()))
		if err != nil || got != l {
			t.Errorf("ParseLayer(%q) = %v, %v", l, got, err)
		}
	}
	if _, err := finding.ParseLayer("network"); err == nil {
		t.Error("ParseLayer(network) succeeded")
	}
	if finding.Layer(0).Valid() || finding.Layer(5).Valid() {
		t.Error("the zero layer or an out-of-range one is valid")
	}
	if _, err := json.Marshal(struct{ L finding.Layer }{0}); err == nil {
		t.Error("marshal of the zero layer succeeded")
	}
}

// TestSort checks that the order is total and independent of the input
// order: layer, worst severity first, check, path, line, object, resource,
// message.
func TestSort(t *testing.T) {
	mk := func(l finding.Layer, s finding.Severity, id, path string, line int, obj, name, msg string) finding.Finding {
		return finding.Finding{Layer: l, Severity: s, CheckID: id, Location: finding.Location{Path: path, StartLine: line, Object: obj},
			Resource: finding.Resource{Kind: "k", Name: name}, Message: msg}
	}
	want := []finding.Finding{
		mk(finding.LayerCode, finding.SeverityCritical, "FC-SEC-001", "a.env", 1, "", "", "m"),
		mk(finding.LayerCode, finding.SeverityHigh, "FC-SEC-001", "a.env", 1, "", "", "m"),
		mk(finding.LayerCode, finding.SeverityHigh, "FC-SEC-002", "a.env", 1, "", "", "m"),
		mk(finding.LayerCode, finding.SeverityHigh, "FC-SEC-002", "b.env", 1, "", "", "m"),
		mk(finding.LayerCode, finding.SeverityHigh, "FC-SEC-002", "b.env", 2, "", "", "m"),
		mk(finding.LayerCode, finding.SeverityHigh, "FC-SEC-002", "b.env", 2, "x", "", "m"),
		mk(finding.LayerCode, finding.SeverityHigh, "FC-SEC-002", "b.env", 2, "x", "r", "m"),
		mk(finding.LayerCode, finding.SeverityHigh, "FC-SEC-002", "b.env", 2, "x", "r", "n"),
		mk(finding.LayerContainer, finding.SeverityCritical, "FC-DF-001", "", 0, "", "", ""),
		mk(finding.LayerCloud, finding.SeverityInfo, "FC-AWS-001", "", 0, "", "", ""),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		got := slices.Clone(want)
		r.Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
		finding.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Sort (-want +got):\n%s", diff)
		}
	}
}

func TestAtLeast(t *testing.T) {
	fs := []finding.Finding{
		{Layer: finding.LayerCode, Severity: finding.SeverityHigh},
		{Layer: finding.LayerCode, Severity: finding.SeverityHigh},
		{Layer: finding.LayerCloud, Severity: finding.SeverityLow},
	}
	if !finding.AtLeast(fs, finding.SeverityHigh) || finding.AtLeast(fs, finding.SeverityCritical) || finding.AtLeast(nil, finding.SeverityInfo) {
		t.Error("AtLeast is wrong")
	}
}

func TestLocationAndResourceString(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{finding.Location{Path: "a.yaml", StartLine: 3}.String(), "a.yaml:3"},
		{finding.Location{Path: "a.yaml"}.String(), "a.yaml"},
		{finding.Location{Object: "namespaces/shop"}.String(), "namespaces/shop"},
		{finding.Location{Path: "img.tar", StartLine: 0, Object: "sha256:ab"}.String(), "img.tar sha256:ab"},
		{finding.Resource{Kind: "Deployment", Name: "shop/api"}.String(), "Deployment/shop/api"},
		{finding.Resource{Name: "x"}.String(), "x"},
		{finding.Resource{Kind: "file"}.String(), "file"},
		{finding.Skipped{Path: "a", Scanner: "kube", Reason: "bad YAML"}.String(), "a (kube): bad YAML"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// TestDedupCountsOccurrences adds up occurrences already counted upstream
// (a finding merged from history) instead of counting it once.
func TestDedupCountsOccurrences(t *testing.T) {
	f := base()
	f.Fingerprint = f.ComputeFingerprint("")
	g := f
	g.Occurrences = 3
	got := finding.Dedup([]finding.Finding{f, g, f})
	if len(got) != 1 || got[0].Occurrences != 5 {
		t.Errorf("Dedup = %d findings, occurrences %d; want 1 with 5", len(got), got[0].Occurrences)
	}
}
