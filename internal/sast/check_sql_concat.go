package sast

// FC-SAST-007 maps gosec G201 (SQL built with fmt.Sprintf and friends) and
// G202 (SQL built by string concatenation): the query argument of
// database/sql calls (Query, QueryRow, Exec, Prepare and their Context
// variants) built from a SQL string and a non-constant value. Allowed:
// placeholders ($1, ?) with the values passed as arguments.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkSQLConcat() goCheck {
	return goCheck{
		Rules: []string{"G201", "G202"},
		Check: check.Check[gosecIssue]{
			Meta: check.New(
				"FC-SAST-007",
				"SQL query built from strings",
				finding.SeverityHigh,
				finding.LayerCode,
				"A query assembled from strings lets input that reaches it change the statement: SQL "+
					"injection can read, change or delete any data the database user can.",
				"Pass values as query parameters (db.Query(\"... WHERE id = $1\", id)) instead of formatting them into the SQL.",
				cwe(89),
				gosecRef("G201"),
				gosecRef("G202"),
			),
			Eval: mapRule([]string{"G201", "G202"}, nil, func(is gosecIssue) string {
				how := "concatenation"
				if is.Rule == "G201" {
					how = "a format string"
				}
				return "SQL query is built by " + how + " instead of parameters"
			}),
		},
	}
}
