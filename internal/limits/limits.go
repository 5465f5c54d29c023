// Package limits is fourc's one set of budgets for untrusted input. Every
// scanner that renders, evaluates, decompresses, parses or downloads
// something a user did not write reads its budget from here, so that no
// chart, Terraform file, Dockerfile, tarball or server can hang fourc, crash
// it or make it use unbounded memory. An input that exceeds its budget
// becomes a skipped entry whose reason wraps [ErrExceeded]; the rest of the
// scan goes on.
//
// The defaults are documented in docs/limits.md; the CLI overrides them
// from flags and fourc.yaml and puts them in the context with [With].
package limits

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Limits are the budgets of one run. The zero value of a field means "use
// the default"; see [Limits.Normalize].
type Limits struct {
	// PerInput is the wall-clock deadline of one scan unit: rendering one
	// Helm chart or Kustomize overlay, evaluating one Terraform module tree,
	// parsing one Dockerfile, scanning one file for secrets.
	PerInput time.Duration
	// FileBytes is the largest file a scanner reads whole (lockfiles,
	// manifests, Terraform, Dockerfiles, SBOMs). Larger files are skipped.
	FileBytes int64
	// RenderedBytes caps the output of one Helm or Kustomize render.
	RenderedBytes int64
	// RenderSteps caps the work of one Helm render: elements produced by
	// list functions, template includes and string repetitions, summed.
	RenderSteps int64
	// KustomizeDepth caps the nesting of Kustomize bases and components.
	KustomizeDepth int
	// KustomizeResources caps the resources one overlay tree may load,
	// counting a base once per inclusion.
	KustomizeResources int
	// Depth caps the nesting of any recursive structure fourc parses or
	// evaluates: HCL expressions and blocks, JSON and YAML documents, shell
	// command substitutions in Dockerfiles, CycloneDX components, plan
	// child modules.
	Depth int
	// CollectionElements caps the size of one value an evaluator builds
	// (an HCL list, map or string in elements or bytes).
	CollectionElements int64
	// EvalSteps caps the expression evaluations of one Terraform module
	// tree.
	EvalSteps int64
	// FindingsPerFile caps the findings one scanner reports in one file;
	// the rest are counted ("N more in this file").
	FindingsPerFile int
	// Layers caps the layers of one image.
	Layers int
	// LayerBytes caps the decompressed size of one image layer.
	LayerBytes int64
	// ImageBytes caps the decompressed size of all the layers of one image.
	ImageBytes int64
	// Components caps the components (packages) one SBOM or lockfile may
	// list.
	Components int
	// StringBytes caps one string field of a structured input (a purl, a
	// package name, a version).
	StringBytes int
	// ConnectTimeout bounds dialling and TLS handshakes of network clients.
	ConnectTimeout time.Duration
	// HeaderTimeout bounds the wait for a response's headers.
	HeaderTimeout time.Duration
	// RequestTimeout bounds one whole request, body included.
	RequestTimeout time.Duration
	// ResponseBytes caps one response body of a network client.
	ResponseBytes int64
}

// Default returns the documented defaults: generous for real projects
// (the largest public charts render in well under a second, real image
// layers are a few GB), tight enough that the hostile corpus of the tests
// stays under 500 MB of memory.
func Default() Limits {
	return Limits{
		PerInput:           10 * time.Second,
		FileBytes:          256 << 20,
		RenderedBytes:      64 << 20,
		RenderSteps:        10_000_000,
		KustomizeDepth:     20,
		KustomizeResources: 20_000,
		Depth:              200,
		CollectionElements: 1_000_000,
		EvalSteps:          10_000_000,
		FindingsPerFile:    100,
		Layers:             512,
		LayerBytes:         16 << 30,
		ImageBytes:         64 << 30,
		Components:         500_000,
		StringBytes:        64 << 10,
		ConnectTimeout:     10 * time.Second,
		HeaderTimeout:      30 * time.Second,
		RequestTimeout:     2 * time.Minute,
		ResponseBytes:      256 << 20,
	}
}

// Normalize returns l with every zero field set to its default.
func (l Limits) Normalize() Limits {
	d := Default()
	set := func(v *int64, def int64) {
		if *v <= 0 {
			*v = def
		}
	}
	seti := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setd := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	setd(&l.PerInput, d.PerInput)
	set(&l.FileBytes, d.FileBytes)
	set(&l.RenderedBytes, d.RenderedBytes)
	set(&l.RenderSteps, d.RenderSteps)
	seti(&l.KustomizeDepth, d.KustomizeDepth)
	seti(&l.KustomizeResources, d.KustomizeResources)
	seti(&l.Depth, d.Depth)
	set(&l.CollectionElements, d.CollectionElements)
	set(&l.EvalSteps, d.EvalSteps)
	seti(&l.FindingsPerFile, d.FindingsPerFile)
	seti(&l.Layers, d.Layers)
	set(&l.LayerBytes, d.LayerBytes)
	set(&l.ImageBytes, d.ImageBytes)
	seti(&l.Components, d.Components)
	seti(&l.StringBytes, d.StringBytes)
	setd(&l.ConnectTimeout, d.ConnectTimeout)
	setd(&l.HeaderTimeout, d.HeaderTimeout)
	setd(&l.RequestTimeout, d.RequestTimeout)
	set(&l.ResponseBytes, d.ResponseBytes)
	return l
}

type ctxKey struct{}

// With returns a context carrying l (normalized). The CLI calls it once per
// run; scanners read the budgets back with [From].
func With(ctx context.Context, l Limits) context.Context {
	return context.WithValue(ctx, ctxKey{}, l.Normalize())
}

// From returns the limits carried by ctx, or [Default] when it has none.
func From(ctx context.Context) Limits {
	if l, ok := ctx.Value(ctxKey{}).(Limits); ok {
		return l
	}
	return Default()
}

// ErrExceeded is wrapped by every budget error, so that callers can tell a
// budget from a malformed input with errors.Is.
var ErrExceeded = errors.New("budget exceeded")

// ExceededError says which budget an input exceeded. Its message reads
// "budget: rendering exceeded 10s".
type ExceededError struct {
	// What names the work or the quantity, e.g. "rendering", "layers",
	// "expression depth".
	What string
	// Limit is the budget, formatted for a person, e.g. "10s", "512",
	// "64 MiB".
	Limit string
}

func (e *ExceededError) Error() string {
	return fmt.Sprintf("budget: %s exceeded %s", e.What, e.Limit)
}

// Unwrap makes errors.Is(err, ErrExceeded) true.
func (e *ExceededError) Unwrap() error { return ErrExceeded }

// Exceeded returns an [ExceededError]. limit may be a number, a duration or
// a byte count made readable by [Bytes].
func Exceeded(what string, limit any) error {
	return &ExceededError{What: what, Limit: fmt.Sprint(limit)}
}

// Bytes formats a byte count for a person: "512 B", "64 MiB", "16 GiB".
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %ciB", int64(v), "KMGTPE"[exp])
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTPE"[exp])
}
