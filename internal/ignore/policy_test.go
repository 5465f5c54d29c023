package ignore

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

func TestStrictAndUses(t *testing.T) {
	file, err := Parse(".fourcignore.yaml", []byte(`
ignores:
  - id: "*"
  - id: FC-K8S-*
  - id: FC-DF-004
  - id: FC-SEC-001
  - fingerprint: abc
`))
	if err != nil {
		t.Fatal(err)
	}
	notices := file.Strict()
	if diff := cmp.Diff([]string{
		`ignore entry .fourcignore.yaml:3 (id "*") refused: the strict ignore policy allows no wildcard IDs in the repository's ignore file`,
		`ignore entry .fourcignore.yaml:4 (id "FC-K8S-*") refused: the strict ignore policy allows no wildcard IDs in the repository's ignore file`,
	}, notices); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
	in := []finding.Finding{
		fd("FC-DF-004", "a/Dockerfile", 1, "Dockerfile/a"),
		fd("FC-DF-004", "b/Dockerfile", 1, "Dockerfile/b"),
		fd("FC-K8S-010", "k8s/app.yaml", 9, "Deployment/shop/api"),
	}
	got := Apply(in, file, nil, now)
	want := []EntryUse{
		{Entry: ".fourcignore.yaml:5", ID: "FC-DF-004", Suppressed: 2},
		{Entry: ".fourcignore.yaml:6", ID: "FC-SEC-001"},
		{Entry: ".fourcignore.yaml:7", Fingerprint: "abc"},
	}
	if diff := cmp.Diff(want, got.Uses); diff != "" {
		t.Errorf("uses (-want +got):\n%s", diff)
	}
	if len(got.Kept) != 1 || got.Kept[0].CheckID != "FC-K8S-010" {
		t.Errorf("kept = %v, want the finding the refused glob would have hidden", got.Kept)
	}
	var nilFile *File
	if nilFile.Strict() != nil {
		t.Error("Strict on no file gave notices")
	}
}
