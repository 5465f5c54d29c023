package image

// Inspects: the mode of every file and directory in the merged view under
// the system paths in systemDirs (/bin, /sbin, /lib*, /usr, /etc, /boot,
// /opt).
// Allowed: no write bit for "other". Symlinks (always 0777) and sticky
// directories (like /tmp) pass.

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

var systemDirs = []string{"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "boot", "opt"}

func inSystemDir(p string) bool {
	top, _, _ := strings.Cut(p, "/")
	for _, d := range systemDirs {
		if top == d {
			return true
		}
	}
	return false
}

func checkWorldWritable() check.Check[FileInfo] {
	return check.Check[FileInfo]{
		Meta: check.New(
			"FC-IMG-005",
			"World-writable file in a system path",
			finding.SeverityMedium,
			finding.LayerContainer,
			"Any user in the container can change a world-writable file or directory under a system path, which lets an unprivileged process replace binaries, libraries or configuration used by root.",
			"Remove the write bit for others (RUN chmod o-w PATH) in the Dockerfile step that creates the file.",
			finding.Reference{Source: "CWE-732"},
			finding.Reference{Source: "CIS Distribution Independent Linux 6.1.10"},
		),
		Eval: func(f FileInfo) []check.Violation {
			if f.Mode&fs.ModeSymlink != 0 || f.Mode.Perm()&0o002 == 0 || !inSystemDir(f.Path) {
				return nil
			}
			if f.Mode.IsDir() && f.Mode&fs.ModeSticky != 0 {
				return nil
			}
			kind := "file"
			if f.Mode.IsDir() {
				kind = "directory"
			}
			return []check.Violation{{Message: fmt.Sprintf("%s /%s is world-writable (mode %s)", kind, f.Path, f.Mode)}}
		},
	}
}
