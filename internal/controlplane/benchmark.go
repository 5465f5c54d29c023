package controlplane

import (
	"strconv"
	"strings"
)

// BenchmarkVersion is one version of the CIS Kubernetes Benchmark and the
// Kubernetes minor versions it is mapped to, as kube-bench maps them.
type BenchmarkVersion struct {
	// Name is the short name used in check data, e.g. "cis-1.9".
	Name string `json:"name"`
	// Title is the document's version, e.g. "v1.9.0".
	Title string `json:"title"`
	// MinMinor and MaxMinor bound the Kubernetes 1.x minor versions that
	// map to this benchmark (MaxMinor 0: no upper bound).
	MinMinor int `json:"min_minor"`
	MaxMinor int `json:"max_minor,omitempty"`
}

// Benchmarks lists the benchmark versions fourc knows, oldest first.
// Kubernetes older than the first is checked against the first; versions
// newer than the last against the last. The control-plane numbering of
// v1.9.0 to v2.0.1 is the same for the checks fourc runs; v1.7.0 and
// v1.8.0 still had SecurityContextDeny at 1.2.12, so their later API
// server items are numbered one higher.
func Benchmarks() []BenchmarkVersion {
	return []BenchmarkVersion{
		{Name: "cis-1.7", Title: "v1.7.0", MinMinor: 25, MaxMinor: 25},
		{Name: "cis-1.8", Title: "v1.8.0", MinMinor: 26, MaxMinor: 26},
		{Name: "cis-1.9", Title: "v1.9.0", MinMinor: 27, MaxMinor: 29},
		{Name: "cis-1.10", Title: "v1.10.0", MinMinor: 30, MaxMinor: 30},
		{Name: "cis-1.11", Title: "v1.11.1", MinMinor: 31, MaxMinor: 31},
		{Name: "cis-1.12", Title: "v1.12.0", MinMinor: 32, MaxMinor: 34},
		{Name: "cis-2.0", Title: "v2.0.1", MinMinor: 35},
	}
}

// LatestBenchmark is the benchmark used when the Kubernetes version is
// unknown.
const LatestBenchmark = "cis-2.0"

// Benchmark returns the name of the CIS benchmark version for a Kubernetes
// version such as "v1.30.2", "1.28" or "v1.31.0-eks-a1b2": the version's
// minor selects it. An unparseable version gets [LatestBenchmark].
func Benchmark(kubernetesVersion string) string {
	minor, ok := minorVersion(kubernetesVersion)
	if !ok {
		return LatestBenchmark
	}
	bs := Benchmarks()
	for _, b := range bs {
		if minor >= b.MinMinor && (b.MaxMinor == 0 || minor <= b.MaxMinor) {
			return b.Name
		}
	}
	if minor < bs[0].MinMinor {
		return bs[0].Name
	}
	return LatestBenchmark
}

// minorVersion returns the minor of a Kubernetes 1.x version.
func minorVersion(v string) (int, bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	major, rest, ok := strings.Cut(v, ".")
	if !ok || major != "1" {
		return 0, false
	}
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	minor, err := strconv.Atoi(rest[:end])
	return minor, err == nil
}

// benchmarkIndex returns the position of a benchmark in [Benchmarks], or
// -1.
func benchmarkIndex(name string) int {
	for i, b := range Benchmarks() {
		if b.Name == name {
			return i
		}
	}
	return -1
}

// BenchmarkLabel names a benchmark version for people: "CIS Kubernetes
// Benchmark v2.0.1" for "cis-2.0".
func BenchmarkLabel(name string) string {
	return "CIS Kubernetes Benchmark " + benchmarkTitle(name)
}

// benchmarkTitle returns "v2.0.1" for "cis-2.0".
func benchmarkTitle(name string) string {
	for _, b := range Benchmarks() {
		if b.Name == name {
			return b.Title
		}
	}
	return name
}
