package host

// FC-HOST-006 walks the system directories (/etc, /bin, /sbin, /usr/bin,
// /usr/sbin, /usr/local/bin, /usr/local/sbin, /usr/lib/systemd) without
// following links: a regular file writable by others fails, and so does a
// directory writable by others without the sticky bit. At most
// maxWalkEntries entries are visited.

import (
	"fmt"
	"io/fs"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// maxWalkEntries bounds the walk of a large root filesystem.
const maxWalkEntries = 200_000

// maxWorldWritable bounds the findings of one node: past it, the rest is
// the same problem.
const maxWorldWritable = 50

var systemDirs = []string{"/etc", "/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/usr/lib/systemd"}

func checkWorldWritable() check.Check[*Node] {
	return check.Check[*Node]{
		Meta: meta("FC-HOST-006", "System file or directory is writable by every user", finding.SeverityHigh,
			"A world-writable configuration file, program or unsticky directory under a system path lets any local user or compromised container process change what root runs.",
			"Remove write access for others (chmod o-w FILE), or set the sticky bit on shared directories (chmod +t DIR).",
			ref("CIS Distribution Independent Linux 6.1.10"), ref("CWE-732")),
		Eval: func(n *Node) []check.Violation {
			var out []check.Violation
			visited := 0
			walked := map[string]bool{}
			for _, dir := range systemDirs {
				// /bin is a link to /usr/bin on merged-/usr systems.
				r, err := n.resolve(dir)
				if err != nil || walked[r] {
					continue
				}
				walked[r] = true
				_ = n.Walk(dir, func(p string, d fs.DirEntry, err error) error {
					if err != nil {
						return nil
					}
					visited++
					if visited > maxWalkEntries || len(out) >= maxWorldWritable {
						return fs.SkipAll
					}
					if d.Type()&fs.ModeSymlink != 0 {
						return nil
					}
					info, err := d.Info()
					if err != nil {
						return nil
					}
					m := info.Mode()
					switch {
					case m.IsRegular() && m.Perm()&0o002 != 0:
						out = append(out, check.Violation{
							Message: fmt.Sprintf("file %s must not be writable by others (mode %04o)", p, uint32(m.Perm())),
							Field:   p,
						})
					case m.IsDir() && m.Perm()&0o002 != 0 && m&fs.ModeSticky == 0:
						out = append(out, check.Violation{
							Message: fmt.Sprintf("directory %s must not be writable by others without the sticky bit (mode %04o)", p, uint32(m.Perm())),
							Field:   p,
						})
					}
					return nil
				})
			}
			return out
		},
	}
}
