package controlplane_test

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/controlplane"
)

func ExampleBenchmark() {
	for _, v := range []string{"v1.26.5", "v1.30.2", "v1.33.1", "v1.37.2"} {
		fmt.Println(v, controlplane.Benchmark(v))
	}
	// Output:
	// v1.26.5 cis-1.8
	// v1.30.2 cis-1.10
	// v1.33.1 cis-1.12
	// v1.37.2 cis-2.0
}

func ExampleRule_Number() {
	for _, r := range controlplane.Rules() {
		if r.ID == "FC-CIS-016" {
			fmt.Println(r.Flag, r.Number("cis-1.8"), r.Number("cis-2.0"))
		}
	}
	// Output: audit-log-path 1.2.17 1.2.16
}
