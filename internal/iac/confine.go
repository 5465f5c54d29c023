package iac

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/fourc-dev/fourc/internal/source"
)

// errOutside is returned for a module directory that resolves outside the
// scan root through a symbolic link.
var errOutside = errors.New("resolves outside the scan root")

// maxLinks bounds the symbolic links followed while resolving one path.
const maxLinks = 40

// checkInside follows every component of dir that is a symbolic link and
// fails if one leads outside the root of fsys. The scan root the CLI gives
// is already confined; this keeps other file systems (os.DirFS follows
// links anywhere) from reporting files that are not in the tree.
func checkInside(fsys fs.FS, dir string) error {
	if dir == "." {
		return nil
	}
	rest := strings.Split(dir, "/")
	cur := "."
	links := 0
	for len(rest) > 0 {
		next := path.Join(cur, rest[0])
		rest = rest[1:]
		st, err := fs.Lstat(fsys, next)
		if err != nil {
			return err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if links++; links > maxLinks {
			return fmt.Errorf("%q: too many symbolic links", dir)
		}
		target, err := fs.ReadLink(fsys, next)
		if err != nil {
			return err
		}
		if path.IsAbs(target) {
			return fmt.Errorf("%q: %w", dir, errOutside)
		}
		resolved := path.Join(cur, target)
		if resolved == ".." || strings.HasPrefix(resolved, "../") {
			return fmt.Errorf("%q: %w", dir, errOutside)
		}
		// Resolve the target's own components again, from the top.
		if resolved != "." {
			rest = append(strings.Split(resolved, "/"), rest...)
		}
		cur = "."
	}
	return nil
}

// readRegular reads a file after checking that it is a regular file: a
// FIFO on a file system that is not the confined scan root would block
// the open.
func readRegular(fsys fs.FS, name string, limit int64) ([]byte, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%q: %w", name, source.ErrNotRegular)
	}
	return source.ReadFile(fsys, name, limit)
}
