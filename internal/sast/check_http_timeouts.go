package sast

// FC-SAST-009 maps gosec G114 (http.ListenAndServe, ListenAndServeTLS,
// Serve and ServeTLS, which build a server with no timeouts) and G112 (an
// http.Server literal without ReadHeaderTimeout or ReadTimeout). Allowed:
// an http.Server with ReadHeaderTimeout (or ReadTimeout) set.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkHTTPTimeouts() goCheck {
	return goCheck{
		Rules: []string{"G112", "G114"},
		Check: check.Check[gosecIssue]{
			Meta: check.New(
				"FC-SAST-009",
				"HTTP server without timeouts",
				finding.SeverityMedium,
				finding.LayerCode,
				"A server that waits forever for request headers can be exhausted by clients that open "+
					"connections and send slowly (Slowloris).",
				"Serve through an http.Server with ReadHeaderTimeout (and ReadTimeout, WriteTimeout, IdleTimeout) set.",
				cwe(400),
				gosecRef("G112"),
				gosecRef("G114"),
			),
			Eval: mapRule([]string{"G112", "G114"}, nil, func(is gosecIssue) string {
				if is.Rule == "G112" {
					return "http.Server has no ReadHeaderTimeout or ReadTimeout"
				}
				return "net/http serve function used, which sets no timeouts"
			}),
		},
	}
}
