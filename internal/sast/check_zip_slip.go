package sast

// FC-SAST-013 maps gosec G305: a path built with filepath.Join from the name
// of a zip or tar entry (zip.File.Name, tar.Header.Name) without a check
// that it stays inside the destination. Allowed: names validated with
// filepath.IsLocal or a prefix check after filepath.Clean.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkZipSlip() goCheck {
	return goCheck{
		Rules: []string{"G305"},
		Check: check.Check[gosecIssue]{
			Meta: check.New(
				"FC-SAST-013",
				"Archive entry path not validated (zip slip)",
				finding.SeverityHigh,
				finding.LayerCode,
				"An archive entry named ../../etc/cron.d/x escapes the extraction directory and overwrites "+
					"arbitrary files when its name is joined to the destination unchecked.",
				"Reject entries whose name is not filepath.IsLocal before joining it to the destination.",
				cwe(22),
				gosecRef("G305"),
			),
			Eval: mapRule([]string{"G305"}, nil, func(gosecIssue) string {
				return "an archive entry's name is joined into a file path without checking it stays in the destination"
			}),
		},
	}
}
