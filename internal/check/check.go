// Package check holds the check model shared by every scanner: a check is a
// value with a stable, hand-assigned ID, metadata a person can act on, and a
// pure function over the object it inspects. The catalogue of all checks is
// built explicitly (no init-time registration) and validated by [NewRegistry].
package check

import (
	"github.com/fourc-dev/fourc/internal/finding"
)

// Meta describes a check. It is data only, so the catalogue can be listed,
// documented and validated without running anything.
type Meta struct {
	// ID is stable and hand-assigned: "FC-<AREA>-<NNN>", e.g. "FC-K8S-001".
	// It never changes when the title does.
	ID string `json:"id"`
	// Title is a short statement of the problem, e.g. "Container is privileged".
	Title string `json:"title"`
	// Severity is the default severity of a finding from this check.
	Severity finding.Severity `json:"severity"`
	// Layer is the layer of defence the check belongs to.
	Layer finding.Layer `json:"layer"`
	// Description explains the risk in a sentence or two.
	Description string `json:"description"`
	// Remediation says in one sentence how to fix a finding.
	Remediation string `json:"remediation"`
	// References back the check with standards (CIS, PSS, NSA/CISA, CWE).
	References []finding.Reference `json:"references,omitempty"`
}

// New builds a check's metadata. It is the one way scanner packages build
// a [Meta], whether the check is Go code or a row of a data table, so every
// check reaches the registry in the same shape and is validated the same
// way (see [Validate]).
func New(id, title string, sev finding.Severity, layer finding.Layer, description, remediation string, refs ...finding.Reference) Meta {
	return Meta{
		ID:          id,
		Title:       title,
		Severity:    sev,
		Layer:       layer,
		Description: description,
		Remediation: remediation,
		References:  refs,
	}
}

// Violation is what a check's function reports about one subject.
type Violation struct {
	// Message says precisely what is wrong, e.g.
	// `container "api" must not set securityContext.privileged=true`.
	Message string
	// Field is an optional path to the offending field inside the subject,
	// which scanners translate to a line (e.g. "spec.containers[0].image").
	Field string
	// Line is an optional 1-based line, when the check knows it directly.
	Line int
	// Discriminator tells apart several findings of one check on one
	// resource (it feeds the fingerprint). Empty is fine when there is one.
	Discriminator string
}

// Check is a check over subjects of type T: metadata plus a pure function.
type Check[T any] struct {
	Meta
	// Eval inspects one subject and returns its violations, or none.
	Eval func(T) []Violation
}

// Finding turns one violation on a resource at a location into a finding,
// carrying the check's metadata and a fingerprint.
func (m Meta) Finding(res finding.Resource, loc finding.Location, v Violation) finding.Finding {
	f := finding.Finding{
		CheckID:     m.ID,
		Title:       m.Title,
		Severity:    m.Severity,
		Layer:       m.Layer,
		Resource:    res,
		Location:    loc,
		Message:     v.Message,
		Remediation: m.Remediation,
		References:  m.References,
	}
	if f.Message == "" {
		f.Message = m.Title
	}
	if f.Location.StartLine == 0 && v.Line > 0 {
		f.Location.StartLine = v.Line
	}
	f.Fingerprint = f.ComputeFingerprint(v.Discriminator + "\x00" + v.Field)
	return f
}

// Metas returns the metadata of a list of checks, for building a registry.
func Metas[T any](checks []Check[T]) []Meta {
	out := make([]Meta, len(checks))
	for i, c := range checks {
		out[i] = c.Meta
	}
	return out
}
