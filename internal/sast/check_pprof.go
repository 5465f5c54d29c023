package sast

// FC-SAST-011 maps gosec G108: a blank import of net/http/pprof, which
// registers /debug/pprof handlers on http.DefaultServeMux. Allowed:
// registering pprof handlers on a separate, internal-only mux.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkPprof() goCheck {
	return goCheck{
		Rules: []string{"G108"},
		Check: check.Check[gosecIssue]{
			Meta: check.New(
				"FC-SAST-011",
				"Profiling endpoint exposed",
				finding.SeverityMedium,
				finding.LayerCode,
				"/debug/pprof reveals memory contents, goroutine stacks and command lines, and its CPU "+
					"profile can be used to load the server.",
				"Remove the blank import of net/http/pprof, or mount its handlers on a mux served only on an internal port.",
				cwe(200),
				gosecRef("G108"),
			),
			Eval: mapRule([]string{"G108"}, nil, func(gosecIssue) string {
				return "net/http/pprof is imported for its side effect, exposing /debug/pprof on the default mux"
			}),
		},
	}
}
