package sast

// FC-SAST-008 maps gosec G301 (os.Mkdir/MkdirAll with a mode above 0750),
// G302 (os.OpenFile/os.Chmod above 0600), G306 (os.WriteFile above 0600)
// and G307 (os.Create, which uses 0666). Allowed: modes at or below those
// limits.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkFilePerms() goCheck {
	return goCheck{
		Rules: []string{"G301", "G302", "G306", "G307"},
		Check: check.Check[gosecIssue]{
			Meta: check.New(
				"FC-SAST-008",
				"Permissive file or directory mode",
				finding.SeverityMedium,
				finding.LayerCode,
				"Files and directories created readable or writable by group and others expose their "+
					"content to, or let it be changed by, other users and processes on the host or in the container.",
				"Create files with mode 0600 (0640 at most) and directories with 0750 or less.",
				cwe(276),
				gosecRef("G301"),
				gosecRef("G302"),
				gosecRef("G306"),
				gosecRef("G307"),
			),
			Eval: mapRule([]string{"G301", "G302", "G306", "G307"}, nil, func(is gosecIssue) string {
				return "file mode is too permissive: " + lowerFirst(trimDot(is.What))
			}),
		},
	}
}
