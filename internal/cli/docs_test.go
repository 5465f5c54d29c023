package cli

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite generated docs")

// TestDocsConfiguration fails when docs/configuration.md is stale: it is
// generated from the flags of the configured commands, the same source
// fourc.yaml's keys come from. Regenerate it with
// `go test ./internal/cli -run Docs -update`.
func TestDocsConfiguration(t *testing.T) {
	var buf bytes.Buffer
	if err := writeConfigMarkdown(&buf, newRootCommand(&globals{})); err != nil {
		t.Fatal(err)
	}
	const name = "../../docs/configuration.md"
	if *update {
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run Docs -update)", err)
	}
	if diff := cmp.Diff(buf.String(), string(got)); diff != "" {
		t.Errorf("docs/configuration.md is stale; run go test ./internal/cli -run Docs -update\n%s", diff)
	}
}

// TestDocsCoverageCommand: `fourc docs coverage` prints docs/coverage.md
// (kept fresh by internal/catalogue's TestCoverageMarkdown).
func TestDocsCoverageCommand(t *testing.T) {
	code, stdout, stderr := run(t, "docs", "coverage")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile("../../docs/coverage.md")
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(want) {
		t.Error("fourc docs coverage differs from docs/coverage.md; run go test ./internal/catalogue -run Coverage -update")
	}
}
