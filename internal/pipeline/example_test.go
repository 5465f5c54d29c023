package pipeline_test

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/pipeline"
)

// A mistake in the options fails the run before anything is scanned.
func ExampleNewPlan() {
	_, err := pipeline.NewPlan(pipeline.Options{Format: "nope"}, ".")
	fmt.Println(err)
	_, err = pipeline.NewPlan(pipeline.Options{FailOnNew: "high"}, ".")
	fmt.Println(err)
	// Output:
	// --format: unknown format "nope" (want one of html, json, markdown, sarif, table)
	// --fail-on-new needs --baseline (a previous JSON report)
}
