package catalogue

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite docs/checks.md")

// TestDocsChecks fails when docs/checks.md is stale: regenerate it with
// `go test ./internal/catalogue -run Docs -update`.
func TestDocsChecks(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Markdown(&buf, reg.All()); err != nil {
		t.Fatal(err)
	}
	const name = "../../docs/checks.md"
	if *update {
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/catalogue -run Docs -update)", err)
	}
	if diff := cmp.Diff(buf.String(), string(got)); diff != "" {
		t.Errorf("docs/checks.md is stale; run go test ./internal/catalogue -run Docs -update\n%s", diff)
	}
}
