package report

import (
	_ "embed"
	"io"
)

// Entry points for tests only: production code reaches the same logic
// through their callers.

//go:embed schema/report.schema.json
var jsonSchema []byte

// JSONSchema returns the JSON Schema (draft 2020-12) that every document
// written by [WriteJSON] validates against.
func JSONSchema() []byte {
	return jsonSchema
}

// WriteMarkdown writes r as GitHub-flavoured Markdown for a pull-request
// comment: a title, a layer × severity summary table, one table of findings
// and collapsible sections for skipped inputs and suppressed findings. The
// findings table stops after 500 rows, or earlier if the comment would grow
// past GitHub's size limit, and says so.
func WriteMarkdown(w io.Writer, r *Report) error {
	return (&Markdown{}).Write(w, r)
}
