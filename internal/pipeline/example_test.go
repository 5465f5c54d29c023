package pipeline_test

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/pipeline"
)

// A mistake in the options fails the run before anything is scanned.
func ExampleNewPlan() {
	_, err := pipeline.NewPlan(pipeline.Options{Format: "nope"}, ".")
	msg, _, _ := strings.Cut(err.Error(), " (want")
	fmt.Println(msg)
	_, err = pipeline.NewPlan(pipeline.Options{FailOnNew: "high"}, ".")
	fmt.Println(err)
	// Output:
	// --format: unknown format "nope"
	// --fail-on-new needs --baseline (a previous JSON report)
}
