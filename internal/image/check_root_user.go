package image

// Inspects: config.User (the image's default user, "USER" in a Dockerfile),
// resolving a user name through the image's /etc/passwd.
// Allowed: a user whose UID is not 0. Empty, "0", "root" and any name that
// /etc/passwd maps to UID 0 fail; a group part (":gid") is ignored.

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRootUser() check.Check[configSubject] {
	return check.Check[configSubject]{
		Meta: check.New(
			"FC-IMG-001",
			"Image runs as root",
			finding.SeverityMedium,
			finding.LayerContainer,
			"Containers from this image run as UID 0 unless the platform overrides it; a compromise of the process is then root in the container and one kernel bug away from the node.",
			"Add a non-root user and set USER to its numeric UID (e.g. USER 10001) in the Dockerfile.",
			finding.Reference{Source: "CIS Docker Benchmark 4.1"},
			finding.Reference{Source: "NIST SP 800-190 4.4.3"},
			finding.Reference{Source: "CWE-250"},
		),
		Eval: func(s configSubject) []check.Violation {
			user := ""
			if s.Config != nil {
				user = strings.TrimSpace(s.Config.Config.User)
			}
			name, _, _ := strings.Cut(user, ":")
			switch {
			case name == "":
				return []check.Violation{{Message: "image sets no user (config.User is empty) and runs as root"}}
			case name == "0" || name == "root":
				return []check.Violation{{Message: fmt.Sprintf("image runs as root (config.User=%q)", user)}}
			}
			if uid, ok := passwdUID(s.Passwd, name); ok && uid == "0" {
				return []check.Violation{{Message: fmt.Sprintf("image user %q has UID 0 in /etc/passwd", name)}}
			}
			return nil
		},
	}
}

// passwdUID returns the UID of a user name in /etc/passwd content.
func passwdUID(passwd []byte, user string) (string, bool) {
	sc := bufio.NewScanner(bytes.NewReader(passwd))
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) >= 3 && f[0] == user {
			return f[2], true
		}
	}
	return "", false
}
