package render

import (
	"context"
	"io/fs"
)

// MergeValues merges values sources in order, as Helm merges -f files and
// --set flags: a file's maps are merged into the earlier ones key by key,
// any other value (a list, a scalar, null) replaces the earlier one; a
// --set expression then sets its keys in place. A null is kept, so that
// Helm deletes the chart's default for that key when it coalesces. Files
// named by File are read from fsys (which may be nil when there are
// none). Every source is bounded: its size by the chart's input budget
// and limits.FileBytes, its nesting by limits.Depth, its elements (alias
// expansions included) by limits.CollectionElements. The error names the
// source.
func MergeValues(ctx context.Context, fsys fs.FS, vals []Value) (map[string]any, error) {
	return mergeValues(ctx, fsys, vals, &budget{limit: DefaultMaxInput})
}
