package source

import (
	"io/fs"
	"path"
	"strings"
)

// Excluded reports whether a slash-separated path relative to the scan
// root matches one of the exclude globs (path.Match syntax): a glob with a
// slash is matched against the path and each of its parent directories,
// one without against each element's name, so "node_modules" excludes such
// folders at any depth. The engine's walk and every loader that finds
// files on its own (Terraform's module callers) use it, so --exclude means
// the same everywhere.
func Excluded(p string, globs []string) bool {
	for _, g := range globs {
		byName := !strings.Contains(g, "/")
		for q := p; q != "." && q != "/"; q = path.Dir(q) {
			target := q
			if byName {
				target = path.Base(q)
			}
			if ok, _ := path.Match(g, target); ok {
				return true
			}
		}
	}
	return false
}

// SpecialKind names a file mode that is not a regular file or directory
// for a person: "FIFO", "socket", "device", "symlink".
func SpecialKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	}
	return "special file"
}
