package finding

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDedup(t *testing.T) {
	mk := func(check, path string, line int, disc string) Finding {
		f := Finding{CheckID: check, Location: Location{Path: path, StartLine: line}, Resource: Resource{Kind: "go-module", Name: "x@v1"}}
		f.Fingerprint = f.ComputeFingerprint(disc)
		return f
	}
	a := mk("FC-VULN-001", "go.mod", 3, "GO-1")
	b := mk("FC-VULN-001", "go.mod", 3, "GO-2")
	moved := mk("FC-VULN-001", "go.mod", 9, "GO-1") // same fingerprint, other line: kept
	noFP := Finding{CheckID: "FC-X-001"}
	got := Dedup([]Finding{a, b, a, moved, a, noFP, noFP})
	wantA := a
	wantA.Occurrences = 3
	want := []Finding{wantA, b, moved, noFP, noFP}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Dedup (-want +got):\n%s", diff)
	}
	if got := Dedup(nil); len(got) != 0 {
		t.Errorf("Dedup(nil) = %v", got)
	}
}
