package image

// Inspects: the mode of every regular file in the merged view.
// Allowed: files without the setuid or setgid bit. Each setuid or setgid
// file fails, naming the layer that added it.

import (
	"fmt"
	"io/fs"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkSetuidFile() check.Check[FileInfo] {
	return check.Check[FileInfo]{
		Meta: check.New(
			"FC-IMG-004",
			"Image contains a setuid or setgid file",
			finding.SeverityLow,
			finding.LayerContainer,
			"A setuid or setgid executable runs with its owner's or group's privileges; in a container it is a ready-made privilege escalation path if it has a flaw.",
			"Remove the bit in the Dockerfile (RUN chmod a-s FILE, or find / -perm /6000 -type f -exec chmod a-s {} +) and run containers with no-new-privileges.",
			finding.Reference{Source: "CIS Docker Benchmark 4.8"},
			finding.Reference{Source: "CWE-250"},
		),
		Eval: func(f FileInfo) []check.Violation {
			if !f.Mode.IsRegular() || f.Mode&(fs.ModeSetuid|fs.ModeSetgid) == 0 {
				return nil
			}
			bits := "setuid"
			switch {
			case f.Mode&fs.ModeSetuid != 0 && f.Mode&fs.ModeSetgid != 0:
				bits = "setuid and setgid"
			case f.Mode&fs.ModeSetgid != 0:
				bits = "setgid"
			}
			owner := fmt.Sprintf("UID %d", f.UID)
			if f.Mode&fs.ModeSetuid == 0 {
				owner = fmt.Sprintf("GID %d", f.GID)
			}
			return []check.Violation{{Message: fmt.Sprintf("/%s is %s (%s, mode %s)", f.Path, bits, owner, f.Mode)}}
		},
	}
}
