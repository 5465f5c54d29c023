package secret_test

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/secret"
)

// A scanner of another kind of input (here a Dockerfile ENV value) runs the
// detector on any bytes and turns its matches into findings.
func ExampleDetector_Scan() {
	d, err := secret.NewDetector(secret.Options{})
	if err != nil {
		panic(err)
	}
	env := []byte("ENV GITHUB_TOKEN=ghp_q8Rk2VmZt5Lx9NbW4cYh7JsD1fGp3eA6uTiQ")
	for _, m := range d.Scan(env) {
		f := d.Finding(m, finding.Resource{Kind: "Dockerfile", Name: "Dockerfile"},
			finding.Location{Path: "Dockerfile", StartLine: 12}, "ENV GITHUB_TOKEN")
		fmt.Println(f.CheckID, f.Severity, f.Location)
		fmt.Println(f.Message)
	}
	// Output:
	// FC-SEC-006 HIGH Dockerfile:12
	// GitHub personal access token "ghp_…sha256:ca576708" in ENV GITHUB_TOKEN
}
