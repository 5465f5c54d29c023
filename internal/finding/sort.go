package finding

import (
	"cmp"
	"slices"
)

// Sort orders findings deterministically: by layer, then severity (worst
// first), check ID, location and resource.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, Compare)
}

// Compare is the order [Sort] uses.
func Compare(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.Layer, b.Layer),
		cmp.Compare(b.Severity, a.Severity),
		cmp.Compare(a.CheckID, b.CheckID),
		cmp.Compare(a.Location.Path, b.Location.Path),
		cmp.Compare(a.Location.StartLine, b.Location.StartLine),
		cmp.Compare(a.Location.Object, b.Location.Object),
		cmp.Compare(a.Resource.Kind, b.Resource.Kind),
		cmp.Compare(a.Resource.Name, b.Resource.Name),
		cmp.Compare(a.Message, b.Message),
	)
}

// AtLeast reports whether any finding has severity min or higher.
func AtLeast(fs []Finding, min Severity) bool {
	for _, f := range fs {
		if f.Severity >= min {
			return true
		}
	}
	return false
}
