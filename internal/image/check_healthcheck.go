package image

// Inspects: config.Healthcheck ("HEALTHCHECK" in a Dockerfile).
// Allowed: a health check with a test command. Missing, or a test of
// ["NONE"] (health check disabled), fails.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkNoHealthcheck() check.Check[configSubject] {
	return check.Check[configSubject]{
		Meta: check.New(
			"FC-IMG-003",
			"Image has no health check",
			finding.SeverityLow,
			finding.LayerContainer,
			"Without a HEALTHCHECK a runtime that uses the image's own health check cannot tell a hung container from a healthy one.",
			"Add a HEALTHCHECK instruction that probes the service (or define liveness probes where the image runs on Kubernetes).",
			finding.Reference{Source: "CIS Docker Benchmark 4.6"},
		),
		Eval: func(s configSubject) []check.Violation {
			if s.Config == nil {
				return []check.Violation{{Message: "image defines no health check"}}
			}
			hc := s.Config.Config.Healthcheck
			switch {
			case hc == nil || len(hc.Test) == 0:
				return []check.Violation{{Message: "image defines no health check"}}
			case hc.Test[0] == "NONE":
				return []check.Violation{{Message: "image disables its health check (HEALTHCHECK NONE)"}}
			}
			return nil
		},
	}
}
